import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isSmctError } from '../../../core/src/errors';
import { BYTES_PER_MB, makeBatches } from '../../../core/src/serving/transform/batches';
import { effectiveParameters } from '../../../core/src/serving/transform/executionParameters';

const record = (bytes: number, fill = 'x'): Buffer => Buffer.alloc(bytes, fill);

describe('makeBatches', () => {
  test('SingleRecord: one record per request, numbered from 1', () => {
    const batches = makeBatches([Buffer.from('a\n'), Buffer.from('b\n')], 'SingleRecord', 1, 'f');
    assert.deepEqual(
      batches.map((batch) => [batch.firstRecord, batch.records, batch.body.toString()]),
      [
        [1, 1, 'a\n'],
        [2, 1, 'b\n'],
      ],
    );
  });

  test('MultiRecord: as many records as fit in MaxPayloadInMB, exactly up to the limit', () => {
    const half = BYTES_PER_MB / 2;
    const batches = makeBatches([record(half), record(half), record(1), record(half)], 'MultiRecord', 1, 'f');
    assert.deepEqual(
      batches.map((batch) => [batch.firstRecord, batch.records, batch.body.length]),
      [
        [1, 2, BYTES_PER_MB],
        [3, 2, half + 1],
      ],
    );
  });

  test('a single record over the limit fails the file, naming it and the record, before anything is sent', () => {
    assert.throws(
      () => makeBatches([record(10), record(BYTES_PER_MB + 1)], 'MultiRecord', 1, 'in/big.csv'),
      (error) =>
        isSmctError(error, 'TRANSFORM_FAILED') &&
        /^in\/big\.csv: record 2 is 1048577 bytes, more than MaxPayloadInMB \(1 MB = 1048576 bytes\)/.test(error.message),
    );
    assert.throws(() => makeBatches([record(BYTES_PER_MB + 1)], 'SingleRecord', 1, 'f'), /record 1 is/);
  });
});

describe('effectiveParameters', () => {
  test("what the job sets wins; what it leaves unset comes from the container's /execution-parameters", () => {
    const container = { maxConcurrentTransforms: 8, batchStrategy: 'SingleRecord' as const, maxPayloadInMB: 3 };
    assert.deepEqual(effectiveParameters({ maxPayloadInMB: 1 }, container), { maxConcurrentTransforms: 8, batchStrategy: 'SingleRecord', maxPayloadInMB: 1 });
    assert.deepEqual(effectiveParameters({ maxConcurrentTransforms: 2, batchStrategy: 'MultiRecord', maxPayloadInMB: 6 }, container), {
      maxConcurrentTransforms: 2,
      batchStrategy: 'MultiRecord',
      maxPayloadInMB: 6,
    });
  });

  test('MaxConcurrentTransforms 0 counts as unset; without the container the defaults apply', () => {
    assert.equal(effectiveParameters({ maxConcurrentTransforms: 0 }, { maxConcurrentTransforms: 4 }).maxConcurrentTransforms, 4);
    assert.deepEqual(effectiveParameters({}, {}), { maxConcurrentTransforms: 1, batchStrategy: 'MultiRecord', maxPayloadInMB: 6 });
  });
});
