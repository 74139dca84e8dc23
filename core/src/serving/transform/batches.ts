// Batch transform's BatchStrategy and MaxPayloadInMB: which records go in one request
// (https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateTransformJob.html:
// SingleRecord, one record per request; MultiRecord, "as many records that can fit within the
// MaxPayloadInMB limit"; "The value in MaxPayloadInMB must be greater than, or equal to, the size
// of a single record").
import type { BatchStrategy } from '../../job/servingSection';
import { SmctError } from '../../errors';

/** MaxPayloadInMB in bytes: MB read as MiB, as the hosting limits are. */
export const BYTES_PER_MB = 1024 * 1024;

export interface Batch {
  /** The first record's number in its file, from 1. */
  readonly firstRecord: number;
  readonly records: number;
  readonly body: Buffer;
}

/**
 * The requests for one file's records. `payloadOf` gives a record's data portion (records.ts
 * recordPayload; default the record itself): MaxPayloadInMB is measured on it, SingleRecord sends
 * it alone, MultiRecord sends the records whole, framing and all. A record whose data is larger
 * than the payload limit fails the file before anything is sent.
 */
export function makeBatches(
  records: readonly Buffer[],
  strategy: BatchStrategy,
  maxPayloadInMB: number,
  source: string,
  payloadOf: (record: Buffer) => Buffer = (record) => record,
): Batch[] {
  const limit = maxPayloadInMB * BYTES_PER_MB;
  const sizes = records.map((record) => payloadOf(record).length);
  sizes.forEach((size, index) => {
    if (size > limit) throw recordTooLarge(source, index + 1, size, maxPayloadInMB);
  });
  if (strategy === 'SingleRecord') return records.map((record, index) => ({ firstRecord: index + 1, records: 1, body: payloadOf(record) }));
  const batches: Batch[] = [];
  let start = 0;
  while (start < records.length) {
    let end = start;
    let size = 0;
    while (end < records.length && size + sizes[end] <= limit) size += sizes[end++];
    batches.push({ firstRecord: start + 1, records: end - start, body: Buffer.concat(records.slice(start, end)) });
    start = end;
  }
  return batches;
}

/** SageMaker's rule in the job's words; the real job fails such a file with a ClientError in its log. */
function recordTooLarge(source: string, record: number, bytes: number, maxPayloadInMB: number): SmctError {
  return new SmctError(
    'TRANSFORM_FAILED',
    `${source}: record ${record} is ${bytes} bytes, more than MaxPayloadInMB (${maxPayloadInMB} MB = ${maxPayloadInMB * BYTES_PER_MB} bytes), and SageMaker requires MaxPayloadInMB to be at least the size of a single record: raise serving.transform.maxPayloadInMB (at most 100), or split the input smaller (splitType).`,
  );
}
