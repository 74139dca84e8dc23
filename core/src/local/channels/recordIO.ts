// MXNet (dmlc) RecordIO framing, as SageMaker wraps each object or record of a channel whose
// RecordWrapperType is RecordIO. One record is:
//   magic    uint32 little-endian 0xced7230a
//   lrecord  uint32 little-endian: cflag in the upper 3 bits, the data's length in the lower 29
//   data
//   padding  zero bytes up to the next multiple of 4
// Sources: dmlc::RecordIOWriter (kMagic, EncodeLRec = (cflag << 29) | length, "recordio format: magic
// lrecord data pad", "pad is simply a padding space to make record align to 4 bytes"),
// https://mxnet.apache.org/api/cpp/docs/api/recordio_8h_source.html and
// https://mxnet.apache.org/api/cpp/docs/api/classdmlc_1_1RecordIOWriter.html ; its WriteRecord refuses
// records of 2^29 bytes or more ("RecordIO only accept record less than 2^29 bytes").
// cflag is always 0 (a complete record): dmlc's writer splits a record only where the magic number
// occurs inside the data, for its own splitting reader; a sequential reader reads the length and
// never looks for the magic inside the data, so one whole record reads the same.

export const RECORDIO_MAGIC = 0xced7230a;
/** The largest data one record can carry: the length has 29 bits, and dmlc refuses 2^29 itself. */
export const RECORDIO_MAX_LENGTH = 2 ** 29 - 1;

/** The 8 bytes before a record's data. Throws a RangeError past RECORDIO_MAX_LENGTH: check first. */
export function recordIOHeader(length: number): Buffer {
  if (!Number.isInteger(length) || length < 0 || length > RECORDIO_MAX_LENGTH) {
    throw new RangeError(`a RecordIO record holds at most ${RECORDIO_MAX_LENGTH} bytes, not ${length}`);
  }
  const header = Buffer.alloc(8);
  header.writeUInt32LE(RECORDIO_MAGIC, 0);
  // cflag 0 in the upper 3 bits: the length alone.
  header.writeUInt32LE(length, 4);
  return header;
}

/** The zero bytes after a record's data that end it on a multiple of 4 (none, 1, 2 or 3). */
export function recordIOPadding(length: number): Buffer {
  return Buffer.alloc((4 - (length % 4)) % 4);
}

/** One whole record: header, data, padding. For data already in memory; stream files with the two parts. */
export function recordIOEncode(data: Buffer): Buffer {
  return Buffer.concat([recordIOHeader(data.length), data, recordIOPadding(data.length)]);
}
