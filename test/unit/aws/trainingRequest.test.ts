import assert from 'node:assert/strict';
import * as path from 'node:path';
import { test } from 'node:test';
import { checkTrainingJobRequest } from '../../../core/src/aws/requestLimits';
import { createTrainingJobRequest, type PlacedJob } from '../../../core/src/aws/trainingRequest';
import { jobName, loadTrainingJob } from '../../../core/src/job/trainingJob';
import { validateInput } from '../../aws/emulator/modelValidator';
import { loadModel } from '../../aws/emulator/models';
import { tempProject } from '../../helpers/tempDir';

const sagemaker = loadModel('sagemaker');
const ROOT = path.resolve(__dirname, '../../../..');

const placed = (name: string, channels: Record<string, string> = {}, outputPath = 's3://sagemaker-eu-west-1-123456789012/'): PlacedJob => ({
  name,
  image: `123456789012.dkr.ecr.eu-west-1.amazonaws.com/smct-example-training@sha256:${'0'.repeat(64)}`,
  roleArn: 'arn:aws:iam::123456789012:role/service-role/SageMakerExecution',
  channels,
  outputPath,
});

test('the example job becomes a request the official model accepts', () => {
  const job = loadTrainingJob(path.join(ROOT, 'examples/training/sagemaker-job.json'));
  const request = createTrainingJobRequest(
    job,
    placed(jobName(job.baseJobName), { training: 's3://sagemaker-eu-west-1-123456789012/smct/inputs/linear-fit/training/abc/' }),
  );
  assert.deepEqual(validateInput(sagemaker, 'CreateTrainingJob', request), []);
  assert.deepEqual(checkTrainingJobRequest(request).errors, []);
  // Hyperparameters go as strings: numbers as JSON.
  assert.deepEqual(request.HyperParameters, { epochs: '200', learning_rate: '0.01' });
  assert.deepEqual(request.InputDataConfig, [
    {
      ChannelName: 'training',
      ContentType: 'text/csv',
      DataSource: {
        S3DataSource: {
          S3DataType: 'S3Prefix',
          S3Uri: 's3://sagemaker-eu-west-1-123456789012/smct/inputs/linear-fit/training/abc/',
          S3DataDistributionType: 'FullyReplicated',
        },
      },
    },
  ]);
  assert.equal(request.AlgorithmSpecification?.TrainingInputMode, 'File');
  assert.deepEqual(request.ResourceConfig, { InstanceType: 'ml.m5.large', InstanceCount: 1, VolumeSizeInGB: 30 });
  assert.deepEqual(request.StoppingCondition, { MaxRuntimeInSeconds: 3600 });
});

test('every job file option maps to its request field, and the model accepts the whole', () => {
  const folder = tempProject({
    'sagemaker-job.json': JSON.stringify({
      baseJobName: 'full',
      image: 'trainer:1',
      hyperparameters: { name: 'adam', layers: [64, 32], dropout: 0.5, warm: true, config: { a: 1 }, none: null },
      environment: { PYTHONUNBUFFERED: '1' },
      inputs: { train: { source: 's3://data/train/', inputMode: 'FastFile', distribution: 'ShardedByS3Key' }, test: 's3://data/test/' },
      output: { path: 's3://out/models/', compression: 'NONE' },
      resources: { instanceType: 'ml.p3.2xlarge', instanceCount: 4, volumeSizeGB: 100 },
      stopping: { maxRuntimeSeconds: 7200, maxWaitSeconds: 10800 },
      spot: true,
      checkpoints: { s3Uri: 's3://out/checkpoints/' },
      containerEntrypoint: ['python3', '/opt/program/train.py'],
      containerArguments: ['--verbose'],
      tags: { team: 'ml research', cost: 'a/b' },
    }),
  });
  const job = loadTrainingJob(path.join(folder, 'sagemaker-job.json'));
  const request = createTrainingJobRequest(job, placed(jobName(job.baseJobName), { train: 's3://data/train/', test: 's3://data/test/' }, job.output.s3));
  assert.deepEqual(validateInput(sagemaker, 'CreateTrainingJob', request), []);
  assert.deepEqual(checkTrainingJobRequest(request).errors, []);
  // Strings as they are, everything else JSON: what the training toolkit's json.loads round-trips.
  assert.deepEqual(request.HyperParameters, { name: 'adam', layers: '[64,32]', dropout: '0.5', warm: 'true', config: '{"a":1}', none: 'null' });
  assert.deepEqual(
    request.InputDataConfig?.map((channel) => [channel.ChannelName, channel.InputMode, channel.DataSource?.S3DataSource?.S3DataDistributionType]),
    [
      ['train', 'FastFile', 'ShardedByS3Key'],
      ['test', 'File', 'FullyReplicated'],
    ],
  );
  assert.equal(request.AlgorithmSpecification?.TrainingInputMode, 'File');
  assert.deepEqual(request.AlgorithmSpecification?.ContainerEntrypoint, ['python3', '/opt/program/train.py']);
  assert.deepEqual(request.AlgorithmSpecification?.ContainerArguments, ['--verbose']);
  assert.deepEqual(request.OutputDataConfig, { S3OutputPath: 's3://out/models/', CompressionType: 'NONE' });
  assert.deepEqual(request.StoppingCondition, { MaxRuntimeInSeconds: 7200, MaxWaitTimeInSeconds: 10800 });
  assert.equal(request.EnableManagedSpotTraining, true);
  assert.deepEqual(request.CheckpointConfig, { S3Uri: 's3://out/checkpoints/', LocalPath: '/opt/ml/checkpoints/' });
  assert.deepEqual(request.Tags, [
    { Key: 'team', Value: 'ml research' },
    { Key: 'cost', Value: 'a/b' },
  ]);
  assert.equal(request.Environment?.PYTHONUNBUFFERED, '1');
});

test('a job without inputs, environment or hyperparameters leaves them out (the API refuses an empty channel list)', () => {
  const folder = tempProject({ 'sagemaker-job.json': JSON.stringify({ image: 'trainer' }) });
  const job = loadTrainingJob(path.join(folder, 'sagemaker-job.json'));
  const request = createTrainingJobRequest(job, placed(jobName(job.baseJobName)));
  assert.deepEqual(validateInput(sagemaker, 'CreateTrainingJob', request), []);
  for (const member of ['InputDataConfig', 'HyperParameters', 'Environment', 'Tags', 'CheckpointConfig', 'EnableManagedSpotTraining']) {
    assert.equal(member in request, false, member);
  }
});

test('job names keep the timestamp whole, match the API pattern, and take a suffix after ResourceInUse', () => {
  const now = new Date('2026-11-26T10:04:05.678Z');
  const pattern = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/;
  assert.equal(jobName('linear-fit', now), 'linear-fit-2026-11-26-10-04-05-678');
  const long = jobName('my_very.long/repository_name_that-goes-on-and-on-and-on', now);
  assert.match(long, pattern);
  assert.ok(long.endsWith('-2026-11-26-10-04-05-678'), long);
  assert.ok(long.length <= 63);
  const retried = jobName('x'.repeat(80), now, 'a1b2c3');
  assert.match(retried, pattern);
  assert.equal(retried.length, 63);
  assert.ok(retried.endsWith('-2026-11-26-10-04-05-678-a1b2c3'), retried);
  assert.match(jobName('___', now), /^job-2026/);
});
