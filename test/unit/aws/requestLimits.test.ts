import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CreateTrainingJobRequest } from '@aws-sdk/client-sagemaker';
import * as path from 'node:path';
import { TRAINING_INSTANCE_TYPES } from '../../../core/src/aws/instanceTypes';
import { CREATE_TRAINING_JOB_LIMITS, checkTrainingJobRequest } from '../../../core/src/aws/requestLimits';
import { draftPlacement } from '../../../core/src/aws/placement';
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

/**
 * Where the table follows a newer model than the oldest the tests accept (MIN_BOTOCORE, what
 * `npm run setup` unpacks): botocore 1.43.11's SageMaker model made the volume optional (min 0);
 * 1.37.9's says min 1. Any other difference fails.
 */
const RELAXED_SINCE_OLDER_MODELS = new Set(['ResourceConfig.VolumeSizeInGB min']);

function sameLimit(what: string, table: unknown, model: unknown): void {
  if (table !== model && RELAXED_SINCE_OLDER_MODELS.has(what)) return;
  assert.equal(table, model, what);
}

test('every limit checked before sending is the official model’s', () => {
  for (const limit of CREATE_TRAINING_JOB_LIMITS) {
    const shape = shapeAt(limit.path);
    sameLimit(`${limit.path} max`, limit.max, shape.max);
    // SageMaker matches a whole value (Java's matches()), so an anchored and an unanchored pattern are the same one.
    sameLimit(`${limit.path} pattern`, unanchored(limit.pattern), unanchored(shape.pattern));
    // A min of 0 says nothing for strings and maps; the table leaves it out there.
    sameLimit(`${limit.path} min`, limit.min ?? 0, shape.min ?? 0);
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
    (type) =>
      checkTrainingJobRequest({ ...valid, ResourceConfig: { ...valid.ResourceConfig, InstanceType: type as never } }, TRAINING_INSTANCE_TYPES).errors.length >
      0,
  );
  assert.deepEqual(refused, []);
});

test('the members SageMaker requires are set by the request of the smallest job file', () => {
  const required = model.shapes[model.operations.CreateTrainingJob.input?.shape ?? ''].required ?? [];
  assert.ok(required.includes('TrainingJobName') && required.includes('RoleArn'));
  const folder = tempProject({ 'sagemaker-job.json': JSON.stringify({ image: 'trainer' }) });
  const job = loadTrainingJob(path.join(folder, 'sagemaker-job.json'));
  const request = createTrainingJobRequest(job, draftPlacement(job, 'arn:aws:iam::123456789012:role/R', 'eu-west-1'));
  for (const member of required) assert.ok(request[member as keyof CreateTrainingJobRequest] !== undefined, `the request builder sets ${member}`);
});

function unanchored(pattern: string | undefined): string | undefined {
  return pattern?.replace(/^\^/, '').replace(/\$$/, '');
}

const valid: CreateTrainingJobRequest = {
  TrainingJobName: 'linear-fit-2026-11-26-10-00-00-000',
  RoleArn: 'arn:aws:iam::123456789012:role/SageMakerRole',
  AlgorithmSpecification: { TrainingImage: '123456789012.dkr.ecr.eu-west-1.amazonaws.com/trainer@sha256:' + 'a'.repeat(64), TrainingInputMode: 'File' },
  OutputDataConfig: { S3OutputPath: 's3://bucket/' },
  ResourceConfig: { InstanceType: 'ml.m5.large', InstanceCount: 1, VolumeSizeInGB: 30 },
  StoppingCondition: { MaxRuntimeInSeconds: 3600 },
};

/** Each problem is at the job file's key that sets the field, and names that key and the field. */
const cases: { name: string; change: Partial<CreateTrainingJobRequest>; path: string[]; error: RegExp }[] = [
  {
    name: 'underscore in the name',
    change: { TrainingJobName: 'my_job' },
    path: ['baseJobName'],
    error: /^`baseJobName`: TrainingJobName "my_job" does not match the pattern \[a-zA-Z0-9\]\(-\*\[a-zA-Z0-9\]\)\{0,62\}$/,
  },
  {
    name: '64-character name',
    change: { TrainingJobName: 'a'.repeat(64) },
    path: ['baseJobName'],
    error: /^`baseJobName`: TrainingJobName has 64 characters; at most 63 allowed$/,
  },
  {
    name: 'bad role',
    change: { RoleArn: 'arn:aws:iam::123:user/me' },
    path: ['roleArn'],
    error: /^`roleArn` \(or --role\): RoleArn "arn:aws:iam::123:user\/me" does not match/,
  },
  {
    name: '101 hyperparameters',
    change: { HyperParameters: Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`k${i}`, 'v'])) },
    path: ['hyperparameters'],
    error: /^`hyperparameters`: HyperParameters has 101 entries; at most 100 allowed$/,
  },
  {
    name: 'long hyperparameter',
    change: { HyperParameters: { config: 'x'.repeat(2501) } },
    path: ['hyperparameters', 'config'],
    error: /^`hyperparameters\.config`: HyperParameters\["config"\] has 2501 characters; at most 2500/,
  },
  {
    name: 'environment name',
    change: { Environment: { '1BAD': 'x' } },
    path: ['environment', '1BAD'],
    error: /^`environment\.1BAD`: Environment key "1BAD" does not match the pattern/,
  },
  { name: 'empty channels', change: { InputDataConfig: [] }, path: ['inputs'], error: /^`inputs`: InputDataConfig has 0 entries; at least 1 needed$/ },
  {
    name: 'channel name',
    change: { InputDataConfig: [{ ChannelName: 'train data', DataSource: { S3DataSource: { S3DataType: 'S3Prefix', S3Uri: 's3://b/p/' } } }] },
    path: ['inputs', 'train data'],
    error: /^`inputs\["train data"\]`: InputDataConfig\[0\]\.ChannelName "train data" does not match/,
  },
  {
    name: 'output path',
    change: { OutputDataConfig: { S3OutputPath: 'output/' } },
    path: ['output', 'path'],
    error: /^`output\.path`: OutputDataConfig\.S3OutputPath "output\/" does not match/,
  },
  {
    name: 'runtime past 28 days',
    change: { StoppingCondition: { MaxRuntimeInSeconds: 28 * 86400 + 1 } },
    path: ['stopping', 'maxRuntimeSeconds'],
    error: /^`stopping\.maxRuntimeSeconds`: .*at most 28 days/,
  },
  {
    name: 'spot without a wait',
    change: { EnableManagedSpotTraining: true },
    path: ['stopping', 'maxWaitSeconds'],
    error: /^`stopping\.maxWaitSeconds`: spot training needs StoppingCondition\.MaxWaitTimeInSeconds/,
  },
  {
    name: 'spot wait shorter than the run',
    change: { EnableManagedSpotTraining: true, StoppingCondition: { MaxRuntimeInSeconds: 3600, MaxWaitTimeInSeconds: 60 } },
    path: ['stopping', 'maxWaitSeconds'],
    error: /MaxWaitTimeInSeconds \(60\) must be at least MaxRuntimeInSeconds \(3600\)$/,
  },
  {
    name: 'tag value',
    change: { Tags: [{ Key: 'team', Value: 'a;b' }] },
    path: ['tags', 'team'],
    error: /^`tags\.team`: Tags\[0\]\.Value "a;b" does not match/,
  },
  { name: 'tag key empty', change: { Tags: [{ Key: '', Value: 'x' }] }, path: ['tags', ''], error: /: Tags\[0\]\.Key has 0 characters; at least 1 needed$/ },
  {
    name: 'a line break in a hyperparameter',
    change: { HyperParameters: { note: 'line one\nline two' } },
    path: ['hyperparameters', 'note'],
    error: /^`hyperparameters\.note`: HyperParameters\["note"\] "line one\\nline two" does not match the pattern \.\* \(it may not hold a line break\)$/,
  },
  {
    name: 'NEL in a content type',
    change: {
      InputDataConfig: [{ ChannelName: 't', ContentType: 'text/csv\u0085', DataSource: { S3DataSource: { S3DataType: 'S3Prefix', S3Uri: 's3://b/p/' } } }],
    },
    path: ['inputs', 't', 'contentType'],
    error: /^`inputs\.t\.contentType`: InputDataConfig\[0\]\.ContentType/,
  },
  {
    name: 'unknown instance type, with the closest known one',
    change: { ResourceConfig: { InstanceType: 'ml.m5.larg' as never, InstanceCount: 1, VolumeSizeInGB: 30 } },
    path: ['resources', 'instanceType'],
    error: /^`resources\.instanceType`: ResourceConfig\.InstanceType "ml\.m5\.larg" is not an instance type SageMaker trains on; did you mean ml\.m5\.large\?$/,
  },
  {
    name: 'unknown instance type, nothing close',
    change: { ResourceConfig: { InstanceType: 'ml.quantum.huge' as never, InstanceCount: 1, VolumeSizeInGB: 30 } },
    path: ['resources', 'instanceType'],
    error: /is not an instance type SageMaker trains on, such as ml\.m5\.xlarge or ml\.g5\.2xlarge$/,
  },
  {
    name: 'entrypoint item',
    change: { AlgorithmSpecification: { TrainingInputMode: 'File', ContainerEntrypoint: ['x'.repeat(257)] } },
    path: ['containerEntrypoint', '0'],
    error: /^`containerEntrypoint\[0\]`: AlgorithmSpecification\.ContainerEntrypoint\[0\] has 257/,
  },
];

for (const { name, change, path: keyPath, error } of cases) {
  test(`refused before sending: ${name}`, () => {
    const problems = checkTrainingJobRequest({ ...valid, ...change }, TRAINING_INSTANCE_TYPES);
    assert.equal(problems.errors.length, 1, problems.errors.map((problem) => problem.message).join('\n'));
    assert.match(problems.errors[0].message, error);
    assert.deepEqual(problems.errors[0].path, keyPath);
  });
}

test('without the list of instance types (no SDK loaded), the instance type is left to the schema', () => {
  const unknownType = { ...valid, ResourceConfig: { InstanceType: 'ml.m5.larg' as never, InstanceCount: 1, VolumeSizeInGB: 30 } };
  assert.deepEqual(checkTrainingJobRequest(unknownType).errors, []);
});

test('a valid request has no problems; a value past the documented 256 characters is a warning', () => {
  assert.deepEqual(checkTrainingJobRequest(valid, TRAINING_INSTANCE_TYPES), { errors: [], warnings: [] });
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
