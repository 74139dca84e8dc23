/**
 * What the local runner needs of S3, with no SDK in sight: the AWS half (core/src/aws/s3Reader.ts)
 * implements it with the SDK, tests may stand in for it. Every call ends when `signal` aborts.
 */
export interface S3Reader {
  /** Every object under a prefix, in key order (ListObjectsV2, every page). */
  list(bucket: string, prefix: string, signal?: AbortSignal): Promise<S3Object[]>;
  /** One object's size and ETag (HeadObject); refused with a clear SmctError when it does not exist. */
  head(bucket: string, key: string, signal?: AbortSignal): Promise<S3Object>;
  /** Writes the object into `file` (which must not exist yet), refusing a body whose ETag is not `object.etag`. */
  download(object: S3Object, file: string, options?: { onBytes?: (bytes: number) => void; signal?: AbortSignal }): Promise<void>;
  /** Uploads a file of this machine to s3://bucket/key. */
  upload(file: string, bucket: string, key: string, signal?: AbortSignal): Promise<void>;
}

export interface S3Object {
  readonly bucket: string;
  readonly key: string;
  readonly size: number;
  /** As S3 gives it, quotes included. */
  readonly etag: string;
}

/**
 * One unit SageMaker delivers of a channel, in its order: an object (by now a file on this
 * machine, at its path relative to the channel) or, from an augmented manifest, one record: the
 * bytes of an attribute given inline, or a file (a "-ref" object in the cache), streamed from
 * disk so that a manifest's records never sit in memory.
 */
export type ChannelItem =
  | {
      readonly kind: 'file';
      readonly relative: string;
      readonly file: string;
      readonly size: number;
      /** Where it comes from (s3://bucket/key, a local path), for messages; the relative path when not told. */
      readonly origin?: string;
    }
  | { readonly kind: 'record'; readonly data: Buffer }
  | { readonly kind: 'record'; readonly file: string; readonly size: number };

/** How many bytes an item streams (before any RecordIO framing). */
export function itemSize(item: ChannelItem): number {
  return 'data' in item ? item.data.length : item.size;
}
