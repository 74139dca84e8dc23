// No value of the SDK is imported here: the job file's checks build a draft request before the
// AWS half is loaded (see load.ts).
import type { Channel, CreateTrainingJobRequest, TrainingInstanceType } from '@aws-sdk/client-sagemaker';
import type { TrainingJob } from '../job/trainingJob';

/** Where the job's parts are in AWS once pushed and uploaded. */
export interface PlacedJob {
  readonly name: string;
  /** The ECR image, best by digest. */
  readonly image: string;
  readonly roleArn: string;
  /** Channel name to its S3 prefix: the job file's own s3:// sources, or the uploaded folders. */
  readonly channels: Readonly<Record<string, string>>;
  readonly outputPath: string;
}

/**
 * The CreateTrainingJob request for a job file, as the SageMaker Python SDK builds it for an
 * Estimator: hyperparameters already strings (strings as they are, other values as JSON),
 * optional parts left out rather than sent empty (the API refuses an empty InputDataConfig).
 */
export function createTrainingJobRequest(job: TrainingJob, placed: PlacedJob): CreateTrainingJobRequest {
  const modes = new Set(job.inputs.map((input) => input.inputMode));
  const channels: Channel[] = job.inputs.map((input) => ({
    ChannelName: input.name,
    DataSource: {
      S3DataSource: {
        S3DataType: input.s3DataType,
        S3Uri: placed.channels[input.name],
        S3DataDistributionType: input.distribution,
        ...(input.attributeNames ? { AttributeNames: [...input.attributeNames] } : {}),
      },
    },
    ...(input.contentType ? { ContentType: input.contentType } : {}),
    ...(input.recordWrapperType === 'RecordIO' ? { RecordWrapperType: 'RecordIO' as const } : {}),
    // The algorithm's mode applies to every channel that does not name its own.
    ...(modes.size > 1 ? { InputMode: input.inputMode } : {}),
  }));
  return {
    TrainingJobName: placed.name,
    RoleArn: placed.roleArn,
    AlgorithmSpecification: {
      TrainingImage: placed.image,
      TrainingInputMode: modes.size === 1 ? [...modes][0] : 'File',
      ...(job.containerEntrypoint ? { ContainerEntrypoint: [...job.containerEntrypoint] } : {}),
      ...(job.containerArguments ? { ContainerArguments: [...job.containerArguments] } : {}),
    },
    ...(Object.keys(job.hyperparameters).length > 0 ? { HyperParameters: { ...job.hyperparameters } } : {}),
    ...(Object.keys(job.environment).length > 0 ? { Environment: { ...job.environment } } : {}),
    ...(channels.length > 0 ? { InputDataConfig: channels } : {}),
    OutputDataConfig: { S3OutputPath: placed.outputPath, ...(job.output.compression === 'NONE' ? { CompressionType: 'NONE' } : {}) },
    ResourceConfig: { InstanceType: job.instanceType as TrainingInstanceType, InstanceCount: job.instanceCount, VolumeSizeInGB: job.volumeSizeGB },
    StoppingCondition: {
      MaxRuntimeInSeconds: job.maxRuntimeSeconds,
      ...(job.spot && job.maxWaitSeconds !== undefined ? { MaxWaitTimeInSeconds: job.maxWaitSeconds } : {}),
    },
    ...(job.spot ? { EnableManagedSpotTraining: true } : {}),
    ...(job.checkpoints ? { CheckpointConfig: { S3Uri: job.checkpoints.s3Uri, LocalPath: job.checkpoints.localPath } } : {}),
    ...(Object.keys(job.tags).length > 0 ? { Tags: Object.entries(job.tags).map(([Key, Value]) => ({ Key, Value })) } : {}),
  };
}
