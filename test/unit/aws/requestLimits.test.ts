import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CreateTrainingJobRequest } from '@aws-sdk/client-sagemaker';
import * as path from 'node:path';
import { CREATE_TRAINING_JOB_LIMITS, checkTrainingJobRequest } from '../../../core/src/aws/requestLimits';
import { createTrainingJobRequest } from '../../../core/src/aws/trainingRequest';
import { loadTrainingJob } from '../../../core/src/job/trainingJob';
import { tempProject } from '../../helpers/tempDir';
import { loadModel, type ServiceModel, type Shape } from '../../aws/emulator/models';

const model: ServiceModel = loadModel('sagemaker');

/** The shape at a limit's path, walked in the official model from CreateTrainingJob's input. */
function shapeAt(path: string): Shape {
  let shape = model.shapes[model.operations.CreateTrainingJob.input?.shape ?? ''];
  for (const step of path.match(/\.?[A-Za-z0-9]+|\[\]|\{key\}|\{value\}/g) ?? []) {
    const ref = step === '[]' ? shape.member : step === '{key}' ? shape.key : step === '{value}' ? shape.value : shape.members?.[step.replace(/^\./, '')];
    assert.ok(ref, `${path}: no ${step} in the model`);
    shape = model.shapes[ref.shape];
  }
  return shape;
}

test('every limit checked before sending is the official model’s', () => {
  for (const limit of CREATE_TRAINING_JOB_LIMITS) {
    const shape = shapeAt(limit.path);
    assert.equal(limit.max, shape.max, `${limit.path} max`);
    assert.equal(limit.pattern, shape.pattern, `${limit.path} pattern`);
    // A min of 0 says nothing for strings and maps; the table leaves it out there.
    assert.equal(limit.min ?? 0, shape.min ?? 0, `${limit.path} min`);
  }
});

/** The model paths of every value in a request that the model constrains (length, size, range or pattern; enums left to the SDK's types). */
function constrainedPaths(value: unknown, shapeName: string, path: string, found: Set<string>): Set<string> {
  const shape = model.shapes[shapeName];
  const constrained = shape.enum === undefined && (shape.max !== undefined || (shape.min ?? 0) > 0 || (shape.pattern !== undefined && shape.type === 'string'));
  if (constrained) found.add(path);
  const join = (step: string): string => (path ? `${path}${step}` : step.replace(/^\./, ''));
  if (shape.type === 'structure') {
    for (const [member, item] of Object.entries(value as object)) constrainedPaths(item, shape.members?.[member]?.shape ?? '', join(`.${member}`), found);
  } else if (shape.type === 'list') {
    for (const item of value as unknown[]) constrainedPaths(item, shape.member?.shape ?? '', `${path}[]`, found);
  } else if (shape.type === 'map') {
    for (const [key, item] of Object.entries(value as object)) {
      constrainedPaths(key, shape.key?.shape ?? '', `${path}{key}`, found);
      constrainedPaths(item, shape.value?.shape ?? '', `${path}{value}`, found);
    }
  }
  return found;
}

test('every value the request builder sets that the model constrains is in the table', () => {
  const folder = tempProject({
    'sagemaker-job.json': JSON.stringify({
      baseJobName: 'full',
      image: 'trainer:1',
      hyperparameters: { lr: 0.1 },
      environment: { A: '1' },
      inputs: { train: { source: 's3://data/train/', contentType: 'text/csv', inputMode: 'FastFile' }, test: 's3://data/test/' },
      output: { path: 's3://out/', compression: 'NONE' },
      stopping: { maxRuntimeSeconds: 60, maxWaitSeconds: 120 },
      spot: true,
      checkpoints: { s3Uri: 's3://out/checkpoints/' },
      containerEntrypoint: ['python3'],
      containerArguments: ['--x'],
      tags: { team: 'ml' },
    }),
  });
  const request = createTrainingJobRequest(loadTrainingJob(path.join(folder, 'sagemaker-job.json')), {
    name: 'full-job',
    image: valid.AlgorithmSpecification?.TrainingImage ?? '',
    roleArn: valid.RoleArn ?? '',
    channels: { train: 's3://data/train/', test: 's3://data/test/' },
    outputPath: 's3://out/',
  });
  const paths = constrainedPaths(request, model.operations.CreateTrainingJob.input?.shape ?? '', '', new Set());
  const covered = new Set(CREATE_TRAINING_JOB_LIMITS.map((limit) => limit.path));
  assert.ok(paths.size > 20, [...paths].join(', '));
  assert.deepEqual(
    [...paths].filter((found) => !covered.has(found)),
    [],
  );
});

test('the instance types accepted are the SDK’s, which hold every one of the model’s', () => {
  const modelTypes = shapeAt('ResourceConfig.InstanceType').enum ?? [];
  assert.ok(modelTypes.length > 100);
  const refused = modelTypes.filter(
    (type) => checkTrainingJobRequest({ ...valid, ResourceConfig: { ...valid.ResourceConfig, InstanceType: type as never } }).errors.length > 0,
  );
  assert.deepEqual(refused, []);
});

test('the members SageMaker requires are checked and set', () => {
  const required = model.shapes[model.operations.CreateTrainingJob.input?.shape ?? ''].required ?? [];
  assert.deepEqual([...required].sort(), ['OutputDataConfig', 'RoleArn', 'TrainingJobName']);
});

const valid: CreateTrainingJobRequest = {
  TrainingJobName: 'linear-fit-2026-11-26-10-00-00-000',
  RoleArn: 'arn:aws:iam::123456789012:role/SageMakerRole',
  AlgorithmSpecification: { TrainingImage: '123456789012.dkr.ecr.eu-west-1.amazonaws.com/trainer@sha256:' + 'a'.repeat(64), TrainingInputMode: 'File' },
  OutputDataConfig: { S3OutputPath: 's3://bucket/' },
  ResourceConfig: { InstanceType: 'ml.m5.large', InstanceCount: 1, VolumeSizeInGB: 30 },
  StoppingCondition: { MaxRuntimeInSeconds: 3600 },
};

const cases: { name: string; change: Partial<CreateTrainingJobRequest>; error: RegExp }[] = [
  {
    name: 'underscore in the name',
    change: { TrainingJobName: 'my_job' },
    error: /^TrainingJobName "my_job" does not match the pattern .*\(sagemaker-job\.json: baseJobName\)\.$/,
  },
  { name: '64-character name', change: { TrainingJobName: 'a'.repeat(64) }, error: /^TrainingJobName has 64 characters; at most 63 allowed/ },
  { name: 'bad role', change: { RoleArn: 'arn:aws:iam::123:user/me' }, error: /^RoleArn "arn:aws:iam::123:user\/me" does not match.*roleArn \(or --role\)/ },
  {
    name: '101 hyperparameters',
    change: { HyperParameters: Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`k${i}`, 'v'])) },
    error: /^HyperParameters has 101 entries; at most 100 allowed \(sagemaker-job\.json: hyperparameters\)\.$/,
  },
  {
    name: 'long hyperparameter',
    change: { HyperParameters: { config: 'x'.repeat(2501) } },
    error: /^HyperParameters\["config"\] has 2501 characters; at most 2500/,
  },
  { name: 'environment name', change: { Environment: { '1BAD': 'x' } }, error: /^Environment key "1BAD" does not match the pattern/ },
  { name: 'empty channels', change: { InputDataConfig: [] }, error: /^InputDataConfig has 0 entries; at least 1 needed \(sagemaker-job\.json: inputs\)/ },
  {
    name: 'channel name',
    change: { InputDataConfig: [{ ChannelName: 'train data', DataSource: { S3DataSource: { S3DataType: 'S3Prefix', S3Uri: 's3://b/p/' } } }] },
    error: /^InputDataConfig\[0\]\.ChannelName "train data" does not match/,
  },
  {
    name: 'output path',
    change: { OutputDataConfig: { S3OutputPath: 'output/' } },
    error: /^OutputDataConfig\.S3OutputPath "output\/" does not match.*output\.path/,
  },
  { name: 'runtime past 28 days', change: { StoppingCondition: { MaxRuntimeInSeconds: 28 * 86400 + 1 } }, error: /at most 28 days/ },
  { name: 'spot without a wait', change: { EnableManagedSpotTraining: true }, error: /^Spot training needs StoppingCondition\.MaxWaitTimeInSeconds/ },
  {
    name: 'spot wait shorter than the run',
    change: { EnableManagedSpotTraining: true, StoppingCondition: { MaxRuntimeInSeconds: 3600, MaxWaitTimeInSeconds: 60 } },
    error: /MaxWaitTimeInSeconds \(60\) must be at least MaxRuntimeInSeconds \(3600\)/,
  },
  { name: 'tag value', change: { Tags: [{ Key: 'team', Value: 'a;b' }] }, error: /^Tags\[0\]\.Value "a;b" does not match/ },
  { name: 'tag key empty', change: { Tags: [{ Key: '', Value: 'x' }] }, error: /^Tags\[0\]\.Key has 0 characters; at least 1 needed/ },
  {
    name: 'a line break in a hyperparameter',
    change: { HyperParameters: { note: 'line one\nline two' } },
    error: /^HyperParameters\["note"\] "line one\\nline two" does not match the pattern \.\* \(it may not hold a line break\)/,
  },
  {
    name: 'NEL in a content type',
    change: {
      InputDataConfig: [{ ChannelName: 't', ContentType: 'text/csv\u0085', DataSource: { S3DataSource: { S3DataType: 'S3Prefix', S3Uri: 's3://b/p/' } } }],
    },
    error: /^InputDataConfig\[0\]\.ContentType/,
  },
  {
    name: 'unknown instance type',
    change: { ResourceConfig: { InstanceType: 'ml.m5.larg' as never, InstanceCount: 1, VolumeSizeInGB: 30 } },
    error: /^ResourceConfig\.InstanceType "ml\.m5\.larg" is not an instance type SageMaker trains on/,
  },
  {
    name: 'entrypoint item',
    change: { AlgorithmSpecification: { TrainingInputMode: 'File', ContainerEntrypoint: ['x'.repeat(257)] } },
    error: /ContainerEntrypoint\[0\] has 257/,
  },
];

for (const { name, change, error } of cases) {
  test(`refused before sending: ${name}`, () => {
    const problems = checkTrainingJobRequest({ ...valid, ...change });
    assert.equal(problems.errors.length, 1, problems.errors.join('\n'));
    assert.match(problems.errors[0], error);
  });
}

test('a valid request has no problems; a value past the documented 256 characters is a warning', () => {
  assert.deepEqual(checkTrainingJobRequest(valid), { errors: [], warnings: [] });
  const long = checkTrainingJobRequest({ ...valid, HyperParameters: { config: 'x'.repeat(300), tag: 'ünïcödé €' } });
  assert.deepEqual(long.errors, []);
  assert.deepEqual(long.warnings, ['HyperParameters["config"] is 300 characters; the API accepts 2500, but SageMaker\'s documentation promises only 256.']);
});

test('names that look like secrets are warned about, not refused', () => {
  const problems = checkTrainingJobRequest({
    ...valid,
    HyperParameters: { epochs: '3', wandb_api_key: 'x' },
    Environment: { HF_TOKEN: 'x', PYTHONUNBUFFERED: '1' },
  });
  assert.deepEqual(problems.errors, []);
  assert.deepEqual(
    problems.warnings.map((warning) => warning.split(' looks like')[0]),
    ['HyperParameters["wandb_api_key"]', 'Environment["HF_TOKEN"]'],
  );
});
