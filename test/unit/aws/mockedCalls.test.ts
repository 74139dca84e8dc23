import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CloudWatchLogsClient, DescribeLogStreamsCommand, GetLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { CreateTrainingJobCommand, DescribeTrainingJobCommand, SageMakerClient, StopTrainingJobCommand } from '@aws-sdk/client-sagemaker';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { AwsClients } from '../../../core/src/aws/awsClients';
import { FollowProgress, followTrainingJob } from '../../../core/src/aws/jobFollower';
import { submitTrainingJob } from '../../../core/src/aws/submit';
import { stopTrainingJob } from '../../../core/src/aws/trainingJobs';
import { isSmctError } from '../../../core/src/errors';
import { remoteJob } from './remoteJob';

// Error paths that the emulator test cannot provoke on demand, with the SDK's send() mocked.
const target = { profile: 'dev', region: 'eu-west-1' };

function sdkError(name: string, message: string): Error {
  return Object.assign(new Error(message), { name, $metadata: { httpStatusCode: 400 } });
}

test('a name already in use by another job is replaced by a new one, and the job is created', async () => {
  const sts = mockClient(STSClient).on(GetCallerIdentityCommand).resolves({ Account: '123456789012' });
  const sagemaker = mockClient(SageMakerClient);
  sagemaker
    .on(DescribeTrainingJobCommand)
    .resolves({ TrainingJobName: 'x', RoleArn: 'arn:aws:iam::123456789012:role/Other', CreationTime: new Date() } as never);
  sagemaker
    .on(CreateTrainingJobCommand)
    .rejectsOnce(sdkError('ResourceInUse', 'Training job names must be unique'))
    .resolves({ TrainingJobArn: 'arn:aws:sagemaker:eu-west-1:123456789012:training-job/x' });
  try {
    const clock = () => new Date('2026-11-26T10:00:00.000Z');
    const submitted = await submitTrainingJob(new AwsClients(target), remoteJob(), { now: clock });
    const names = sagemaker.commandCalls(CreateTrainingJobCommand).map((call) => call.args[0].input.TrainingJobName);
    assert.equal(names.length, 2);
    assert.equal(names[0], 'remote-2026-11-26-10-00-00-000');
    assert.match(names[1] ?? '', /^remote-2026-11-26-10-00-00-000-[0-9a-f]{6}$/);
    assert.equal(submitted.name, names[1]);
    assert.equal(submitted.request.AlgorithmSpecification?.TrainingImage, '123456789012.dkr.ecr.eu-west-1.amazonaws.com/trainer:1');
  } finally {
    sts.restore();
    sagemaker.restore();
  }
});

test('a ResourceInUse that answers the SDK’s own retry (the first answer lost) adopts the job the first attempt made: no second job', async () => {
  const sts = mockClient(STSClient).on(GetCallerIdentityCommand).resolves({ Account: '123456789012' });
  const sagemaker = mockClient(SageMakerClient);
  const arn = 'arn:aws:sagemaker:eu-west-1:123456789012:training-job/remote-2026-11-26-10-00-00-000';
  let sent: Record<string, unknown> = {};
  sagemaker.on(CreateTrainingJobCommand).callsFake((input: Record<string, unknown>) => {
    sent = input;
    throw sdkError('ResourceInUse', 'Training job names must be unique');
  });
  sagemaker.on(DescribeTrainingJobCommand).callsFake(() => ({ ...sent, TrainingJobArn: arn, CreationTime: new Date('2026-11-26T10:00:01Z') }));
  try {
    const submitted = await submitTrainingJob(new AwsClients(target), remoteJob(), { now: () => new Date('2026-11-26T10:00:00.000Z') });
    assert.equal(submitted.arn, arn);
    assert.equal(sagemaker.commandCalls(CreateTrainingJobCommand).length, 1);
  } finally {
    sts.restore();
    sagemaker.restore();
  }
});

test('a quota error stops the submission with the Service Quotas link; no retry', async () => {
  const sts = mockClient(STSClient).on(GetCallerIdentityCommand).resolves({ Account: '123456789012' });
  const sagemaker = mockClient(SageMakerClient)
    .on(CreateTrainingJobCommand)
    .rejects(sdkError('ResourceLimitExceeded', "The account-level service limit 'ml.m5.xlarge for training job usage' is 0 Instances"));
  try {
    await assert.rejects(submitTrainingJob(new AwsClients(target), remoteJob()), (error: unknown) => {
      assert.ok(isSmctError(error));
      assert.equal(error.code, 'AWS_QUOTA');
      assert.match(error.message, /servicequotas/);
      return true;
    });
    assert.equal(sagemaker.commandCalls(CreateTrainingJobCommand).length, 1);
  } finally {
    sts.restore();
    sagemaker.restore();
  }
});

test('expired credentials stop a submission before anything is built or sent', async () => {
  const sts = mockClient(STSClient).on(GetCallerIdentityCommand).rejects(sdkError('ExpiredToken', 'The security token included in the request is expired'));
  const sagemaker = mockClient(SageMakerClient);
  try {
    await assert.rejects(submitTrainingJob(new AwsClients(target), remoteJob()), /have expired \(GetCallerIdentity\).*aws sso login --profile dev/);
    assert.equal(sagemaker.commandCalls(CreateTrainingJobCommand).length, 0);
  } finally {
    sts.restore();
    sagemaker.restore();
  }
});

test('stopping a job that has ended is not an error; one that ends meanwhile neither', async () => {
  const sagemaker = mockClient(SageMakerClient);
  try {
    sagemaker.on(DescribeTrainingJobCommand).resolves({ TrainingJobName: 'a', TrainingJobStatus: 'Completed' } as never);
    assert.deepEqual(await stopTrainingJob(new AwsClients(target), 'a'), { stopping: false, status: 'Completed' });
    assert.equal(sagemaker.commandCalls(StopTrainingJobCommand).length, 0);
    sagemaker.on(DescribeTrainingJobCommand).resolves({ TrainingJobName: 'a', TrainingJobStatus: 'InProgress' } as never);
    sagemaker.on(StopTrainingJobCommand).rejects(sdkError('ValidationException', 'The request was rejected because the training job is in status Stopped.'));
    assert.deepEqual(await stopTrainingJob(new AwsClients(target), 'a'), { stopping: false, status: 'Stopped' });
  } finally {
    sagemaker.restore();
  }
});

test('following survives throttling, finds a stream that appears later, and shows each line once', async () => {
  const sagemaker = mockClient(SageMakerClient);
  const logs = mockClient(CloudWatchLogsClient);
  let describes = 0;
  sagemaker.on(DescribeTrainingJobCommand).callsFake(() => {
    describes++;
    const done = describes >= 4;
    return {
      TrainingJobName: 'j',
      TrainingJobStatus: done ? 'Completed' : 'InProgress',
      SecondaryStatus: done ? 'Completed' : 'Training',
      SecondaryStatusTransitions: [
        { Status: 'Training', StatusMessage: 'Training in progress.', StartTime: new Date(0) },
        ...(done ? [{ Status: 'Completed', StatusMessage: 'Training job completed' }] : []),
      ],
    };
  });
  const streams = ['j/algo-1-100'];
  logs.on(DescribeLogStreamsCommand).callsFake(() => ({ logStreams: streams.map((logStreamName) => ({ logStreamName })) }));
  const events: Record<string, string[]> = { 'j/algo-1-100': ['one', 'two'], 'j/algo-2-100': ['other'] };
  let throttled = false;
  logs.on(GetLogEventsCommand).callsFake((input: { logStreamName: string; nextToken?: string }) => {
    if (!throttled && input.nextToken) {
      throttled = true;
      throw sdkError('ThrottlingException', 'Rate exceeded');
    }
    const all = events[input.logStreamName];
    const from = input.nextToken ? Number(input.nextToken.slice(2)) : 0;
    return { events: all.slice(from).map((message, i) => ({ message, timestamp: 1000 + from + i })), nextForwardToken: `f/${all.length}` };
  });
  try {
    const lines: string[] = [];
    const statuses: string[] = [];
    const final = await followTrainingJob(new AwsClients(target), 'j', {
      logIntervalMs: 1,
      statusIntervalMs: 1,
      onLog: (line) => {
        lines.push(`${line.host} ${line.text}`);
        // After the first read, a second instance starts writing and the first writes one more line.
        if (streams.length === 1) {
          streams.push('j/algo-2-100');
          events['j/algo-1-100'].push('three');
        }
      },
      onStatus: (update) => statuses.push(update.secondaryStatus),
    });
    assert.equal(final.TrainingJobStatus, 'Completed');
    assert.ok(throttled);
    assert.deepEqual(statuses, ['Training', 'Completed']);
    assert.deepEqual([...lines].sort(), ['algo-1 one', 'algo-1 three', 'algo-1 two', 'algo-2 other']);
  } finally {
    sagemaker.restore();
    logs.restore();
  }
});

test('an image in ECR of another region is refused before anything is sent: SageMaker pulls from its own region', async () => {
  const sts = mockClient(STSClient).on(GetCallerIdentityCommand).resolves({ Account: '123456789012' });
  const sagemaker = mockClient(SageMakerClient);
  try {
    const job = { ...remoteJob(), image: '123456789012.dkr.ecr.us-west-2.amazonaws.com/trainer:1' };
    await assert.rejects(
      submitTrainingJob(new AwsClients(target), job),
      /^SmctError: 123456789012\.dkr\.ecr\.us-west-2\.amazonaws\.com\/trainer:1 is in Amazon ECR in us-west-2, but the job goes to eu-west-1/,
    );
    assert.equal(sagemaker.commandCalls(CreateTrainingJobCommand).length, 0);
  } finally {
    sts.restore();
    sagemaker.restore();
  }
});

test('following again with the progress of an earlier follow reports nothing twice, and goes on with what is new', async () => {
  const sagemaker = mockClient(SageMakerClient);
  const logs = mockClient(CloudWatchLogsClient);
  const transitions = [{ Status: 'Training', StatusMessage: 'Training in progress.' }];
  sagemaker.on(DescribeTrainingJobCommand).callsFake(() => ({ TrainingJobName: 'j', TrainingJobStatus: 'Completed', SecondaryStatusTransitions: transitions }));
  logs.on(DescribeLogStreamsCommand).resolves({ logStreams: [{ logStreamName: 'j/algo-1-100' }] });
  const events = ['one', 'two'];
  logs.on(GetLogEventsCommand).callsFake((input: { nextToken?: string }) => {
    const from = input.nextToken ? Number(input.nextToken.slice(2)) : 0;
    return { events: events.slice(from).map((message, i) => ({ message, timestamp: from + i })), nextForwardToken: `f/${events.length}` };
  });
  try {
    const clients = new AwsClients(target);
    const progress = new FollowProgress(clients, 'j');
    const follow = async (): Promise<string[]> => {
      const seen: string[] = [];
      await followTrainingJob(clients, 'j', {
        progress,
        logIntervalMs: 1,
        onLog: (line) => seen.push(line.text),
        onStatus: (update) => seen.push(`${update.secondaryStatus}: ${update.message}`),
      });
      return seen;
    };
    assert.deepEqual(await follow(), ['Training: Training in progress.', 'one', 'two']);
    assert.deepEqual(await follow(), []);
    events.push('three');
    transitions.push({ Status: 'Completed', StatusMessage: 'Training job completed' });
    assert.deepEqual(await follow(), ['Completed: Training job completed', 'three']);
  } finally {
    sagemaker.restore();
    logs.restore();
  }
});

test('a call that times out while following a job is named in the message, with its service', async () => {
  const sagemaker = mockClient(SageMakerClient);
  sagemaker
    .on(DescribeTrainingJobCommand)
    .rejects(Object.assign(new Error('a request has exceeded the configured 60000 ms requestTimeout.'), { name: 'TimeoutError', $metadata: { attempts: 5 } }));
  try {
    await assert.rejects(
      followTrainingJob(new AwsClients(target), 'j'),
      /^SmctError: AWS did not answer DescribeTrainingJob \(SageMaker\) in eu-west-1 within 60 s/,
    );
  } finally {
    sagemaker.restore();
  }
});
