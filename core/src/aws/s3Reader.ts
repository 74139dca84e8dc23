import * as fs from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { Transform, type Readable } from 'node:stream';
import { GetObjectCommand, HeadObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import type { AwsClients } from './awsClients';
import { errorName, explainAwsError } from './awsErrors';
import { SmctError } from '../errors';
import type { S3Object, S3Reader } from '../local/channels/types';

/** The S3 the local runner reads its channels from, through the SDK. */
export function s3Reader(clients: AwsClients): S3Reader {
  return {
    list: (bucket, prefix, signal) => listObjects(clients, bucket, prefix, signal),
    head: (bucket, key, signal) => headObject(clients, bucket, key, signal),
    download: (object, file, options) => downloadObject(clients, object, file, options?.onBytes, options?.signal),
    upload: (file, bucket, key, signal) => uploadFile(clients, file, bucket, key, signal),
  };
}

async function listObjects(clients: AwsClients, bucket: string, prefix: string, signal?: AbortSignal): Promise<S3Object[]> {
  const objects: S3Object[] = [];
  let token: string | undefined;
  do {
    const page = await call(clients, 'ListObjectsV2', `s3://${bucket}/${prefix}`, () =>
      clients.s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }), { abortSignal: signal }),
    );
    for (const item of page.Contents ?? []) {
      if (item.Key !== undefined) objects.push({ bucket, key: item.Key, size: item.Size ?? 0, etag: item.ETag ?? '' });
    }
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  // S3 lists in UTF-8 binary order already; sorting again costs little and makes the order ours to promise.
  return objects.sort((a, b) => Buffer.compare(Buffer.from(a.key), Buffer.from(b.key)));
}

async function headObject(clients: AwsClients, bucket: string, key: string, signal?: AbortSignal): Promise<S3Object> {
  const head = await call(clients, 'HeadObject', `s3://${bucket}/${key}`, () =>
    clients.s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }), { abortSignal: signal }),
  );
  return { bucket, key, size: head.ContentLength ?? 0, etag: head.ETag ?? '' };
}

/**
 * Streams the object into `<file>.partial`, renamed to `file` once whole: a killed download never
 * leaves a file under the final name. IfMatch makes S3 refuse a body changed since it was listed.
 */
async function downloadObject(clients: AwsClients, object: S3Object, file: string, onBytes?: (bytes: number) => void, signal?: AbortSignal): Promise<void> {
  const uri = `s3://${object.bucket}/${object.key}`;
  const answer = await call(clients, 'GetObject', uri, () =>
    clients.s3.send(new GetObjectCommand({ Bucket: object.bucket, Key: object.key, IfMatch: object.etag || undefined }), { abortSignal: signal }),
  );
  const partial = `${file}.partial`;
  let bytes = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      bytes += chunk.length;
      onBytes?.(bytes);
      done(null, chunk);
    },
  });
  try {
    await pipeline(answer.Body as Readable, counter, fs.createWriteStream(partial, { flags: 'wx' }), { signal });
    if (bytes !== object.size) throw new SmctError('AWS_OTHER', `${uri} arrived with ${bytes} bytes instead of ${object.size}; try again.`);
    fs.renameSync(partial, file);
  } catch (error) {
    fs.rmSync(partial, { force: true });
    throw error instanceof SmctError || errorName(error) === 'AbortError' ? error : explainAwsError(error, 'GetObject', clients.target);
  }
}

async function uploadFile(clients: AwsClients, file: string, bucket: string, key: string, signal?: AbortSignal): Promise<void> {
  const stop = new AbortController();
  const onAbort = (): void => stop.abort(signal?.reason);
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const upload = new Upload({ client: clients.s3, params: { Bucket: bucket, Key: key, Body: fs.createReadStream(file) }, abortController: stop });
    await call(clients, 'PutObject', `s3://${bucket}/${key}`, () => upload.done());
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
}

/** One S3 call; a missing bucket or key, or an object changed meanwhile, said in one line naming the URI. */
async function call<T>(clients: AwsClients, operation: string, uri: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    const name = errorName(error);
    const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
    if (name === 'NoSuchBucket') {
      throw new SmctError(
        'AWS_INVALID',
        `${uri}: the bucket does not exist in this account's view. Point the channel ("inputs" in sagemaker-job.json) at a bucket that exists.`,
      );
    }
    if (name === 'NoSuchKey' || name === 'NotFound' || (operation !== 'ListObjectsV2' && status === 404)) {
      throw new SmctError('AWS_INVALID', `${uri} does not exist. Point the channel ("inputs" in sagemaker-job.json) at an object that exists.`);
    }
    // A HEAD answer has no body: a refusal there is known by its status alone.
    if (status === 403 && !isCredentialsRefusal(name)) {
      const permission = operation === 'ListObjectsV2' ? 's3:ListBucket' : 's3:GetObject';
      throw new SmctError(
        'AWS_ACCESS',
        `Access denied to ${uri}: reading it needs ${permission}. Use a profile that may read it, or point the channel at data you can read.`,
      );
    }
    if (name === 'PreconditionFailed' || status === 412) {
      throw new SmctError('AWS_OTHER', `${uri} changed while it was being read; run again to fetch its new content.`);
    }
    throw explainAwsError(error, operation, clients.target);
  }
}

/** 403s that are about the credentials (expired, refused), which explainAwsError words better. */
function isCredentialsRefusal(name: string): boolean {
  return /token|signature|accesskey|clienttoken/i.test(name);
}
