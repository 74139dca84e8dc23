import { CreateTrainingJobCommand, SageMakerClient } from '@aws-sdk/client-sagemaker';
import type { AwsEmulator, TrainingJobState } from './emulator';

/** A training job the emulator runs (its scripted runner) to Completed: a model artifact to deploy with --from-job. */
export async function trainedJob(emulator: AwsEmulator, jobName: string): Promise<TrainingJobState> {
  emulator.s3.createBucket(`out-${jobName}`, emulator.region);
  const sagemaker = new SageMakerClient(emulator.clientConfig());
  try {
    await sagemaker.send(
      new CreateTrainingJobCommand({
        TrainingJobName: jobName,
        RoleArn: `arn:aws:iam::${emulator.accountId}:role/SageMaker`,
        AlgorithmSpecification: { TrainingImage: `${emulator.accountId}.dkr.ecr.${emulator.region}.amazonaws.com/trainer:1`, TrainingInputMode: 'File' },
        OutputDataConfig: { S3OutputPath: `s3://out-${jobName}/` },
        ResourceConfig: { InstanceType: 'ml.m5.large', InstanceCount: 1, VolumeSizeInGB: 1 },
        StoppingCondition: { MaxRuntimeInSeconds: 60 },
      }),
    );
  } finally {
    sagemaker.destroy();
  }
  return emulator.waitForJob(jobName);
}
