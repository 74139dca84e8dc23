// GET /execution-parameters: a container may tell batch transform how it likes to be called
// (https://docs.aws.amazon.com/sagemaker/latest/dg/your-algorithms-batch-code.html: answers
// {"MaxConcurrentTransforms": 8, "BatchStrategy": "MULTI_RECORD", "MaxPayloadInMB": 6}).
// SageMaker's rule (CreateTransformJob, MaxConcurrentTransforms: "If MaxConcurrentTransforms is set
// to 0 or left unset, SageMaker checks the optional execution-parameters to determine the settings
// for your chosen algorithm. If the execution-parameters endpoint is not enabled, the default value
// is 1.", https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateTransformJob.html):
// what the job sets wins; what it leaves unset comes from the container, else from the defaults.
import type { BatchStrategy } from '../../job/servingSection';
import { PING_TIMEOUT_MS } from '../hostingContract';
import { httpExchange } from '../localHttp';

export interface TransformParameters {
  readonly maxConcurrentTransforms: number;
  readonly batchStrategy: BatchStrategy;
  readonly maxPayloadInMB: number;
}

/** SageMaker's defaults for what neither the job nor the container set (MaxPayloadInMB 6, MaxConcurrentTransforms 1, MultiRecord as smct's job file defaults it). */
export const DEFAULT_TRANSFORM_PARAMETERS: TransformParameters = { maxConcurrentTransforms: 1, batchStrategy: 'MultiRecord', maxPayloadInMB: 6 };

/** What the container answers at /execution-parameters, or {} when it has no such page (any non-200, or not JSON). */
export async function readExecutionParameters(url: string, options: { timeoutMs?: number; signal?: AbortSignal } = {}): Promise<Partial<TransformParameters>> {
  const answer = await httpExchange(url, {
    method: 'GET',
    path: '/execution-parameters',
    timeoutMs: options.timeoutMs ?? PING_TIMEOUT_MS * 5,
    signal: options.signal,
  });
  if (answer.status !== 200) return {};
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(answer.body.toString('utf8')) as Record<string, unknown>;
  } catch {
    return {};
  }
  const found: { -readonly [K in keyof TransformParameters]?: TransformParameters[K] } = {};
  const concurrency = parsed?.MaxConcurrentTransforms;
  if (typeof concurrency === 'number' && Number.isInteger(concurrency) && concurrency > 0) found.maxConcurrentTransforms = concurrency;
  const payload = parsed?.MaxPayloadInMB;
  if (typeof payload === 'number' && Number.isInteger(payload) && payload >= 0) found.maxPayloadInMB = payload;
  if (parsed?.BatchStrategy === 'MULTI_RECORD') found.batchStrategy = 'MultiRecord';
  if (parsed?.BatchStrategy === 'SINGLE_RECORD') found.batchStrategy = 'SingleRecord';
  return found;
}

/** The parameters the transform runs with: the job's where it set them (a 0 MaxConcurrentTransforms is unset), else the container's, else the defaults. */
export function effectiveParameters(job: Partial<TransformParameters>, container: Partial<TransformParameters>): TransformParameters {
  const concurrency = job.maxConcurrentTransforms === 0 ? undefined : job.maxConcurrentTransforms;
  return {
    maxConcurrentTransforms: concurrency ?? container.maxConcurrentTransforms ?? DEFAULT_TRANSFORM_PARAMETERS.maxConcurrentTransforms,
    batchStrategy: job.batchStrategy ?? container.batchStrategy ?? DEFAULT_TRANSFORM_PARAMETERS.batchStrategy,
    maxPayloadInMB: job.maxPayloadInMB ?? container.maxPayloadInMB ?? DEFAULT_TRANSFORM_PARAMETERS.maxPayloadInMB,
  };
}
