import type { RegistryInfo } from './ecr';

/** SageMaker's secondary statuses, as its model lists them. */
export type SecondaryStatus =
  | 'Starting'
  | 'LaunchingMLInstances'
  | 'PreparingTrainingStack'
  | 'Downloading'
  | 'DownloadingTrainingImage'
  | 'Training'
  | 'Uploading'
  | 'Stopping'
  | 'Stopped'
  | 'MaxRuntimeExceeded'
  | 'Completed'
  | 'Failed'
  | 'Interrupted'
  | 'MaxWaitTimeExceeded'
  | 'Updating'
  | 'Restarting'
  | 'Pending';

export type TrainingJobStatus = 'InProgress' | 'Completed' | 'Failed' | 'Stopping' | 'Stopped';

/** The members of CreateTrainingJob the emulator acts on; the request has passed the model's validation. */
export interface CreateTrainingJobRequest {
  readonly TrainingJobName: string;
  readonly RoleArn: string;
  readonly AlgorithmSpecification?: {
    readonly TrainingImage?: string;
    readonly AlgorithmName?: string;
    readonly TrainingInputMode: string;
    readonly ContainerEntrypoint?: readonly string[];
    readonly ContainerArguments?: readonly string[];
  };
  readonly HyperParameters?: Readonly<Record<string, string>>;
  readonly Environment?: Readonly<Record<string, string>>;
  readonly InputDataConfig?: readonly Channel[];
  readonly OutputDataConfig: { readonly S3OutputPath: string; readonly CompressionType?: 'GZIP' | 'NONE' };
  readonly ResourceConfig?: { readonly InstanceType?: string; readonly InstanceCount?: number; readonly VolumeSizeInGB?: number };
  readonly StoppingCondition?: { readonly MaxRuntimeInSeconds?: number; readonly MaxWaitTimeInSeconds?: number };
  readonly EnableManagedSpotTraining?: boolean;
  readonly CheckpointConfig?: { readonly S3Uri: string; readonly LocalPath?: string };
  readonly Tags?: readonly { readonly Key: string; readonly Value: string }[];
  readonly [member: string]: unknown;
}

export interface Channel {
  readonly ChannelName: string;
  readonly DataSource: {
    readonly S3DataSource?: { readonly S3DataType: string; readonly S3Uri: string; readonly S3DataDistributionType?: 'FullyReplicated' | 'ShardedByS3Key' };
    readonly [other: string]: unknown;
  };
  readonly ContentType?: string;
  readonly InputMode?: string;
  readonly RecordWrapperType?: 'None' | 'RecordIO';
}

/** A job as its runner sees it. */
export interface TrainingJobInfo {
  readonly name: string;
  readonly arn: string;
  readonly region: string;
  readonly accountId: string;
  readonly request: CreateTrainingJobRequest;
  /** `algo-1` … `algo-N`, one per instance. */
  readonly hosts: readonly string[];
}

/** What the emulator gives a runner to play a job's life. */
export interface RunnerContext {
  /** One line a host printed: appended to CloudWatch Logs, stream `<job>/<host>-<epoch seconds>`. The first line also marks Training. */
  log(host: string, line: string): void;
  /** Records a secondary status transition (SageMaker's own are recorded by the emulator). */
  secondary(status: SecondaryStatus, message: string): void;
  /** The image is there and the algorithm starts: SecondaryStatus Training. */
  training(): void;
  /** Fired by StopTrainingJob (and MaxRuntimeInSeconds, and close()): stop as SageMaker does, SIGTERM then the grace period. */
  readonly signal: AbortSignal;
  /** Fired by the emulator's close(): stop at once. */
  readonly killSignal: AbortSignal;
  /** Channel name → local folder holding that channel's S3 objects, downloaded from the emulator's S3. */
  readonly inputs: Readonly<Record<string, string>>;
  /** Files left here are packed into model.tar.gz, unless the runner leaves a `model.tar.gz` in artifactsDir. */
  readonly modelDir: string;
  /** Files left here are packed into output.tar.gz, unless the runner leaves an `output.tar.gz` in artifactsDir. */
  readonly outputDir: string;
  /** Archives ready to upload: `model.tar.gz`, `output.tar.gz`, uploaded to `<S3OutputPath>/<job>/output/`. */
  readonly artifactsDir: string;
  /** A folder of the job's own, removed when the job ends. */
  readonly workDir: string;
  /** The registry standing in for ECR, when the emulator has one. */
  readonly registry?: RegistryInfo;
}

export interface RunnerResult {
  readonly status: 'Completed' | 'Failed' | 'Stopped';
  readonly failureReason?: string;
}

/** Plays a training job's life: the algorithm's part, between the image download and the upload. */
export type TrainingRunner = (job: TrainingJobInfo, context: RunnerContext) => Promise<RunnerResult>;
