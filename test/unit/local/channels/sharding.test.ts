import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isSmctError } from '../../../../core/src/errors';
import { parseSize } from '../../../../core/src/config/quantities';
import { emptyShareWarning, shareOf } from '../../../../core/src/local/channels/sharding';

test('ShardedByS3Key over 3 hosts: each item on exactly one host, shares differ by one at most, order kept', () => {
  for (const count of [0, 1, 2, 3, 7, 10, 11]) {
    const items = Array.from({ length: count }, (_, i) => `key-${String(i).padStart(2, '0')}`);
    const shares = [0, 1, 2].map((host) => shareOf(items, host, 3));
    assert.deepEqual(shares.flat(), items, `${count} items: every item once, in order`);
    const sizes = shares.map((share) => share.length);
    assert.ok(Math.max(...sizes) - Math.min(...sizes) <= 1, `${count} items: ${sizes.join(',')}`);
  }
  assert.deepEqual(
    [0, 1, 2].map((host) => shareOf(['a', 'b', 'c', 'd'], host, 3)),
    [['a', 'b'], ['c'], ['d']],
  );
});

test('FullyReplicated gives every host everything; a host outside the count is a programming error', () => {
  assert.deepEqual(shareOf(['a', 'b'], 2, 3, 'FullyReplicated'), ['a', 'b']);
  assert.throws(() => shareOf(['a'], 3, 3), RangeError);
});

test('more hosts than objects: a warning naming the channel and the hosts left without data', () => {
  assert.equal(emptyShareWarning('train', 3, 3), undefined);
  assert.equal(emptyShareWarning('train', 2, 5), 'Channel "train" is ShardedByS3Key with 2 objects for 5 hosts: 3 hosts get no data, as on SageMaker.');
  assert.deepEqual(shareOf(['a', 'b'], 4, 5), []);
});

test('parseSize reads bytes, decimal and binary units; anything else is a USAGE error naming the flag', () => {
  assert.equal(parseSize('1000'), 1000);
  assert.equal(parseSize('500MB'), 500_000_000);
  assert.equal(parseSize('10GB'), 10_000_000_000);
  assert.equal(parseSize('1.5GiB'), 1.5 * 1024 ** 3);
  assert.equal(parseSize(' 2 mib '), 2 * 1024 ** 2);
  for (const garbage of ['', 'ten', '10XB', '-5MB', '1e9', '5 MB extra']) {
    assert.throws(
      () => parseSize(garbage),
      (error: unknown) =>
        isSmctError(error, 'USAGE') && error.message === `--max-download takes a size such as 500MB, 10GB or 1.5GiB (or a number of bytes), not "${garbage}".`,
      garbage,
    );
  }
});
