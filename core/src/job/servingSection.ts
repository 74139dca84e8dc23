import * as path from 'node:path';
import { DEFAULT_STARTUP_HEALTH_CHECK_SECONDS } from '../serving/hostingContract';

/** Where the model served comes from. */
export type ModelSource =
  /** The model.tar.gz of the job's latest local training run (`<output>/<base job name>-…/output/model.tar.gz`). */
  | { readonly kind: 'latestLocalRun' }
  /** A model.tar.gz or a folder on this machine. */
  | { readonly kind: 'local'; readonly path: string }
  /** A model.tar.gz in S3 (a prefix of them for a multi-model endpoint). */
  | { readonly kind: 's3'; readonly uri: string };

export type SplitType = 'None' | 'Line' | 'RecordIO' | 'TFRecord';
export type BatchStrategy = 'SingleRecord' | 'MultiRecord';

/** Batch transform as the job file describes it, with SageMaker's defaults applied. */
export interface TransformSpec {
  readonly input: { readonly kind: 'local'; readonly path: string } | { readonly kind: 's3'; readonly uri: string };
  /** The folder that receives `<input file>.out`. */
  readonly output: string;
  readonly contentType?: string;
  readonly accept?: string;
  readonly splitType: SplitType;
  readonly batchStrategy: BatchStrategy;
  readonly maxPayloadInMB: number;
  readonly maxConcurrentTransforms: number;
  readonly assembleWith: 'None' | 'Line';
}

/** The job file's `serving` section, with defaults applied and paths made absolute. */
export interface ServingSpec {
  /** The serving image; default: the training image. */
  readonly image: string;
  readonly model: ModelSource;
  readonly mode: 'SingleModel' | 'MultiModel';
  readonly environment: Readonly<Record<string, string>>;
  /** The port of 127.0.0.1 that local serving publishes to the container's 8080. */
  readonly port: number;
  readonly startupHealthCheckSeconds: number;
  readonly endpointName: string;
  readonly instanceType: string;
  readonly instanceCount: number;
  readonly serverless?: { readonly memorySizeInMB: number; readonly maxConcurrency: number };
  readonly transform?: TransformSpec;
}

export interface ServingJson {
  image?: string;
  model?: string;
  mode?: ServingSpec['mode'];
  environment?: Record<string, string>;
  port?: number;
  startupHealthCheckTimeoutSeconds?: number;
  endpointName?: string;
  instanceType?: string;
  instanceCount?: number;
  serverless?: { memorySizeInMB: number; maxConcurrency?: number };
  transform?: {
    input: string;
    output?: string;
    contentType?: string;
    accept?: string;
    splitType?: SplitType;
    batchStrategy?: BatchStrategy;
    maxPayloadInMB?: number;
    maxConcurrentTransforms?: number;
    assembleWith?: 'None' | 'Line';
  };
}

/** The `serving` section of the job file in `folder`, defaults from the job (its image and base name). */
export function servingSpec(json: ServingJson | undefined, folder: string, job: { readonly image: string; readonly baseJobName: string }): ServingSpec {
  const spec = json ?? {};
  const located = (source: string) =>
    source.startsWith('s3://') ? { kind: 's3' as const, uri: source } : { kind: 'local' as const, path: path.resolve(folder, source) };
  return {
    image: spec.image ?? job.image,
    model: spec.model === undefined ? { kind: 'latestLocalRun' } : located(spec.model),
    mode: spec.mode ?? 'SingleModel',
    environment: spec.environment ?? {},
    port: spec.port ?? 8080,
    startupHealthCheckSeconds: spec.startupHealthCheckTimeoutSeconds ?? DEFAULT_STARTUP_HEALTH_CHECK_SECONDS,
    endpointName: spec.endpointName ?? job.baseJobName,
    instanceType: spec.instanceType ?? 'ml.m5.large',
    instanceCount: spec.instanceCount ?? 1,
    serverless: spec.serverless ? { memorySizeInMB: spec.serverless.memorySizeInMB, maxConcurrency: spec.serverless.maxConcurrency ?? 5 } : undefined,
    transform: spec.transform
      ? {
          input: located(spec.transform.input),
          output: path.resolve(folder, spec.transform.output ?? 'transform-output'),
          contentType: spec.transform.contentType,
          accept: spec.transform.accept,
          splitType: spec.transform.splitType ?? 'None',
          batchStrategy: spec.transform.batchStrategy ?? 'MultiRecord',
          maxPayloadInMB: spec.transform.maxPayloadInMB ?? 6,
          maxConcurrentTransforms: spec.transform.maxConcurrentTransforms ?? 1,
          assembleWith: spec.transform.assembleWith ?? 'None',
        }
      : undefined,
  };
}
