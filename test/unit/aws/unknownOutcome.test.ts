import assert from 'node:assert/strict';
import { afterEach, beforeEach, test } from 'node:test';
import { CreateTrainingJobCommand, DescribeTrainingJobCommand, SageMakerClient } from '@aws-sdk/client-sagemaker';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient, type AwsClientStub } from 'aws-sdk-client-mock';
import { AwsClients } from '../../../core/src/aws/awsClients';
import { submitTrainingJob } from '../../../core/src/aws/submit';
import { exitCodeOf, isSmctError } from '../../../core/src/errors';
import { remoteJob } from './remoteJob';

// A CreateTrainingJob whose answer never came (a timeout, a cut connection, a 5xx, Ctrl-C) may
// have created the job: it is looked up by name first, and if still unknown, said so with where to look.
const target = { profile: 'dev', region: 'eu-west-1' };
const NOW = new Date('2026-11-26T10:00:00.000Z');
const NAME = 'remote-2026-11-26-10-00-00-000';

const timeout = (): Error =>
  Object.assign(new Error('a request has exceeded the configured 60000 ms requestTimeout.'), { name: 'TimeoutError', $metadata: { attempts: 5 } });
const reset = (): Error => Object.assign(new Error('socket hang up'), { code: 'ECONNRESET', $metadata: { attempts: 5 } });
const serverFault = (): Error =>
  Object.assign(new Error('We encountered an internal error.'), { name: 'InternalFailure', $fault: 'server', $metadata: { httpStatusCode: 500 } });
const aborted = (): Error => Object.assign(new Error('Request aborted'), { name: 'AbortError' });
const notFound = (): Error =>
  Object.assign(new Error(`Requested resource not found: ${NAME}`), { name: 'ValidationException', $metadata: { httpStatusCode: 400 } });

let sts: AwsClientStub<STSClient>;
let sagemaker: AwsClientStub<SageMakerClient>;

beforeEach(() => {
  sts = mockClient(STSClient);
  sts.on(GetCallerIdentityCommand).resolves({ Account: '123456789012' });
  sagemaker = mockClient(SageMakerClient);
});
afterEach(() => {
  sts.restore();
  sagemaker.restore();
});

const submit = (signal?: AbortSignal) => submitTrainingJob(new AwsClients(target), remoteJob(), { now: () => NOW, signal });

for (const [what, failure] of [
  ['a timeout', timeout],
  ['a cut connection', reset],
  ['an HTTP 500', serverFault],
] as const) {
  test(`${what} on CreateTrainingJob, and no job by that name found: the job may exist, and where to look (exit 1)`, async () => {
    sagemaker.on(CreateTrainingJobCommand).rejects(failure());
    sagemaker.on(DescribeTrainingJobCommand).rejects(notFound());
    await assert.rejects(submit(), (error: unknown) => {
      assert.ok(isSmctError(error), String(error));
      assert.equal(exitCodeOf(error), 1);
      assert.match(error.message, /the job may have been created: smct jobs --name-contains remote --region eu-west-1/);
      assert.doesNotMatch(error.message, /\$response|UnknownError/);
      return true;
    });
    assert.equal(sagemaker.commandCalls(DescribeTrainingJobCommand)[0]?.args[0].input.TrainingJobName, NAME);
  });
}

test('a timeout on CreateTrainingJob and a Describe that fails too: still "may have been created"', async () => {
  sagemaker.on(CreateTrainingJobCommand).rejects(timeout());
  sagemaker.on(DescribeTrainingJobCommand).rejects(reset());
  await assert.rejects(submit(), /did not answer CreateTrainingJob.*the job may have been created: smct jobs --name-contains remote/);
});

test('a timeout on CreateTrainingJob whose job exists after all: it is adopted, not reported as failed', async () => {
  const arn = `arn:aws:sagemaker:eu-west-1:123456789012:training-job/${NAME}`;
  let sent: Record<string, unknown> = {};
  sagemaker.on(CreateTrainingJobCommand).callsFake((input: Record<string, unknown>) => {
    sent = input;
    throw timeout();
  });
  sagemaker.on(DescribeTrainingJobCommand).callsFake(() => ({ ...sent, TrainingJobArn: arn, CreationTime: new Date('2026-11-26T10:00:01Z') }));
  const submitted = await submit();
  assert.equal(submitted.arn, arn);
  assert.equal(sagemaker.commandCalls(CreateTrainingJobCommand).length, 1);
});

test('Ctrl-C during CreateTrainingJob: cancelled (exit 130), and the job may have been created', async () => {
  const abort = new AbortController();
  sagemaker.on(CreateTrainingJobCommand).callsFake(() => {
    abort.abort();
    throw aborted();
  });
  sagemaker.on(DescribeTrainingJobCommand).rejects(notFound());
  await assert.rejects(submit(abort.signal), (error: unknown) => {
    assert.ok(isSmctError(error, 'CANCELLED'), String(error));
    assert.equal(exitCodeOf(error), 130);
    assert.match(error.message, /the job may have been created: smct jobs --name-contains remote/);
    return true;
  });
  // The look-up runs although the user's signal is aborted: it has its own.
  assert.equal(sagemaker.commandCalls(DescribeTrainingJobCommand).length, 1);
  const lookUp = sagemaker.commandCalls(DescribeTrainingJobCommand)[0]?.args as unknown[] | undefined;
  assert.notEqual((lookUp?.[1] as { abortSignal?: AbortSignal } | undefined)?.abortSignal, abort.signal);
});

test('a refusal (4xx) is not an unknown outcome: no look-up, no "may have been created"', async () => {
  sagemaker
    .on(CreateTrainingJobCommand)
    .rejects(Object.assign(new Error('1 validation error detected'), { name: 'ValidationException', $metadata: { httpStatusCode: 400 } }));
  await assert.rejects(submit(), (error: unknown) => {
    assert.ok(isSmctError(error, 'AWS_INVALID'));
    assert.doesNotMatch(error.message, /may have been created/);
    return true;
  });
  assert.equal(sagemaker.commandCalls(DescribeTrainingJobCommand).length, 0);
});
