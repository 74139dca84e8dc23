import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { test } from 'node:test';
import { validateInput } from '../aws/emulator/modelValidator';
import { loadModel } from '../aws/emulator/models';
import { tempProject } from '../helpers/tempDir';

// smct submit --dry-run needs no AWS: the request is printed, checked, and nothing is sent.
const SMCT = path.resolve(__dirname, '../../../bin/smct.js');
const ROOT = path.resolve(__dirname, '../../..');

function smct(args: string[], cwd: string) {
  // No endpoint, no keys: a call to AWS would fail, and none may be made.
  const env = { ...Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('AWS_'))), AWS_EC2_METADATA_DISABLED: 'true', HOME: cwd };
  return spawnSync(process.execPath, [SMCT, ...args], { cwd, env, encoding: 'utf8' });
}

test('the example’s dry run prints a request the official model accepts, with stand-ins for what only AWS knows', () => {
  const run = smct(['submit', '--dry-run', '--region', 'eu-west-1'], path.join(ROOT, 'examples/training'));
  assert.equal(run.status, 0, run.stderr);
  const request = JSON.parse(run.stdout);
  assert.deepEqual(validateInput(loadModel('sagemaker'), 'CreateTrainingJob', request), []);
  assert.match(request.TrainingJobName, /^linear-fit-\d{4}-\d{2}-\d{2}-\d{2}-\d{2}-\d{2}-\d{3}$/);
  assert.equal(request.AlgorithmSpecification.TrainingImage, `000000000000.dkr.ecr.eu-west-1.amazonaws.com/smct-example-training@sha256:${'0'.repeat(64)}`);
  assert.deepEqual(request.HyperParameters, { epochs: '200', learning_rate: '0.01' });
  assert.equal(run.stderr, '');
});

test('a dry run of a job SageMaker would refuse prints the request and each refused value at its key, and exits 1', () => {
  const folder = tempProject({
    'sagemaker-job.json': JSON.stringify({
      image: '123456789012.dkr.ecr.us-east-1.amazonaws.com/trainer:1',
      roleArn: 'arn:aws:iam::123456789012:role/R',
      resources: { instanceType: 'ml.m5.larg' },
      tags: { team: 'a;b' },
    }),
  });
  const run = smct(['submit', '--dry-run', '--region', 'us-east-1'], folder);
  assert.equal(run.status, 1);
  assert.equal(JSON.parse(run.stdout).ResourceConfig.InstanceType, 'ml.m5.larg');
  assert.equal(
    run.stderr,
    [
      'smct: sagemaker-job.json: `tags.team`: Tags[0].Value "a;b" does not match the pattern ([\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*)',
      'smct: sagemaker-job.json: `resources.instanceType`: ResourceConfig.InstanceType "ml.m5.larg" is not an instance type SageMaker trains on; did you mean ml.m5.large?',
      '',
    ].join('\n'),
  );
});

test('a dry run of a valid job warns of what looks like a secret and prints the request', () => {
  const folder = tempProject({
    'sagemaker-job.json': JSON.stringify({
      image: '123456789012.dkr.ecr.us-east-1.amazonaws.com/trainer:1',
      roleArn: 'arn:aws:iam::123456789012:role/R',
      environment: { DB_PASSWORD: 'x' },
    }),
  });
  const run = smct(['submit', '--dry-run', '--region', 'us-east-1'], folder);
  assert.equal(run.status, 0, run.stderr);
  assert.deepEqual(JSON.parse(run.stdout).Environment, { DB_PASSWORD: 'x' });
  assert.match(run.stderr, /^smct: warning: Environment\["DB_PASSWORD"\] looks like a secret/m);
});

test('--job other.json: its schema and limit problems together, in file order, naming other.json', () => {
  const folder = tempProject({
    'jobs/other.json': JSON.stringify(
      {
        image: 'trainer',
        inputs: { training: { souce: 'data' } },
        tags: { team: 'a;b' },
        resources: { instanceCount: 'two' },
      },
      null,
      2,
    ),
  });
  const run = smct(['submit', '--dry-run', '--region', 'us-east-1', '--job', 'jobs/other.json'], folder);
  assert.equal(run.status, 1);
  assert.equal(run.stdout, '', 'no request can be built from a file the schema refuses');
  assert.equal(
    run.stderr,
    [
      'smct: jobs/other.json: 3 problems:',
      '  unknown key `souce` in `inputs.training`: did you mean `source`?',
      '  `tags.team`: Tags[0].Value "a;b" does not match the pattern ([\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*)',
      '  `resources.instanceCount` must be a whole number, got "two"',
      '',
    ].join('\n'),
  );
  assert.doesNotMatch(run.stderr, /sagemaker-job\.json/);
});

test('a dry run without a role says how to give one', () => {
  const folder = tempProject({ 'sagemaker-job.json': JSON.stringify({ image: 'trainer' }) });
  const run = smct(['submit', '--dry-run', '--region', 'us-east-1'], folder);
  assert.equal(run.status, 1);
  assert.match(run.stderr, /^smct: No execution role for the job: add "roleArn"/);
});

test('a dry run lists every problem submit would stop at, all at once: region, role, lint errors, limits', () => {
  const folder = tempProject({
    Dockerfile: 'FROM python:3.11-slim@sha256:' + 'a'.repeat(64) + '\nCOPY train.py /opt/program/train.py\nCMD ["python", "/opt/program/train.py"]\n',
    'train.py': 'print("hi")\n',
    'sagemaker-job.json': JSON.stringify({ image: 'trainer', resources: { instanceType: 'ml.m5.larg' } }),
  });
  const run = smct(['submit', '--dry-run'], folder);
  assert.equal(run.status, 1);
  const problems = run.stderr.split('\n').filter((line) => line.startsWith('smct: '));
  assert.match(problems[0], /^smct: No AWS region is set/);
  assert.match(problems[1], /^smct: No execution role for the job/);
  assert.match(problems[2], /^smct: 1 error in Dockerfile will make the job fail on SageMaker\. Fix it first, or submit anyway with --force\.$/);
  assert.match(problems[3], /^smct: sagemaker-job\.json: `resources\.instanceType`: ResourceConfig\.InstanceType "ml\.m5\.larg" is not an instance type/);
  assert.equal(problems.length, 4, run.stderr);
  // The lint finding itself, as smct lint prints it, and the request all the same.
  assert.match(run.stderr, /^Dockerfile:3:5: error SM101 /m);
  assert.equal(JSON.parse(run.stdout).ResourceConfig.InstanceType, 'ml.m5.larg');
  // --force submits despite lint errors, so the dry run no longer lists them.
  const forced = smct(['submit', '--dry-run', '--force', '--region', 'us-east-1', '--role', 'arn:aws:iam::123456789012:role/R'], folder);
  assert.deepEqual(
    forced.stderr.split('\n').filter((line) => line.startsWith('smct: ')),
    [problems[3]],
  );
});

test('a dry run of a job whose Dockerfile is missing, or whose job file is invalid, says so and exits 1', () => {
  const folder = tempProject({ 'sagemaker-job.json': JSON.stringify({ image: 'trainer', roleArn: 'arn:aws:iam::123456789012:role/R' }) });
  const missing = smct(['submit', '--dry-run', '--region', 'us-east-1'], folder);
  assert.equal(missing.status, 1);
  assert.equal(missing.stderr, 'smct: Dockerfile: no such Dockerfile ("build.dockerfile" in sagemaker-job.json). Fix the path.\n');
  const invalid = tempProject({ 'other.json': '{"image": 3}' });
  const bad = smct(['submit', '--dry-run', '--job', 'other.json', '--region', 'us-east-1'], invalid);
  assert.equal(bad.status, 1);
  assert.equal(bad.stdout, '');
  assert.equal(bad.stderr, 'smct: other.json: `image` must be a string, got 3\n');
});
