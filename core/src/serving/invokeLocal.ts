// POST /invocations to a local serving container as InvokeEndpoint forwards a request to it: the
// body and only the headers SageMaker passes on, within SageMaker's payload limit and 60 s.
import { INVOCATION_TIMEOUT_MS } from './hostingContract';
import { checkPayloadSize, checkRequestHeaders, type InvocationRequest, type InvocationResponse } from './invocation';
import { httpExchange } from './localHttp';
import { invokeModel } from './multiModelApi';

export interface InvokeLocalOptions {
  /** Default INVOCATION_TIMEOUT_MS (SageMaker's 60 s); tests shorten it. */
  readonly timeoutMs?: number;
  /** An invocation to a serverless endpoint (4 MB payloads). */
  readonly serverless?: boolean;
  /** Names the body in the payload message (default "The request body"). */
  readonly source?: string;
  readonly signal?: AbortSignal;
}

/**
 * The headers SageMaker forwards to the container, from the request's own fields: "Amazon
 * SageMaker strips all POST headers except those supported by the API"
 * (https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_runtime_InvokeEndpoint.html).
 */
export function forwardedHeaders(request: InvocationRequest): Record<string, string> {
  const headers: Record<string, string> = {};
  if (request.contentType) headers['Content-Type'] = request.contentType;
  if (request.accept) headers['Accept'] = request.accept;
  if (request.customAttributes) headers['X-Amzn-SageMaker-Custom-Attributes'] = request.customAttributes;
  return headers;
}

/** The container's answer, whatever its status (a 500 is a response, as InvokeEndpoint's ModelError carries it). */
export async function invokeLocal(url: string, request: InvocationRequest, options: InvokeLocalOptions = {}): Promise<InvocationResponse> {
  checkPayloadSize(request.body.length, options.source ?? 'The request body', options.serverless);
  checkRequestHeaders(request);
  if (request.targetModel !== undefined) return invokeModel(url, request.targetModel, request, options);
  const timeoutMs = options.timeoutMs ?? INVOCATION_TIMEOUT_MS;
  const answer = await httpExchange(url, {
    method: 'POST',
    path: '/invocations',
    body: request.body,
    headers: forwardedHeaders(request),
    timeoutMs,
    timeoutMessage: timeoutMessage(url, timeoutMs),
    signal: options.signal,
  });
  return { status: answer.status, contentType: answer.contentType, body: answer.body, milliseconds: answer.milliseconds };
}

/**
 * "Your model containers must respond to requests within 60 seconds"
 * (https://docs.aws.amazon.com/sagemaker/latest/dg/your-algorithms-inference-code.html); past that
 * InvokeEndpoint fails with a ModelError and the caller gets no answer.
 */
export function timeoutMessage(url: string, timeoutMs: number): string {
  return `ModelError: the container at ${url} did not answer within ${timeoutMs / 1000} s, and SageMaker ends an invocation there ("Your model containers must respond to requests within 60 seconds"): make the model answer faster, or use batch transform.`;
}

/**
 * A non-2xx answer in InvokeEndpoint's words: "An error occurred (ModelError) when calling the
 * InvokeEndpoint operation: Received server error (500) from primary with message "…". See …
 * for more information." (aws/amazon-sagemaker-examples#4324 and #1809; "client error" for a 4xx.)
 */
export function modelErrorMessage(response: Pick<InvocationResponse, 'status' | 'body'>): string {
  const kind = response.status >= 500 ? 'server' : 'client';
  const text = response.body.toString('utf8').replace(/\s+/g, ' ').trim();
  const shown = text.length > 500 ? `${text.slice(0, 500)}…` : text;
  return `ModelError: Received ${kind} error (${response.status}) from primary with message "${shown}". See the container's log for more information.`;
}
