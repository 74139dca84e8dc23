import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isSmctError } from '../../../core/src/errors';
import { recordIOEncode } from '../../../core/src/local/channels/recordIO';
import { crc32c, splitRecords, tfRecordEncode } from '../../../core/src/serving/transform/records';

const texts = (records: Buffer[]): string[] => records.map((record) => record.toString('latin1'));

describe('splitRecords', () => {
  test('None: the whole file is one record; an empty file none', () => {
    assert.deepEqual(texts(splitRecords(Buffer.from('a\nb\n'), 'None', 'f')), ['a\nb\n']);
    assert.deepEqual(splitRecords(Buffer.alloc(0), 'None', 'f'), []);
  });

  test('Line: lines keep their newline; a last line without one is a record', () => {
    assert.deepEqual(texts(splitRecords(Buffer.from('a,1\nb,2\r\n\nc'), 'Line', 'f')), ['a,1\n', 'b,2\r\n', '\n', 'c']);
  });

  test('RecordIO: records keep their header and padding', () => {
    const one = recordIOEncode(Buffer.from('abc'));
    const two = recordIOEncode(Buffer.from('defgh'));
    const records = splitRecords(Buffer.concat([one, two]), 'RecordIO', 'f');
    assert.deepEqual(records, [one, two]);
    assert.equal(records[0].length, 12);
  });

  test('RecordIO: a truncated record and a missing magic number are refused, naming file and record', () => {
    const whole = Buffer.concat([recordIOEncode(Buffer.from('abc')), recordIOEncode(Buffer.from('defgh'))]);
    assert.throws(
      () => splitRecords(whole.subarray(0, whole.length - 3), 'RecordIO', 'in/data.rec'),
      (error) =>
        isSmctError(error, 'TRANSFORM_FAILED') && /^in\/data\.rec is not valid RecordIO at record 2 \(byte 12\): the record says 5 bytes/.test(error.message),
    );
    const bad = Buffer.from(whole);
    bad.writeUInt32LE(0x12345678, 12);
    assert.throws(() => splitRecords(bad, 'RecordIO', 'x'), /record 2 \(byte 12\): no RecordIO magic number/);
  });

  test('TFRecord: records with their CRCs; crc32c is Castagnoli', () => {
    // The CRC-32C check value (RFC 3720, B.4): "123456789" -> 0xe3069283.
    assert.equal(crc32c(Buffer.from('123456789')), 0xe3069283);
    const one = tfRecordEncode(Buffer.from('first'));
    const two = tfRecordEncode(Buffer.from('second record'));
    assert.deepEqual(splitRecords(Buffer.concat([one, two]), 'TFRecord', 'f'), [one, two]);
  });

  test('TFRecord: a corrupt data CRC, a corrupt length CRC and a truncated record are refused', () => {
    const one = tfRecordEncode(Buffer.from('first'));
    const two = tfRecordEncode(Buffer.from('second'));
    const dataCorrupt = Buffer.concat([one, two]);
    dataCorrupt[one.length + 13] ^= 0xff;
    assert.throws(
      () => splitRecords(dataCorrupt, 'TFRecord', 'a.tfrecord'),
      /a\.tfrecord is not valid TFRecord at record 2 .*the CRC of the data does not match/,
    );
    const lengthCorrupt = Buffer.from(one);
    lengthCorrupt[9] ^= 0x01;
    assert.throws(() => splitRecords(lengthCorrupt, 'TFRecord', 'b'), /record 1 \(byte 0\): the CRC of the length does not match/);
    assert.throws(() => splitRecords(one.subarray(0, 10), 'TFRecord', 'c'), /the file ends inside a record header/);
  });
});
