import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CloudWatchLogsClient, DescribeLogStreamsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { DescribeTrainingJobCommand, SageMakerClient } from '@aws-sdk/client-sagemaker';
import { mockClient } from 'aws-sdk-client-mock';
import { run } from '../../cli/src/smct';

// smct's AWS commands in process, with the SDK's send() mocked: answers the emulator does not give on demand.
async function smct(args: string[]): Promise<{ code: number | 'server'; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await run(args, { out: (text) => (out += text), err: (text) => (err += text) });
  return { code, out, err };
}

test('smct logs of a job that has written nothing yet says so, with its status', async () => {
  const sagemaker = mockClient(SageMakerClient)
    .on(DescribeTrainingJobCommand)
    .resolves({ TrainingJobName: 'j', TrainingJobStatus: 'InProgress', SecondaryStatus: 'Downloading' } as never);
  const logs = mockClient(CloudWatchLogsClient).on(DescribeLogStreamsCommand).resolves({ logStreams: [] });
  try {
    const result = await smct(['logs', 'j', '--region', 'eu-west-1']);
    assert.equal(result.code, 0);
    assert.equal(result.out, '');
    assert.equal(result.err, 'No logs yet for j (InProgress, Downloading): its containers have not written anything.\n');
  } finally {
    sagemaker.restore();
    logs.restore();
  }
});

test('smct logs: credentials that expire between the calls are said to have expired, not reported as an internal error', async () => {
  const sagemaker = mockClient(SageMakerClient)
    .on(DescribeTrainingJobCommand)
    .resolves({ TrainingJobName: 'j', TrainingJobStatus: 'InProgress' } as never);
  const expired = Object.assign(new Error('The security token included in the request is expired'), { name: 'ExpiredTokenException', $metadata: {} });
  const logs = mockClient(CloudWatchLogsClient).on(DescribeLogStreamsCommand).rejects(expired);
  try {
    const result = await smct(['logs', 'j', '--region', 'eu-west-1', '--profile', 'dev']);
    assert.equal(result.code, 1);
    assert.match(
      result.err,
      /^smct: The AWS credentials of profile "dev" have expired \(reading the job's logs\)\. Log in again \(for SSO: aws sso login --profile dev\) and retry\.\n$/,
    );
  } finally {
    sagemaker.restore();
    logs.restore();
  }
});

test('smct push of an image name that starts with "-" is refused before docker or AWS sees it', async () => {
  const result = await smct(['push', '--image=--help', '--region', 'eu-west-1']);
  assert.equal(result.code, 2);
  assert.match(result.err, /^smct: "--help" is not an image name: an image name may not start with "-"\.\n$/m);
});
