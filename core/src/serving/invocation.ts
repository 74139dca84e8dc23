// One request to a model and its answer, the same whether the endpoint is a local container's
// /invocations or InvokeEndpoint on SageMaker: the CLI and VS Code print both alike.
import { MAX_PAYLOAD_BYTES } from './hostingContract';
import { formatBytes } from '../config/quantities';
import { SmctError } from '../errors';

export interface InvocationRequest {
  readonly body: Buffer;
  readonly contentType?: string;
  readonly accept?: string;
  /** X-Amzn-SageMaker-Custom-Attributes. */
  readonly customAttributes?: string;
  /** A multi-model endpoint's model (the model.tar.gz's path relative to the model prefix). */
  readonly targetModel?: string;
}

export interface InvocationResponse {
  /** The HTTP status of the container's answer (InvokeEndpoint: 200, or the container's status in a ModelError). */
  readonly status: number;
  readonly contentType?: string;
  readonly body: Buffer;
  /** From sending the request to the end of the answer. */
  readonly milliseconds: number;
  /** InvokeEndpoint only: the variant that answered. */
  readonly invokedVariant?: string;
}

/** Refuses a payload larger than SageMaker takes, before it is sent; `source` names it in the message. */
export function checkPayloadSize(bytes: number, source: string, serverless = false): void {
  const limit = serverless ? MAX_PAYLOAD_BYTES.serverless : MAX_PAYLOAD_BYTES.realTime;
  if (bytes > limit) {
    const kind = serverless ? 'a serverless endpoint' : 'an endpoint';
    throw new SmctError(
      'REQUEST_INVALID',
      `${source} is ${formatBytes(bytes)}: InvokeEndpoint takes at most ${formatBytes(limit)} for ${kind}. Send a smaller payload, or use batch transform (smct transform) for large inputs.`,
    );
  }
}

/**
 * The request's header fields as the sagemaker-runtime API model constrains them
 * (botocore/data/sagemaker-runtime/2017-05-13/service-2.json: ContentType, Accept and
 * CustomAttributes at most 1024 characters matching \p{ASCII}*; TargetModel 1 to 1024 characters
 * matching \A\S[\p{Print}]*\z). Control characters are refused too: an HTTP header cannot carry
 * a line break, and node:http throws on one.
 */
const HEADER_FIELDS = [
  { key: 'contentType', name: 'ContentType', flag: '--content-type' },
  { key: 'accept', name: 'Accept', flag: '--accept' },
  { key: 'customAttributes', name: 'CustomAttributes', flag: '--custom-attributes' },
  { key: 'targetModel', name: 'TargetModel', flag: '--target-model' },
] as const;

export const MAX_HEADER_FIELD_CHARACTERS = 1024;

/** Refuses a ContentType, Accept, CustomAttributes or TargetModel that InvokeEndpoint would refuse, naming the field and its flag (never its value: CustomAttributes is sensitive). */
export function checkRequestHeaders(request: InvocationRequest): void {
  for (const field of HEADER_FIELDS) {
    const value = request[field.key];
    if (value === undefined) continue;
    const problem = headerProblem(value, field.key === 'targetModel');
    if (problem) {
      const rule = `InvokeEndpoint takes printable ASCII of at most ${MAX_HEADER_FIELD_CHARACTERS} characters`;
      throw new SmctError('REQUEST_INVALID', `${field.name} (${field.flag}) ${problem}: ${rule}.`);
    }
  }
}

function headerProblem(value: string, targetModel: boolean): string | undefined {
  if (value.length > MAX_HEADER_FIELD_CHARACTERS) return `is ${value.length} characters long`;
  // eslint-disable-next-line no-control-regex
  if (/[^\x00-\x7f]/.test(value)) return 'holds a character that is not ASCII';
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x08\x0a-\x1f\x7f]/.test(value)) return 'holds a control character (a line break?)';
  if (targetModel && (value.length === 0 || /^\s/.test(value))) return 'is empty or begins with a space';
  return undefined;
}
