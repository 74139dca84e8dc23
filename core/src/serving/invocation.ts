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
