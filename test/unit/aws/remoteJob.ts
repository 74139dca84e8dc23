import * as path from 'node:path';
import { loadTrainingJob, type TrainingJob } from '../../../core/src/job/trainingJob';
import { tempProject } from '../../helpers/tempDir';

/** A job whose image is already in ECR and whose inputs are in S3: submitting it builds and uploads nothing. */
export function remoteJob(): TrainingJob {
  const folder = tempProject({
    'sagemaker-job.json': JSON.stringify({
      baseJobName: 'remote',
      image: '123456789012.dkr.ecr.eu-west-1.amazonaws.com/trainer:1',
      roleArn: 'arn:aws:iam::123456789012:role/SageMaker',
      inputs: { train: 's3://data/train/' },
      output: { path: 's3://out/' },
    }),
  });
  return loadTrainingJob(path.join(folder, 'sagemaker-job.json'));
}
