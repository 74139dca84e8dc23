// What a payload is and how an answer is shown: pure, so that node:test checks it without VS Code.
import * as path from 'node:path';

/** The content types a payload's file extension settles; others are asked for. */
const BY_EXTENSION: Readonly<Record<string, string>> = { '.csv': 'text/csv', '.json': 'application/json' };

/** The choices offered when neither the job nor the file says (SageMaker's built-in containers take these). */
export const COMMON_CONTENT_TYPES = [
  'application/json',
  'text/csv',
  'text/plain',
  'application/jsonlines',
  'application/x-npy',
  'application/octet-stream',
] as const;

/**
 * The payload's content type: the job's serving.transform.contentType (what the model is fed in
 * batch too), else the file's extension (.csv, .json), else undefined (the caller asks).
 */
export function payloadContentType(fileName: string, jobContentType?: string): string | undefined {
  if (jobContentType) return jobContentType;
  return BY_EXTENSION[path.extname(fileName).toLowerCase()];
}

/** The editor language an answer opens in, from its content type ("application/json; charset=utf-8" → json). */
export function languageForContentType(contentType: string | undefined): string {
  const media = (contentType ?? '').split(';')[0].trim().toLowerCase();
  if (media === 'application/json' || media.endsWith('+json')) return 'json';
  if (media === 'application/jsonlines' || media === 'application/x-ndjson' || media === 'application/jsonl') return 'jsonl';
  if (media === 'text/csv') return 'csv';
  if (media === 'text/html') return 'html';
  if (media === 'application/xml' || media === 'text/xml') return 'xml';
  return 'plaintext';
}

/** The first non-empty line of an answer's body, shortened for a notification. */
export function firstLine(body: Buffer, max = 200): string {
  const line =
    body
      .toString('utf8')
      .split(/\r?\n/)
      .find((candidate) => candidate.trim() !== '')
      ?.trim() ?? '';
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

/** Whether the model's answer is a success (2xx). */
export function succeeded(status: number): boolean {
  return status >= 200 && status < 300;
}

/** The notification after a request: its status and time, or the error's first line. */
export function invocationMessage(endpoint: string, response: { readonly status: number; readonly milliseconds: number; readonly body: Buffer }): string {
  const time = `${Math.round(response.milliseconds)} ms`;
  if (succeeded(response.status)) return `${endpoint} answered ${response.status} in ${time}.`;
  const line = firstLine(response.body);
  return `${endpoint} answered ${response.status} in ${time}${line ? `: ${line}` : ' with an empty body'}.`;
}
