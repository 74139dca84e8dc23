// `smct transform --local`: the job's serving image started as batch transform starts it (its
// environment says so), the transform run against it, the container stopped whatever happens.
import * as fs from 'node:fs';
import type { TransformSpec } from '../../job/servingSection';
import type { TrainingJob } from '../../job/trainingJob';
import { awsS3Reader, type S3AccessOptions } from '../../local/s3Access';
import type { S3Reader } from '../../local/channels/types';
import { SmctError } from '../../errors';
import { BATCH_STRATEGY_VALUES } from '../hostingContract';
import { startLocalEndpoint, type LocalEndpoint, type LocalEndpointOptions } from '../localEndpoint';
import type { TransformParameters } from './executionParameters';
import { transformWithEndpoint, type TransformOptions, type TransformResult } from './transformWithEndpoint';

export interface LocalTransformOptions extends Omit<TransformOptions, 'setInJobFile' | 's3'> {
  /** Replaces serving.transform.input (a path, or an s3:// URI). */
  readonly input?: string;
  /** Replaces serving.transform.output (an absolute folder). */
  readonly output?: string;
  /** Starts the serving container; default startLocalEndpoint (tests pass their own). */
  readonly startEndpoint?: (job: TrainingJob, options: LocalEndpointOptions) => Promise<LocalEndpoint>;
  readonly onLog?: (line: string) => void;
  readonly onStatus?: LocalEndpointOptions['onStatus'];
  readonly onWarning?: (message: string) => void;
  /** Who reads S3 (the input, the model); default the SDK's chain and the job's region. */
  readonly aws?: S3AccessOptions;
  /** Stands in for S3 (tests). */
  readonly s3?: () => S3Reader;
  /** The stop's grace, in seconds (default SageMaker's). */
  readonly stopGraceSeconds?: number;
}

/**
 * The environment batch transform gives the container
 * (https://docs.aws.amazon.com/sagemaker/latest/dg/your-algorithms-batch-code.html).
 */
export function batchEnvironment(spec: TransformSpec): Record<string, string> {
  return {
    SAGEMAKER_BATCH: 'true',
    SAGEMAKER_MAX_PAYLOAD_IN_MB: String(spec.maxPayloadInMB),
    SAGEMAKER_BATCH_STRATEGY: BATCH_STRATEGY_VALUES[spec.batchStrategy],
    SAGEMAKER_MAX_CONCURRENT_TRANSFORMS: String(spec.maxConcurrentTransforms),
  };
}

/** Starts the job's serving container with port 0, runs the transform, and stops the container (also on failure or Ctrl-C). */
export async function runLocalTransform(job: TrainingJob, options: LocalTransformOptions = {}): Promise<TransformResult> {
  const spec = transformSpecOf(job, options);
  const s3 = options.s3 ?? awsS3Reader(options.aws ?? { jobRegion: job.region });
  const start = options.startEndpoint ?? startLocalEndpoint;
  const endpoint = await start(job, {
    environment: batchEnvironment(spec),
    port: 0,
    onLog: options.onLog,
    onStatus: options.onStatus,
    onWarning: options.onWarning,
    signal: options.signal,
    aws: options.aws,
    s3: options.s3,
  });
  try {
    return await transformWithEndpoint(spec, endpoint.url, { ...options, s3, setInJobFile: setInJobFile(job) });
  } finally {
    await endpoint.stop(options.stopGraceSeconds);
  }
}

/** The job's transform section with the command line's input and output; a job file without one needs both. */
export function transformSpecOf(job: TrainingJob, options: { input?: string; output?: string }): TransformSpec {
  const located = (source: string): TransformSpec['input'] => (source.startsWith('s3://') ? { kind: 's3', uri: source } : { kind: 'local', path: source });
  const spec = job.serving.transform;
  if (!spec) {
    if (options.input === undefined || options.output === undefined) {
      throw new SmctError('USAGE', `${job.file} has no serving.transform section: add one (input, output, splitType…), or give --input and --output.`);
    }
    return {
      input: located(options.input),
      output: options.output,
      splitType: 'None',
      batchStrategy: 'MultiRecord',
      maxPayloadInMB: 6,
      maxConcurrentTransforms: 1,
      assembleWith: 'None',
    };
  }
  return { ...spec, input: options.input === undefined ? spec.input : located(options.input), output: options.output ?? spec.output };
}

/**
 * Which of the transform's parameters the job file itself sets: those it leaves out may come from
 * the container's /execution-parameters. The normalized spec has SageMaker's defaults filled in,
 * so the file says which were written.
 */
function setInJobFile(job: TrainingJob): (keyof TransformParameters)[] {
  let written: Record<string, unknown> | undefined;
  try {
    written = (JSON.parse(fs.readFileSync(job.file, 'utf8')) as { serving?: { transform?: Record<string, unknown> } }).serving?.transform;
  } catch {
    written = undefined;
  }
  const keys: (keyof TransformParameters)[] = ['maxConcurrentTransforms', 'batchStrategy', 'maxPayloadInMB'];
  return written ? keys.filter((key) => written[key] !== undefined) : [];
}
