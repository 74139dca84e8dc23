import assert from 'node:assert/strict';
import { test } from 'node:test';
import { explainAwsError, QUOTAS_URL } from '../../../core/src/aws/awsErrors';
import { isSmctError, SmctError } from '../../../core/src/errors';

const dev = { profile: 'dev', region: 'eu-west-1' };

function sdkError(name: string, message: string): Error {
  return Object.assign(new Error(message), { name, $metadata: { httpStatusCode: 400 } });
}

function explained(error: unknown, operation = 'CreateTrainingJob', target: { profile?: string; region: string } = dev): SmctError {
  const result = explainAwsError(error, operation, target);
  assert.ok(isSmctError(result), String(result));
  return result;
}

test('expired credentials say how to log in again, for the profile in use', () => {
  const error = explained(sdkError('ExpiredTokenException', 'The security token included in the request is expired'));
  assert.equal(error.code, 'AWS_CREDENTIALS');
  assert.equal(error.fix, 'aws sso login --profile dev');
  assert.match(error.message, /credentials of profile "dev" have expired \(CreateTrainingJob\)\. Log in again \(for SSO: aws sso login --profile dev\)/);
  const sso = explained(sdkError('CredentialsProviderError', 'The SSO session associated with this profile has expired or is otherwise invalid.'));
  assert.equal(sso.code, 'AWS_CREDENTIALS');
  assert.match(sso.message, /expired/);
});

test('missing credentials name the profile and the setup command', () => {
  const error = explained(sdkError('CredentialsProviderError', 'Could not load credentials from any providers'), 'GetCallerIdentity', { region: 'us-east-1' });
  assert.equal(error.code, 'AWS_CREDENTIALS');
  assert.match(error.message, /^No AWS credentials found for the default profile\. .*aws configure/);
});

test('refused keys, access denied, quotas and validation each say what to do', () => {
  assert.match(
    explained(sdkError('UnrecognizedClientException', 'The security token included in the request is invalid.')).message,
    /did not accept the credentials/,
  );
  const denied = explained(sdkError('AccessDeniedException', 'User: arn:aws:iam::1:user/x is not authorized'));
  assert.equal(denied.code, 'AWS_ACCESS');
  assert.match(denied.message, /It needs sagemaker:CreateTrainingJob and iam:PassRole on the execution role\.$/);
  assert.doesNotMatch(denied.message, /\.\./, 'one full stop after the message of AWS');
  const quota = explained(sdkError('ResourceLimitExceeded', "The account-level service limit 'ml.p3.2xlarge for training job usage' is 0 Instances"));
  assert.equal(quota.code, 'AWS_QUOTA');
  assert.ok(quota.message.endsWith(QUOTAS_URL), quota.message);
  assert.match(
    explained(sdkError('ValidationException', "Value 'local' at 'resourceConfig.instanceType' failed")).message,
    /^CreateTrainingJob was refused: Value 'local'/,
  );
  assert.equal(explained(sdkError('ThrottlingException', 'Rate exceeded')).code, 'AWS_THROTTLED');
  const network = explained(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }));
  assert.equal(network.code, 'AWS_NETWORK');
});

test('our own errors and cancellations pass through unchanged', () => {
  const own = new SmctError('AWS_INVALID', 'x');
  assert.equal(explainAwsError(own, 'op', dev), own);
  const abort = Object.assign(new Error('aborted'), { name: 'AbortError' });
  assert.equal(explainAwsError(abort, 'op', dev), abort);
});

test('messages never carry a secret that was in the SDK error', () => {
  const error = explained(sdkError('InvalidSignatureException', 'The request signature we calculated does not match'));
  assert.doesNotMatch(error.message, /wJalrXUtnFEMI/);
});

test('a well-formed refusal that carries the raw response (as the SDK attaches it) is not called unreadable', () => {
  const conflict = Object.assign(sdkError('ConflictException', 'The job is being updated.'), { $response: { statusCode: 409 } });
  const error = explained(conflict, 'StopTrainingJob');
  assert.doesNotMatch(error.message, /could not read/);
  assert.match(error.message, /^StopTrainingJob failed: ConflictException: The job is being updated\./);
});

test('a connection not made in time and an answer not given in time are told apart, with the variable that waits longer', () => {
  const connect = explained(
    Object.assign(
      new Error('@smithy/node-http-handler - the request socket did not establish a connection with the server within the configured timeout of 10000 ms.'),
      {
        name: 'TimeoutError',
      },
    ),
    'ListTrainingJobs',
  );
  assert.equal(connect.code, 'AWS_NETWORK');
  assert.match(connect.message, /^AWS could not be reached for ListTrainingJobs \(SageMaker\) in eu-west-1 within 10 s: .*SMCT_AWS_CONNECT_TIMEOUT=<seconds>/);
  const answer = explained(
    Object.assign(new Error('@smithy/node-http-handler - the request socket timed out after 60000 ms of inactivity (configured by client requestHandler).'), {
      name: 'TimeoutError',
      $metadata: { attempts: 5 },
    }),
    'GetLogEvents',
  );
  assert.match(
    answer.message,
    /^AWS did not answer GetLogEvents \(CloudWatch Logs\) in eu-west-1 within 60 s \(5 attempts\): .*SMCT_AWS_REQUEST_TIMEOUT=<seconds>/,
  );
});
