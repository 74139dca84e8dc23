import assert from 'node:assert/strict';
import { test } from 'node:test';
import { awsTimeouts, DEFAULT_AWS_TIMEOUTS } from '../../../core/src/aws/awsClients';
import { isSmctError } from '../../../core/src/errors';

test('AWS timeouts: 10 s to connect, 60 s for an answer, 10 min for S3 by default', () => {
  assert.deepEqual(awsTimeouts({}), { connect: 10_000, answer: 60_000, s3Answer: 600_000 });
  assert.deepEqual(awsTimeouts({}), DEFAULT_AWS_TIMEOUTS);
});

test('SMCT_AWS_CONNECT_TIMEOUT and SMCT_AWS_REQUEST_TIMEOUT override them in seconds; the latter sets S3 too', () => {
  assert.deepEqual(awsTimeouts({ SMCT_AWS_CONNECT_TIMEOUT: '2.5', SMCT_AWS_REQUEST_TIMEOUT: '0.3' }), { connect: 2500, answer: 300, s3Answer: 300 });
  assert.deepEqual(awsTimeouts({ SMCT_AWS_CONNECT_TIMEOUT: '' }), DEFAULT_AWS_TIMEOUTS);
});

test('a timeout that is not a positive number of seconds is a usage error that names the variable', () => {
  for (const value of ['0', '-1', 'ten', '1e9']) {
    assert.throws(
      () => awsTimeouts({ SMCT_AWS_REQUEST_TIMEOUT: value }),
      (error: unknown) => isSmctError(error, 'USAGE') && error.message.startsWith(`SMCT_AWS_REQUEST_TIMEOUT must be a number of seconds`),
    );
  }
});
