import { randomUUID } from 'node:crypto';
import type * as http from 'node:http';
import type { ServiceName } from './models';
import type { ValidationIssue } from './modelValidator';

/** An error as AWS answers it: the code becomes the SDK error's `name`. */
export class AwsError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
    /** Extra fields of the error body (S3's `<Key>`, `<BucketName>`). */
    readonly fields: Readonly<Record<string, string>> = {},
  ) {
    super(message);
  }
}

/** An HTTP answer. */
export interface Reply {
  readonly status: number;
  readonly headers?: Readonly<Record<string, string | number>>;
  readonly body?: string | Buffer;
}

/** The request as the server read it, before any protocol looked at it. */
export interface RawRequest {
  readonly method: string;
  readonly url: URL;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: Buffer;
  readonly requestId: string;
  /** From the SigV4 Authorization header (or a presigned URL's query). */
  readonly auth?: { readonly accessKeyId: string; readonly region: string; readonly service: string };
}

/** A request a protocol has read: which operation, with which input, how to run it. */
export interface ParsedCall {
  readonly service: ServiceName;
  readonly operation: string;
  /** The input as the model sees it (JSON body, query parameters, or REST members). */
  readonly input: unknown;
  readonly issues: readonly ValidationIssue[];
  readonly run: () => Promise<Reply>;
}

/** How one wire protocol reads requests and writes errors. */
export interface Protocol {
  readonly service: ServiceName;
  parse(request: RawRequest): ParsedCall;
  error(error: AwsError, request: RawRequest): Reply;
  /** The codes and messages the service uses when the access key is unknown, or expired. */
  readonly unrecognized: AwsError;
  readonly expired: AwsError;
  /** The error for a request the model refuses (ValidationException in the JSON services). */
  invalid(code: string, message: string): AwsError;
}

export function newRequestId(): string {
  return randomUUID();
}

export function xmlEscape(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c] as string);
}

export function xmlUnescape(text: string): string {
  return text.replace(/&(amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);/g, (_all, entity: string) => {
    const named: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
    if (entity in named) return named[entity];
    return String.fromCodePoint(entity.startsWith('#x') ? parseInt(entity.slice(2), 16) : parseInt(entity.slice(1), 10));
  });
}

/** `<name>text</name>`, the text escaped; nothing for undefined. */
export function xmlText(name: string, value: string | number | boolean | undefined): string {
  return value === undefined ? '' : `<${name}>${xmlEscape(String(value))}</${name}>`;
}

/** `<name>children</name>` around XML already built. */
export function xmlNode(name: string, ...children: string[]): string {
  return `<${name}>${children.join('')}</${name}>`;
}

/** The text of each `<name>…</name>` in a small XML document (the few request bodies the emulator reads). */
export function xmlElements(xml: string, name: string): string[] {
  const found: string[] = [];
  const pattern = new RegExp(`<${name}(?:\\s[^>]*)?>([\\s\\S]*?)</${name}>`, 'g');
  for (const match of xml.matchAll(pattern)) found.push(match[1]);
  return found;
}

export function xmlDocument(root: string, namespace: string, ...children: string[]): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<${root} xmlns="${namespace}">${children.join('')}</${root}>`;
}

/** An opaque pagination token, as AWS gives them: the client must pass it back unchanged. */
export function encodeToken(state: unknown): string {
  return Buffer.from(JSON.stringify(state)).toString('base64url');
}

export function decodeToken<T>(token: string, check: (state: unknown) => state is T, invalid: () => AwsError): T {
  let state: unknown;
  try {
    state = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  if (!check(state)) throw invalid();
  return state;
}

/** Epoch seconds with milliseconds, as the JSON protocols send timestamps. */
export function epochSeconds(date: Date): number {
  return date.getTime() / 1000;
}
