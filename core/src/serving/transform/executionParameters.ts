// GET /execution-parameters: a container may tell batch transform how it likes to be called
// (https://docs.aws.amazon.com/sagemaker/latest/dg/your-algorithms-batch-code.html: answers
// {"MaxConcurrentTransforms": 8, "BatchStrategy": "MULTI_RECORD", "MaxPayloadInMB": 6}).
// SageMaker's rule (CreateTransformJob, MaxConcurrentTransforms: "If MaxConcurrentTransforms is set
// to 0 or left unset, SageMaker checks the optional execution-parameters to determine the settings
// for your chosen algorithm. If the execution-parameters endpoint is not enabled, the default value
// is 1.", https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateTransformJob.html):
// what the job sets wins; what it leaves unset comes from the container, else from the defaults.
import type { BatchStrategy } from '../../job/servingSection';
import { MAX_CONCURRENT_TRANSFORMS, MAX_TRANSFORM_PAYLOAD_MB } from '../../job/servingChecks';
import { SmctError } from '../../errors';
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
  // SageMaker refuses a transform whose parameters break its rules wherever they come from, so a
  // value the container gives out of bounds fails the job rather than being clamped.
  const concurrency = containerInteger(parsed?.MaxConcurrentTransforms, 'MaxConcurrentTransforms', 1, MAX_CONCURRENT_TRANSFORMS);
  if (concurrency !== undefined) found.maxConcurrentTransforms = concurrency;
  const payload = containerInteger(parsed?.MaxPayloadInMB, 'MaxPayloadInMB', 0, MAX_TRANSFORM_PAYLOAD_MB);
  if (payload !== undefined) found.maxPayloadInMB = payload;
  if (parsed?.BatchStrategy === 'MULTI_RECORD') found.batchStrategy = 'MultiRecord';
  if (parsed?.BatchStrategy === 'SINGLE_RECORD') found.batchStrategy = 'SingleRecord';
  return found;
}

/** A number the container answered, within [min, max]; undefined when it gave none. */
function containerInteger(value: unknown, name: string, min: number, max: number): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max) return value;
  throw new SmctError(
    'TRANSFORM_FAILED',
    `the container's /execution-parameters answered ${name} ${JSON.stringify(value)}, and SageMaker takes an integer from ${min} to ${max}: fix the container's answer, or set serving.transform's value in the job file.`,
  );
}

/**
 * The effective parameters within SageMaker's rule "(MaxConcurrentTransforms * MaxPayloadInMB)
 * also cannot exceed 100 MB" (API_CreateTransformJob), whichever of the job and the container set them.
 */
export function checkTransformParameters(parameters: TransformParameters): void {
  const product = parameters.maxConcurrentTransforms * parameters.maxPayloadInMB;
  if (product <= MAX_TRANSFORM_PAYLOAD_MB) return;
  throw new SmctError(
    'TRANSFORM_FAILED',
    `MaxConcurrentTransforms × MaxPayloadInMB is ${parameters.maxConcurrentTransforms} × ${parameters.maxPayloadInMB} = ${product} MB (from the job file and the container's /execution-parameters), and SageMaker refuses more than ${MAX_TRANSFORM_PAYLOAD_MB} MB: set serving.transform.maxConcurrentTransforms and maxPayloadInMB in the job file.`,
  );
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
