import assert from 'node:assert/strict';
import * as path from 'node:path';
import { test } from 'node:test';
import { hyperparameterString, jobName, loadTrainingJob } from '../../../core/src/job/trainingJob';

const ROOT = path.resolve(__dirname, '../../../..');

test('the example job file loads, with defaults applied and paths resolved', () => {
  const job = loadTrainingJob(path.join(ROOT, 'examples', 'training', 'sagemaker-job.json'));
  assert.equal(job.baseJobName, 'linear-fit');
  assert.deepEqual(job.hyperparameters, { epochs: '200', learning_rate: '0.01' });
  assert.equal(job.build.dockerfile, path.join(ROOT, 'examples', 'training', 'Dockerfile'));
  assert.equal(job.build.platform, 'linux/amd64');
  assert.deepEqual(job.inputs[0], {
    name: 'training',
    source: { kind: 'local', path: path.join(ROOT, 'examples', 'training', 'data') },
    contentType: 'text/csv',
    inputMode: 'File',
    distribution: 'FullyReplicated',
    s3DataType: 'S3Prefix',
    attributeNames: undefined,
    recordWrapperType: 'None',
  });
  assert.equal(job.stopTimeoutSeconds, 120);
});

test('hyperparameters: strings are sent as they are, every other value as JSON', () => {
  assert.equal(hyperparameterString('adam'), 'adam');
  assert.equal(hyperparameterString(3), '3');
  assert.equal(hyperparameterString(true), 'true');
  assert.equal(hyperparameterString([1, 'a']), '[1,"a"]');
});

test("job names keep the timestamp, fit 63 characters and SageMaker's pattern", () => {
  const at = new Date(Date.UTC(2026, 10, 25, 9, 8, 7, 6));
  assert.equal(jobName('my_trainer', at), 'my-trainer-2026-11-25-09-08-07-006');
  const long = jobName('x'.repeat(100), at);
  assert.equal(long.length, 63);
  assert.match(long, /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/);
  assert.ok(long.endsWith('-2026-11-25-09-08-07-006'));
  assert.equal(jobName('---', at), 'job-2026-11-25-09-08-07-006');
});
