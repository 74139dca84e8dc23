// Batch transform's SplitType: how one input file becomes records
// (https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_TransformInput.html). splitRecords
// keeps each record's framing: a line its newline, a RecordIO or TFRecord record its header (and
// CRCs), so that records put back together (MultiRecord) are the container's usual input format.
// recordPayload takes the framing off for SingleRecord, as TransformInput.SplitType says: "Some data
// formats represent a record as a binary payload wrapped with extra padding bytes. When splitting
// is applied to a binary data format, padding is removed if the value of BatchStrategy is set to
// SingleRecord. Padding is not removed if the value of BatchStrategy is set to MultiRecord."
import { RECORDIO_MAGIC } from '../../local/channels/recordIO';
import type { SplitType } from '../../job/servingSection';
import { SmctError } from '../../errors';

/** The records of `data` (a whole file) as slices of it, in order. `source` names the file in messages. */
export function splitRecords(data: Buffer, splitType: SplitType, source: string): Buffer[] {
  switch (splitType) {
    case 'None':
      return data.length === 0 ? [] : [data];
    case 'Line':
      return lines(data);
    case 'RecordIO':
      return recordIORecords(data, source);
    case 'TFRecord':
      return tfRecords(data, source);
  }
}

/**
 * The data portion of one record splitRecords returned, without its framing: a RecordIO record
 * without its header and padding, a TFRecord record without its length and CRCs; a line or a
 * whole file as it is. CreateTransformJob measures MaxPayloadInMB on it: "A payload is the data
 * portion of a record (without metadata)"
 * (https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateTransformJob.html).
 */
export function recordPayload(record: Buffer, splitType: SplitType): Buffer {
  switch (splitType) {
    case 'None':
    case 'Line':
      return record;
    case 'RecordIO':
      return record.subarray(8, 8 + (record.readUInt32LE(4) & 0x1fffffff));
    case 'TFRecord':
      return record.subarray(12, record.length - 4);
  }
}

/** Lines, each with its "\n"; a last line without one is a record too. */
function lines(data: Buffer): Buffer[] {
  const records: Buffer[] = [];
  let start = 0;
  while (start < data.length) {
    const newline = data.indexOf(0x0a, start);
    const end = newline < 0 ? data.length : newline + 1;
    records.push(data.subarray(start, end));
    start = end;
  }
  return records;
}

/** MXNet RecordIO (the framing of core/src/local/channels/recordIO.ts): magic, cflag|length, data, padding to 4 bytes. */
function recordIORecords(data: Buffer, source: string): Buffer[] {
  const records: Buffer[] = [];
  let offset = 0;
  while (offset < data.length) {
    const index = records.length + 1;
    if (offset + 8 > data.length) throw corrupt(source, 'RecordIO', index, offset, 'the file ends inside a record header');
    if (data.readUInt32LE(offset) !== RECORDIO_MAGIC) {
      throw corrupt(source, 'RecordIO', index, offset, 'no RecordIO magic number (0xced7230a) where a record should begin');
    }
    const length = data.readUInt32LE(offset + 4) & 0x1fffffff;
    const end = offset + 8 + length + ((4 - (length % 4)) % 4);
    if (end > data.length) throw corrupt(source, 'RecordIO', index, offset, `the record says ${length} bytes, more than the file has left`);
    records.push(data.subarray(offset, end));
    offset = end;
  }
  return records;
}

/**
 * TFRecord (https://www.tensorflow.org/tutorials/load_data/tfrecord#tfrecords_format_details):
 * uint64 length, uint32 masked CRC32C of the length, data, uint32 masked CRC32C of the data,
 * little-endian. Both CRCs are checked, as TensorFlow's reader does.
 */
function tfRecords(data: Buffer, source: string): Buffer[] {
  const records: Buffer[] = [];
  let offset = 0;
  while (offset < data.length) {
    const index = records.length + 1;
    if (offset + 12 > data.length) throw corrupt(source, 'TFRecord', index, offset, 'the file ends inside a record header');
    if (data.readUInt32LE(offset + 8) !== maskedCrc32c(data.subarray(offset, offset + 8))) {
      throw corrupt(source, 'TFRecord', index, offset, 'the CRC of the length does not match');
    }
    const length = Number(data.readBigUInt64LE(offset));
    const end = offset + 12 + length + 4;
    if (end > data.length) throw corrupt(source, 'TFRecord', index, offset, `the record says ${length} bytes, more than the file has left`);
    if (data.readUInt32LE(end - 4) !== maskedCrc32c(data.subarray(offset + 12, end - 4))) {
      throw corrupt(source, 'TFRecord', index, offset, 'the CRC of the data does not match');
    }
    records.push(data.subarray(offset, end));
    offset = end;
  }
  return records;
}

function corrupt(source: string, format: string, index: number, offset: number, why: string): SmctError {
  return new SmctError(
    'TRANSFORM_FAILED',
    `${source} is not valid ${format} at record ${index} (byte ${offset}): ${why}. Check the file, or the transform's splitType.`,
  );
}

const CRC32C_TABLE = (() => {
  // Castagnoli's polynomial, reflected.
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0x82f63b78 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

export function crc32c(data: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of data) crc = CRC32C_TABLE[(crc ^ byte) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

/** TFRecord's mask: rotate right by 15 bits, add 0xa282ead8 (tensorflow/core/lib/hash/crc32c.h). */
export function maskedCrc32c(data: Buffer): number {
  const crc = crc32c(data);
  return ((((crc >>> 15) | (crc << 17)) >>> 0) + 0xa282ead8) >>> 0;
}

/** One TFRecord record around `data` (tests, and tools that write them). */
export function tfRecordEncode(data: Buffer): Buffer {
  const header = Buffer.alloc(12);
  header.writeBigUInt64LE(BigInt(data.length), 0);
  header.writeUInt32LE(maskedCrc32c(header.subarray(0, 8)), 8);
  const footer = Buffer.alloc(4);
  footer.writeUInt32LE(maskedCrc32c(data), 0);
  return Buffer.concat([header, data, footer]);
}
