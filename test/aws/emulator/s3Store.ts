import { createHash, randomBytes } from 'node:crypto';
import { compare } from './logs';
import { AwsError } from './protocol';
import { computeChecksum, type Checksum } from './s3Body';

export interface S3Object {
  readonly key: string;
  readonly bytes: Buffer;
  /** Quoted, as S3 sends it: `"<md5>"`, or `"<md5 of the parts' md5s>-<parts>"` for a multipart upload. */
  readonly etag: string;
  readonly lastModified: Date;
  readonly contentType?: string;
  readonly contentEncoding?: string;
  readonly metadata: Readonly<Record<string, string>>;
  readonly checksum?: Checksum & { readonly type: 'FULL_OBJECT' | 'COMPOSITE' };
}

export interface ObjectOptions {
  readonly contentType?: string;
  readonly contentEncoding?: string;
  readonly metadata?: Readonly<Record<string, string>>;
  readonly checksum?: Checksum;
}

interface Part {
  readonly bytes: Buffer;
  readonly etag: string;
  readonly checksum?: Checksum;
}

interface MultipartUpload {
  readonly key: string;
  readonly options: ObjectOptions;
  readonly checksumAlgorithm?: string;
  readonly checksumType?: string;
  readonly parts: Map<number, Part>;
}

export interface Bucket {
  readonly name: string;
  readonly region: string;
  readonly createdAt: Date;
  readonly objects: Map<string, S3Object>;
  readonly uploads: Map<string, MultipartUpload>;
}

/** Every part but the last must be at least 5 MiB, as on S3. */
const MIN_PART_SIZE = 5 * 1024 * 1024;

/** The buckets and objects, in memory; the training jobs read their input from here and write their artifacts here. */
export class S3Store {
  readonly buckets = new Map<string, Bucket>();
  /** Names taken by other accounts: HeadBucket answers 403, CreateBucket BucketAlreadyExists. */
  readonly foreign = new Set<string>();

  bucket(name: string): Bucket {
    const bucket = this.buckets.get(name);
    if (!bucket) throw new AwsError('NoSuchBucket', 'The specified bucket does not exist', 404, { BucketName: name });
    return bucket;
  }

  createBucket(name: string, region: string): Bucket {
    const bucket: Bucket = { name, region, createdAt: new Date(), objects: new Map(), uploads: new Map() };
    this.buckets.set(name, bucket);
    return bucket;
  }

  putObject(bucketName: string, key: string, bytes: Buffer, options: ObjectOptions = {}): S3Object {
    const bucket = this.bucket(bucketName);
    const object: S3Object = {
      key,
      bytes,
      etag: `"${md5(bytes).toString('hex')}"`,
      lastModified: new Date(),
      contentType: options.contentType ?? 'binary/octet-stream',
      contentEncoding: options.contentEncoding,
      metadata: options.metadata ?? {},
      checksum: options.checksum ? { ...options.checksum, type: 'FULL_OBJECT' } : undefined,
    };
    bucket.objects.set(key, object);
    return object;
  }

  getObject(bucketName: string, key: string): S3Object {
    const object = this.bucket(bucketName).objects.get(key);
    if (!object) throw new AwsError('NoSuchKey', 'The specified key does not exist.', 404, { Key: key });
    return object;
  }

  /** The bucket's objects under a prefix, in key order. */
  list(bucketName: string, prefix = ''): S3Object[] {
    return [...this.bucket(bucketName).objects.values()].filter((object) => object.key.startsWith(prefix)).sort((a, b) => compare(a.key, b.key));
  }

  createUpload(bucketName: string, key: string, options: ObjectOptions, checksumAlgorithm?: string, checksumType?: string): string {
    const uploadId = randomBytes(32).toString('base64url');
    this.bucket(bucketName).uploads.set(uploadId, { key, options, checksumAlgorithm, checksumType, parts: new Map() });
    return uploadId;
  }

  private upload(bucketName: string, key: string, uploadId: string): MultipartUpload {
    const upload = this.bucket(bucketName).uploads.get(uploadId);
    if (!upload || upload.key !== key) {
      throw new AwsError(
        'NoSuchUpload',
        'The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.',
        404,
        { UploadId: uploadId },
      );
    }
    return upload;
  }

  uploadPart(bucketName: string, key: string, uploadId: string, partNumber: number, bytes: Buffer, checksum?: Checksum): Part {
    const upload = this.upload(bucketName, key, uploadId);
    const part: Part = { bytes, etag: `"${md5(bytes).toString('hex')}"`, checksum };
    upload.parts.set(partNumber, part);
    return part;
  }

  abortUpload(bucketName: string, key: string, uploadId: string): void {
    this.upload(bucketName, key, uploadId);
    this.bucket(bucketName).uploads.delete(uploadId);
  }

  /**
   * Joins the listed parts as S3 does: in ascending order, each uploaded with that ETag (and
   * checksum, when given), each but the last at least 5 MiB. The ETag is the md5 of the parts'
   * md5s with the count; the checksum is composite (`<checksum of checksums>-<count>`) unless the
   * upload asked for a full-object one.
   */
  completeUpload(
    bucketName: string,
    key: string,
    uploadId: string,
    listed: readonly { partNumber: number; etag: string; checksum?: string }[],
    fullChecksum?: Checksum,
  ): S3Object {
    const upload = this.upload(bucketName, key, uploadId);
    if (listed.length === 0) throw new AwsError('MalformedXML', 'The XML you provided was not well-formed or did not validate against our published schema');
    const invalidPart = new AwsError(
      'InvalidPart',
      "One or more of the specified parts could not be found.  The part may not have been uploaded, or the specified entity tag may not match the part's entity tag.",
    );
    const parts = listed.map((entry, i) => {
      if (i > 0 && entry.partNumber <= listed[i - 1].partNumber) {
        throw new AwsError('InvalidPartOrder', 'The list of parts was not in ascending order. Parts must be ordered by part number.');
      }
      const part = upload.parts.get(entry.partNumber);
      if (!part || part.etag.replace(/"/g, '') !== entry.etag.replace(/"/g, '')) throw invalidPart;
      if (entry.checksum !== undefined && part.checksum !== undefined && entry.checksum !== part.checksum.value) throw invalidPart;
      return part;
    });
    if (parts.slice(0, -1).some((part) => part.bytes.length < MIN_PART_SIZE)) {
      throw new AwsError('EntityTooSmall', 'Your proposed upload is smaller than the minimum allowed object size.');
    }
    const bytes = Buffer.concat(parts.map((part) => part.bytes));
    const checksum = this.multipartChecksum(upload, parts, bytes, fullChecksum);
    const object = this.putObject(bucketName, key, bytes, upload.options);
    const joined: S3Object = {
      ...object,
      etag: `"${md5(Buffer.concat(parts.map((part) => md5(part.bytes)))).toString('hex')}-${parts.length}"`,
      checksum,
    };
    this.bucket(bucketName).objects.set(key, joined);
    this.bucket(bucketName).uploads.delete(uploadId);
    return joined;
  }

  private multipartChecksum(upload: MultipartUpload, parts: readonly Part[], bytes: Buffer, stated?: Checksum): S3Object['checksum'] {
    const algorithm = upload.checksumAlgorithm?.toLowerCase() ?? stated?.algorithm;
    if (!algorithm) return undefined;
    if (upload.checksumType === 'FULL_OBJECT' || (stated && !stated.value.includes('-'))) {
      const value = computeChecksum(algorithm, bytes);
      if (stated && value !== undefined && stated.value !== value) {
        throw new AwsError('BadDigest', `The ${algorithm.toUpperCase()} you specified did not match the calculated checksum.`);
      }
      return value === undefined ? undefined : { algorithm, value, type: 'FULL_OBJECT' };
    }
    if (parts.some((part) => part.checksum?.algorithm !== algorithm)) return undefined;
    const joined = Buffer.concat(parts.map((part) => Buffer.from((part.checksum as Checksum).value, 'base64')));
    const value = computeChecksum(algorithm, joined);
    return value === undefined ? undefined : { algorithm, value: `${value}-${parts.length}`, type: 'COMPOSITE' };
  }
}

function md5(bytes: Buffer): Buffer {
  return createHash('md5').update(bytes).digest();
}

/** S3's bucket naming rules; the reason a name breaks them, or undefined. */
export function bucketNameProblem(name: string): string | undefined {
  if (name.length < 3 || name.length > 63) return 'Bucket names must be between 3 and 63 characters long';
  if (!/^[a-z0-9][a-z0-9.-]*[a-z0-9]$/.test(name)) {
    return 'Bucket names can consist only of lowercase letters, numbers, dots and hyphens, and must begin and end with a letter or number';
  }
  if (name.includes('..')) return 'Bucket names must not contain two adjacent periods';
  if (/^\d+\.\d+\.\d+\.\d+$/.test(name)) return 'Bucket names must not be formatted as an IP address';
  if (/^(xn--|sthree-|amzn-s3-demo-)/.test(name) || /(-s3alias|--ol-s3|\.mrap|--x-s3|--table-s3)$/.test(name)) {
    return 'Bucket names must not use a reserved prefix or suffix';
  }
  return undefined;
}
