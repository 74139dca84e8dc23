import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatBytes, parseDuration } from '../../../core/src/config/quantities';
import { isSmctError } from '../../../core/src/errors';

test('durations as people type them', () => {
  for (const [text, seconds] of [
    ['90', 90],
    ['90s', 90],
    ['2m', 120],
    ['1h30m', 5400],
    ['1.5h', 5400],
    [' 5M ', 300],
    ['1h2m3s', 3723],
  ] as const) {
    assert.equal(parseDuration(text, '--interrupt-after'), seconds, text);
  }
});

test('a duration that is not one is a usage error naming the flag', () => {
  for (const text of ['', 'soon', '0', '0s', '1h30', '-5s', '5 minutes', '1e3']) {
    assert.throws(
      () => parseDuration(text, '--interrupt-after'),
      (error) => isSmctError(error, 'USAGE') && error.message === `--interrupt-after must be a duration such as 90s, 5m or 1h30m (it is "${text}").`,
      text,
    );
  }
});

test('sizes in decimal units', () => {
  assert.equal(formatBytes(0), '0 bytes');
  assert.equal(formatBytes(1), '1 byte');
  assert.equal(formatBytes(999), '999 bytes');
  assert.equal(formatBytes(1500), '1.5 KB');
  assert.equal(formatBytes(100_000_000), '100 MB');
  assert.equal(formatBytes(12_345_678_901), '12.3 GB');
});
