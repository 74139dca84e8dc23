import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { checkJobFileText } from '../../../core/src/job/trainingJob';
import { servingSpec } from '../../../core/src/job/servingSection';

describe("the job file's serving section", () => {
  it("defaults to the job's image and base name, the latest local run's model and SageMaker's health-check window", () => {
    const spec = servingSpec(undefined, '/project', { image: 'my-model:1', baseJobName: 'fit' });
    assert.equal(spec.image, 'my-model:1');
    assert.deepEqual(spec.model, { kind: 'latestLocalRun' });
    assert.equal(spec.endpointName, 'fit');
    assert.equal(spec.port, 8080);
    assert.equal(spec.startupHealthCheckSeconds, 240);
    assert.equal(spec.transform, undefined);
  });

  it("resolves local paths against the job file's folder and keeps S3 URIs", () => {
    const spec = servingSpec({ model: 'output/model.tar.gz', transform: { input: 's3://bucket/batch/' } }, '/project', { image: 'i', baseJobName: 'b' });
    assert.deepEqual(spec.model, { kind: 'local', path: path.resolve('/project/output/model.tar.gz') });
    assert.deepEqual(spec.transform?.input, { kind: 's3', uri: 's3://bucket/batch/' });
    assert.equal(spec.transform?.output, path.resolve('/project/transform-output'));
    assert.equal(spec.transform?.maxPayloadInMB, 6);
    assert.equal(spec.transform?.batchStrategy, 'MultiRecord');
  });

  it('reports a health-check window SageMaker refuses at its key', () => {
    const problems = checkJobFileText(JSON.stringify({ image: 'i', serving: { startupHealthCheckTimeoutSeconds: 30 } }));
    assert.equal(problems.length, 1);
    assert.deepEqual(problems[0].path, ['serving', 'startupHealthCheckTimeoutSeconds']);
  });

  it('reports MaxConcurrentTransforms × MaxPayloadInMB over 100 MB at maxConcurrentTransforms, and takes 100 exactly', () => {
    const text = (transform: object): string => JSON.stringify({ image: 'i', serving: { transform: { input: 'in', ...transform } } });
    const problems = checkJobFileText(text({ maxConcurrentTransforms: 20 }));
    assert.equal(problems.length, 1);
    assert.deepEqual(problems[0].path, ['serving', 'transform', 'maxConcurrentTransforms']);
    assert.match(problems[0].message, /20 × 6 = 120 MB/);
    assert.deepEqual(checkJobFileText(text({ maxConcurrentTransforms: 4, maxPayloadInMB: 25 })), []);
    assert.deepEqual(checkJobFileText(text({ maxConcurrentTransforms: 1000, maxPayloadInMB: 0 })), []);
  });
});
