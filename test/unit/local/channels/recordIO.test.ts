import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RECORDIO_MAX_LENGTH, recordIOEncode, recordIOHeader, recordIOPadding } from '../../../../core/src/local/channels/recordIO';

test('a 5-byte record: magic 0a 23 d7 ce, length 5 little-endian, the data, 3 zero bytes to reach 16', () => {
  const record = recordIOEncode(Buffer.from('hello'));
  assert.deepEqual([...record], [0x0a, 0x23, 0xd7, 0xce, 0x05, 0x00, 0x00, 0x00, 0x68, 0x65, 0x6c, 0x6c, 0x6f, 0x00, 0x00, 0x00]);
});

test('a record whose length is a multiple of 4 has no padding; an empty record is the header alone', () => {
  assert.deepEqual([...recordIOEncode(Buffer.from('abcd'))], [0x0a, 0x23, 0xd7, 0xce, 0x04, 0, 0, 0, 0x61, 0x62, 0x63, 0x64]);
  assert.deepEqual([...recordIOEncode(Buffer.alloc(0))], [0x0a, 0x23, 0xd7, 0xce, 0, 0, 0, 0]);
  assert.deepEqual(
    [1, 2, 3, 4, 5].map((length) => recordIOPadding(length).length),
    [3, 2, 1, 0, 3],
  );
});

test('the length takes the lower 29 bits (cflag 0): 300 bytes is 2c 01 00 00; the largest is ff ff ff 1f', () => {
  assert.deepEqual([...recordIOHeader(300).subarray(4)], [0x2c, 0x01, 0x00, 0x00]);
  assert.deepEqual([...recordIOHeader(RECORDIO_MAX_LENGTH).subarray(4)], [0xff, 0xff, 0xff, 0x1f]);
});

test('a length of 2^29 or more cannot be framed: it would spill into the cflag bits', () => {
  assert.throws(() => recordIOHeader(2 ** 29), RangeError);
  assert.throws(() => recordIOHeader(-1), RangeError);
});
