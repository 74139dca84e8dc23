import assert from 'node:assert/strict';
import * as path from 'node:path';
import { test } from 'node:test';
import { EXIT_CODES, exitCodeOf, isCancellation, isSmctError, SmctError } from '../../core/src/errors';

const DIST = path.resolve(__dirname, '../../../dist');

test('an SmctError made by the separately bundled AWS half is recognised by its code, where instanceof fails', async () => {
  // dist/aws.js carries its own copy of SmctError, as it does in smct and in VS Code.
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the bundle, as smct loads it
  const aws = require(path.join(DIST, 'aws.js')) as typeof import('../../core/src/aws/index');
  const saved = { ...process.env };
  try {
    process.env = Object.fromEntries(Object.entries(saved).filter(([name]) => !['AWS_REGION', 'AWS_DEFAULT_REGION', 'AWS_PROFILE'].includes(name)));
    process.env.AWS_CONFIG_FILE = '/nonexistent/config';
    process.env.AWS_SHARED_CREDENTIALS_FILE = '/nonexistent/credentials';
    const error: unknown = await aws.resolveAwsTarget({}).catch((caught: unknown) => caught);
    assert.equal(error instanceof SmctError, false, 'the bundle has its own class');
    assert.ok(isSmctError(error, 'REGION_MISSING'), String(error));
    assert.equal(exitCodeOf(error), 2);
  } finally {
    process.env = saved;
  }
});

test('exit codes: 2 for input, 1 for work that failed, 130 for Ctrl-C; anything unknown is 1', () => {
  assert.equal(exitCodeOf(new SmctError('JOB_FILE_INVALID', 'x')), 2);
  assert.equal(exitCodeOf(new SmctError('USAGE', 'x')), 2);
  assert.equal(exitCodeOf(new SmctError('DOCKER_UNAVAILABLE', 'x')), 1);
  assert.equal(exitCodeOf(new SmctError('LINT_ERRORS', 'x')), 1);
  assert.equal(exitCodeOf(new SmctError('CANCELLED', 'x')), 130);
  const abort = Object.assign(new Error('This operation was aborted'), { name: 'AbortError', code: 20 });
  assert.ok(isCancellation(abort));
  assert.equal(exitCodeOf(abort), 130);
  assert.equal(exitCodeOf(new TypeError('a bug')), 1);
  assert.ok(Object.values(EXIT_CODES).every((code) => [1, 2, 130].includes(code)));
});

test('isSmctError is not fooled by look-alikes: a Node error with a string code, a numeric code, null', () => {
  assert.equal(isSmctError(Object.assign(new Error('x'), { code: 'USAGE' })), false);
  assert.equal(isSmctError(Object.assign(new Error('x'), { code: 20 })), false);
  assert.equal(isSmctError(null), false);
  assert.equal(isSmctError(new SmctError('AWS_QUOTA', 'x'), 'AWS_CREDENTIALS'), false);
  assert.ok(isSmctError(new SmctError('AWS_QUOTA', 'x'), 'AWS_CREDENTIALS', 'AWS_QUOTA'));
});
