import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { AwsClients } from '../../core/src/aws/awsClients';
import { submitTrainingJob } from '../../core/src/aws/submit';
import { loadTrainingJob } from '../../core/src/job/trainingJob';
import { tempProject } from '../helpers/tempDir';
import { startAwsEmulator, type AwsEmulator } from './emulator';
import { isSmctError } from '../../core/src/errors';

// The engine's submission against the emulator, without Docker: the image is already "in ECR".
describe('submitting against the AWS emulator', () => {
  let emulator: AwsEmulator;
  let saved: NodeJS.ProcessEnv;

  before(async () => {
    emulator = await startAwsEmulator();
    saved = process.env;
    process.env = { ...saved, ...emulator.env, AWS_CONFIG_FILE: '/nonexistent', AWS_SHARED_CREDENTIALS_FILE: '/nonexistent' };
  });

  after(async () => {
    process.env = saved;
    await emulator.close();
  });

  const clients = (): AwsClients => new AwsClients({ region: emulator.region });
  const operations = (): string[] => emulator.requests.map((request) => request.operation);

  function project(job: Record<string, unknown>, files: Record<string, string> = { 'data/a.csv': 'x\n1\n', 'data/sub/b.csv': 'y\n2\n' }): string {
    const folder = tempProject({
      ...files,
      'sagemaker-job.json': JSON.stringify({
        baseJobName: 'engine',
        image: `${emulator.accountId}.dkr.ecr.${emulator.region}.amazonaws.com/trainer:1`,
        roleArn: `arn:aws:iam::${emulator.accountId}:role/SageMaker`,
        inputs: { training: 'data' },
        ...job,
      }),
    });
    return path.join(folder, 'sagemaker-job.json');
  }

  test('a job that cannot be valid is refused before any AWS call, every problem named', async () => {
    const before = emulator.requests.length;
    const file = project({ resources: { instanceType: 'ml.m5.larg' }, hyperparameters: { note: 'two\nlines' } });
    await assert.rejects(submitTrainingJob(clients(), loadTrainingJob(file)), (error: unknown) => {
      assert.ok(isSmctError(error, 'JOB_FILE_INVALID'));
      assert.match(
        error.message,
        /^\S*sagemaker-job\.json: 2 problems:\n {2}`hyperparameters\.note`: HyperParameters\["note"\] .*line break.*\n {2}`resources\.instanceType`: ResourceConfig\.InstanceType "ml\.m5\.larg"/,
      );
      return true;
    });
    assert.equal(emulator.requests.length, before);
  });

  test('inputs go under the output path’s bucket when the job file gives one; the request is the model’s', async () => {
    await clientsDo((c) => c.s3.send(new CreateBucketCommand({ Bucket: 'team-ml', CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' } })));
    const submitted = await submitTrainingJob(clients(), loadTrainingJob(project({ output: { path: 's3://team-ml/runs/' } })));
    const channel = submitted.request.InputDataConfig?.[0].DataSource?.S3DataSource?.S3Uri ?? '';
    assert.match(channel, /^s3:\/\/team-ml\/runs\/smct-inputs\/engine\/training\/[0-9a-f]{32}\/$/);
    const keys = emulator.s3.list('team-ml', 'runs/smct-inputs/').map((object) => object.key);
    assert.deepEqual(keys.filter((key) => key.startsWith(new URL(channel).pathname.slice(1))).sort(), [
      `${new URL(channel).pathname.slice(1)}a.csv`,
      `${new URL(channel).pathname.slice(1)}sub/b.csv`,
    ]);
    assert.equal(submitted.request.OutputDataConfig?.S3OutputPath, 's3://team-ml/runs/');
    assert.deepEqual(emulator.invalidRequests(), []);
  });

  test('a default bucket that another account holds is never used: refused before anything is uploaded', async () => {
    emulator.s3.foreign.add(`sagemaker-${emulator.region}-${emulator.accountId}`);
    try {
      const puts = operations().filter((operation) => operation === 'PutObject').length;
      await assert.rejects(
        submitTrainingJob(clients(), loadTrainingJob(project({}))),
        /The S3 bucket sagemaker-eu-west-1-123456789012 exists but is not this account's/,
      );
      assert.equal(operations().filter((operation) => operation === 'PutObject').length, puts);
    } finally {
      emulator.s3.foreign.delete(`sagemaker-${emulator.region}-${emulator.accountId}`);
    }
    // Every call to the default bucket says whose it must be, and the bucket is checked once.
    const heads = operations().filter((operation) => operation === 'HeadBucket').length;
    await submitTrainingJob(clients(), loadTrainingJob(project({})));
    assert.equal(operations().filter((operation) => operation === 'HeadBucket').length, heads + 1);
    // (CreateBucket has no such member: a bucket made by this call is this account's.)
    const toDefault = emulator.requests.filter(
      (request) =>
        request.operation !== 'CreateBucket' && (request.input as { Bucket?: string })?.Bucket === `sagemaker-${emulator.region}-${emulator.accountId}`,
    );
    assert.ok(toDefault.length > 0);
    for (const request of toDefault) {
      assert.equal((request.input as { ExpectedBucketOwner?: string }).ExpectedBucketOwner, emulator.accountId, request.operation);
    }
  });

  test('a cancelled upload stops, leaves no marker, and is redone whole next time', async () => {
    const big = 'z'.repeat(1024 * 1024);
    const file = project({ baseJobName: 'cancelled' }, Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`data/part-${i}.txt`, `${i}${big}`])));
    const abort = new AbortController();
    const submission = submitTrainingJob(clients(), loadTrainingJob(file), {
      signal: abort.signal,
      onUpload: (progress) => progress.bytesDone > 0 && abort.abort(),
    });
    await assert.rejects(submission, (error: Error) => error.name === 'AbortError');
    const bucket = `sagemaker-${emulator.region}-${emulator.accountId}`;
    assert.deepEqual(
      emulator.s3.list(bucket, 'smct/inputs/cancelled/').filter((object) => object.key.endsWith('.complete')),
      [],
    );
    const done = await submitTrainingJob(clients(), loadTrainingJob(file));
    const prefix = new URL(done.request.InputDataConfig?.[0].DataSource?.S3DataSource?.S3Uri ?? '').pathname.slice(1);
    assert.equal(emulator.s3.list(bucket, prefix).length, 12);
  });

  test('AWS failing CreateTrainingJob with HTTP 500 through every retry: the job is looked for, then said to be perhaps created', async () => {
    const file = project({ inputs: { training: `s3://${emulator.accountId}-data/train/` }, output: { path: `s3://${emulator.accountId}-data/out` } });
    emulator.failNext({ operation: 'CreateTrainingJob', code: 'InternalFailure', message: 'We encountered an internal error.', status: 500, times: 5 });
    const before = emulator.requests.length;
    await assert.rejects(submitTrainingJob(clients(), loadTrainingJob(file)), (error: unknown) => {
      assert.ok(isSmctError(error, 'AWS_OTHER'), String(error));
      assert.match(error.message, /^SageMaker failed CreateTrainingJob in \S+ with HTTP 500, InternalFailure \(5 attempts\): the fault is on AWS's side/);
      assert.match(error.message, /The outcome is unknown: the job may have been created: smct jobs --name-contains engine --region /);
      return true;
    });
    const calls = emulator.requests.slice(before).map((request) => request.operation);
    assert.deepEqual(calls.slice(-6), [
      'CreateTrainingJob',
      'CreateTrainingJob',
      'CreateTrainingJob',
      'CreateTrainingJob',
      'CreateTrainingJob',
      'DescribeTrainingJob',
    ]);
  });

  test('a broken link or a link loop in an input folder is an error that names it', async () => {
    const file = project({ baseJobName: 'links' });
    const data = path.join(path.dirname(file), 'data');
    fs.symlinkSync(path.join(data, 'missing.csv'), path.join(data, 'broken.csv'));
    await assert.rejects(submitTrainingJob(clients(), loadTrainingJob(file)), /Input channel "training": .*broken\.csv is a broken link/);
    fs.rmSync(path.join(data, 'broken.csv'));
    fs.symlinkSync(data, path.join(data, 'sub', 'loop'));
    await assert.rejects(submitTrainingJob(clients(), loadTrainingJob(file)), /Input channel "training": .*loop links back to a folder that holds it/);
  });

  async function clientsDo(run: (c: AwsClients) => Promise<unknown>): Promise<void> {
    const c = clients();
    try {
      await run(c);
    } finally {
      c.destroy();
    }
  }
});
