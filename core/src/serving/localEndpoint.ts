// CONTRACT STUB (lead): the signatures the transform and VS Code work is written against. The
// "serve-local" work replaces the body; the signatures change only by agreement.
import type { TrainingJob } from '../job/trainingJob';
import type { ModelSource } from '../job/servingSection';
import type { S3AccessOptions } from '../local/s3Access';
import type { S3Reader } from '../local/channels/types';
import { SmctError } from '../errors';

export interface LocalEndpointOptions {
  /** Each line the container prints. */
  readonly onLog?: (line: string) => void;
  /** What the start is doing: 'Downloading' (the model), 'Starting' (the container), 'Waiting' (for /ping), 'InService'. */
  readonly onStatus?: (status: 'Downloading' | 'Starting' | 'Waiting' | 'InService') => void;
  readonly onWarning?: (message: string) => void;
  /** Aborting before InService stops the container and rejects with CANCELLED. */
  readonly signal?: AbortSignal;
  /** Serves this model instead of the job file's. */
  readonly model?: ModelSource;
  /** The host port on 127.0.0.1 (default: serving.port); 0 picks a free one. */
  readonly port?: number;
  /** Overrides serving.startupHealthCheckSeconds. */
  readonly startupHealthCheckSeconds?: number;
  /** Added to the container's environment after the job's (batch transform's SAGEMAKER_BATCH…). */
  readonly environment?: Readonly<Record<string, string>>;
  /** Who reads an S3 model; default the SDK's chain and the job's region. */
  readonly aws?: S3AccessOptions;
  /** Stands in for S3 (tests). */
  readonly s3?: () => S3Reader;
}

/** A serving container that answered GET /ping with 200. */
export interface LocalEndpoint {
  /** http://127.0.0.1:<port> */
  readonly url: string;
  readonly containerName: string;
  readonly image: string;
  /** Whether the image declares the multi-models capability (SAGEMAKER_MULTI_MODEL=true was set). */
  readonly multiModel: boolean;
  /** SIGTERM, SIGKILL after SageMaker's 30 s (or `graceSeconds`), then removes the container and its model folder. */
  stop(graceSeconds?: number): Promise<void>;
  /** Settles when the container ends, whoever ended it: its exit code and, for a crash, its last log lines. */
  readonly ended: Promise<{ readonly exitCode: number; readonly lastLines: readonly string[] }>;
}

/**
 * Starts the job's serving image as SageMaker hosting does (`docker run IMAGE serve`, the model
 * at /opt/ml/model, port 8080 published on 127.0.0.1) and resolves once GET /ping answers 200
 * within the startup health-check window. Rejects with SERVE_FAILED, in SageMaker's words, when it
 * does not (no answer, wrong port, a crash with its last lines); nothing is left behind.
 */
export async function startLocalEndpoint(job: TrainingJob, options: LocalEndpointOptions = {}): Promise<LocalEndpoint> {
  void job;
  void options;
  throw new SmctError('SERVE_FAILED', 'not implemented yet');
}
