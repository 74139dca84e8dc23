import assert from 'node:assert/strict';
import { test } from 'node:test';
import { firstLine, invocationMessage, languageForContentType, payloadContentType } from '../../../client/src/serving/contentTypes';
import {
  CHANGING_STATUSES,
  deletionMessage,
  deletionQuestion,
  endpointDescription,
  endpointLogsUrl,
  endpointStatusIcon,
  endpointTooltip,
} from '../../../client/src/serving/endpointStatus';

test("the payload's content type: the job's transform content type first, then the file's extension, else none (the user is asked)", () => {
  assert.equal(payloadContentType('/w/rows.csv', 'application/jsonlines'), 'application/jsonlines');
  assert.equal(payloadContentType('/w/rows.csv'), 'text/csv');
  assert.equal(payloadContentType('/w/ROWS.CSV'), 'text/csv');
  assert.equal(payloadContentType('/w/request.json'), 'application/json');
  assert.equal(payloadContentType('/w/image.png'), undefined);
  assert.equal(payloadContentType('Untitled-1'), undefined);
});

test("an answer's editor language follows its media type, parameters and case aside", () => {
  assert.equal(languageForContentType('application/json'), 'json');
  assert.equal(languageForContentType('Application/JSON; charset=utf-8'), 'json');
  assert.equal(languageForContentType('application/problem+json'), 'json');
  assert.equal(languageForContentType('text/csv'), 'csv');
  assert.equal(languageForContentType('application/jsonlines'), 'jsonl');
  assert.equal(languageForContentType('text/plain'), 'plaintext');
  assert.equal(languageForContentType(undefined), 'plaintext');
});

test("a failed answer's message has its status and its body's first non-empty line; a success has status and time", () => {
  assert.equal(invocationMessage('line', { status: 200, milliseconds: 12.4, body: Buffer.from('ok') }), 'line answered 200 in 12 ms.');
  assert.equal(
    invocationMessage('line', { status: 500, milliseconds: 3, body: Buffer.from('\n  Traceback: boom\nline 2\n') }),
    'line answered 500 in 3 ms: Traceback: boom.',
  );
  assert.equal(invocationMessage('line', { status: 415, milliseconds: 3, body: Buffer.alloc(0) }), 'line answered 415 in 3 ms with an empty body.');
  assert.equal(firstLine(Buffer.from('x'.repeat(300))).length, 200);
});

test('each endpoint status has its icon; failures are red, unknown statuses a question mark', () => {
  assert.deepEqual(endpointStatusIcon('InService'), { id: 'pass', color: 'testing.iconPassed' });
  assert.deepEqual(endpointStatusIcon('Creating'), { id: 'loading~spin' });
  assert.deepEqual(endpointStatusIcon('Failed'), { id: 'error', color: 'problemsErrorIcon.foreground' });
  assert.deepEqual(endpointStatusIcon('UpdateRollbackFailed'), { id: 'error', color: 'problemsErrorIcon.foreground' });
  assert.deepEqual(endpointStatusIcon('SomethingNew'), { id: 'question' });
  for (const status of ['Creating', 'Updating', 'Deleting']) assert.ok(CHANGING_STATUSES.has(status), status);
  for (const status of ['InService', 'Failed', 'OutOfService']) assert.ok(!CHANGING_STATUSES.has(status), status);
});

test("a failed endpoint's tooltip gives its FailureReason; the description its capacity", () => {
  const failed = {
    name: 'line',
    status: 'Failed',
    failureReason: 'The primary container for production variant AllTraffic did not pass the ping health check.',
    instance: { type: 'ml.m5.large', count: 2 },
    creationTime: new Date('2026-11-30T10:00:00Z'),
  };
  assert.equal(
    endpointTooltip(failed, 'eu-west-1'),
    [
      'line: Failed',
      'Failure reason: The primary container for production variant AllTraffic did not pass the ping health check.',
      'Capacity: ml.m5.large × 2',
      'Created: 2026-11-30T10:00:00.000Z',
      'Region: eu-west-1',
    ].join('\n'),
  );
  assert.equal(endpointDescription(failed), 'Failed · ml.m5.large × 2');
  assert.equal(
    endpointDescription({ name: 's', status: 'InService', serverless: { memorySizeInMB: 2048, maxConcurrency: 5 } }),
    'InService · serverless, 2048 MB, 5 concurrent',
  );
  assert.equal(endpointTooltip({ name: 'x', status: 'InService' }, 'us-east-1'), 'x: InService\nRegion: us-east-1');
});

test("the logs link opens the endpoint's log group in its region's CloudWatch console", () => {
  assert.equal(
    endpointLogsUrl('eu-west-1', 'line-2'),
    'https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#logsV2:log-groups/log-group/$252Faws$252Fsagemaker$252FEndpoints$252Fline-2',
  );
});

test('the deletion question names the endpoint and its region, what goes with it, and that billing stops', () => {
  const question = deletionQuestion('line', 'eu-west-1');
  assert.equal(question.message, 'Delete the endpoint line in eu-west-1?');
  assert.match(question.detail, /endpoint configuration and model/);
  assert.match(question.detail, /stops the billing/);
  assert.match(
    deletionMessage({ deleted: ['endpoint line', 'endpoint configuration line-config', 'model line-model'], notes: [] }),
    /^Deleted endpoint line, endpoint configuration line-config, model line-model\. Billing stops/,
  );
  assert.match(deletionMessage({ deleted: [], notes: ['Endpoint line was already gone.'] }), /^Nothing was left to delete\. Endpoint line was already gone\./);
});
