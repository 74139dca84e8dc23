import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CreateBucketCommand, HeadBucketCommand, HeadObjectCommand, PutObjectCommand, type BucketLocationConstraint } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import type { AwsClients } from './awsClients';
import { awsCall, errorName, explainAwsError } from './awsErrors';
import { SmctError } from '../errors';
import { channelKeyPrefix } from './placement';

/**
 * Creates the bucket when it does not exist. With `owner`, the bucket must be that account's: a
 * bucket of another account (or one that denies access) is an error, never a place for the data.
 */
export async function ensureBucket(clients: AwsClients, bucket: string, owner?: string, signal?: AbortSignal): Promise<void> {
  const { region } = clients.target;
  const elsewhere = (): SmctError =>
    new SmctError(
      'AWS_ACCESS',
      `The S3 bucket ${bucket} exists but is not this account's, or denies it access. Give the job an output path in a bucket of yours ("output": {"path": "s3://<bucket>/<prefix>"} in sagemaker-job.json); the inputs are uploaded there too.`,
    );
  try {
    await clients.s3.send(new HeadBucketCommand({ Bucket: bucket, ExpectedBucketOwner: owner }), { abortSignal: signal });
    return;
  } catch (error) {
    if (httpStatus(error) === 403) throw elsewhere();
    if (httpStatus(error) !== 404 && errorName(error) !== 'NotFound') throw explainAwsError(error, 'HeadBucket', clients.target);
  }
  // us-east-1 is the one region that refuses a LocationConstraint naming itself.
  const configuration = region === 'us-east-1' ? undefined : { LocationConstraint: region as BucketLocationConstraint };
  try {
    await clients.s3.send(new CreateBucketCommand({ Bucket: bucket, CreateBucketConfiguration: configuration }), { abortSignal: signal });
  } catch (error) {
    if (errorName(error) === 'BucketAlreadyExists') throw elsewhere();
    if (errorName(error) !== 'BucketAlreadyOwnedByYou') throw explainAwsError(error, 'CreateBucket', clients.target);
  }
}

function httpStatus(error: unknown): number | undefined {
  return (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
}

export interface UploadProgress {
  readonly channel: string;
  readonly bytesDone: number;
  readonly bytesTotal: number;
}

export interface ChannelUpload {
  readonly s3Uri: string;
  /** False when the same content was uploaded before and is used as it is. */
  readonly uploaded: boolean;
  readonly files: number;
  readonly bytes: number;
}

interface LocalFile {
  readonly relative: string;
  readonly absolute: string;
  readonly size: number;
}

/** Where one channel's folder goes. */
export interface ChannelPlacement {
  readonly channel: string;
  readonly folder: string;
  readonly bucket: string;
  readonly prefix: string;
  /** The account that must own the bucket. */
  readonly owner?: string;
}

const PARALLEL_FILES = 4;

/**
 * Uploads an input channel's folder under `s3://<bucket>/<prefix>/<channel>/<content hash>/`.
 * The hash covers every file's path and bytes, so an unchanged folder is found by a marker
 * object written after the last file (outside the channel's prefix, so that SageMaker does not
 * download it), and not uploaded again; a half-finished upload has no marker and is redone.
 * The first failure or an abort stops every upload in flight.
 */
export async function uploadChannel(
  clients: AwsClients,
  placement: ChannelPlacement,
  onProgress?: (progress: UploadProgress) => void,
  signal?: AbortSignal,
): Promise<ChannelUpload> {
  const { channel, bucket, owner } = placement;
  const files = listFiles(placement.folder, channel);
  const bytes = files.reduce((sum, file) => sum + file.size, 0);
  const hash = await contentHash(files, signal);
  const base = channelKeyPrefix(placement.prefix, channel, hash);
  const s3Uri = `s3://${bucket}/${base}/`;
  const marker = `${base}.complete`;
  if (await exists(clients, bucket, marker, owner, signal)) return { s3Uri, uploaded: false, files: files.length, bytes };
  const done = new Map<string, number>();
  const report = (): void => onProgress?.({ channel, bytesDone: [...done.values()].reduce((a, b) => a + b, 0), bytesTotal: bytes });
  report();
  const stop = new AbortController();
  const onAbort = (): void => stop.abort(signal?.reason);
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    await inParallel(files, PARALLEL_FILES, stop, async (file) => {
      const upload = new Upload({
        client: clients.s3,
        params: { Bucket: bucket, Key: `${base}/${file.relative}`, Body: fs.createReadStream(file.absolute), ExpectedBucketOwner: owner },
        queueSize: 2,
        abortController: stop,
      });
      upload.on('httpUploadProgress', (progress) => {
        done.set(file.relative, progress.loaded ?? 0);
        report();
      });
      await awsCall('PutObject', clients.target, () => upload.done());
      done.set(file.relative, file.size);
      report();
    });
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
  const summary = `${files.length} files, ${bytes} bytes\n`;
  await awsCall('PutObject', clients.target, () =>
    clients.s3.send(new PutObjectCommand({ Bucket: bucket, Key: marker, Body: summary, ExpectedBucketOwner: owner }), { abortSignal: signal }),
  );
  return { s3Uri, uploaded: true, files: files.length, bytes };
}

/** The folder's files, links followed; a broken link or a link back into the folder is an error, not a silent skip or loop. */
function listFiles(folder: string, channel: string): LocalFile[] {
  const problem = (why: string): SmctError => new SmctError('AWS_INVALID', `Input channel "${channel}": ${why}. Fix "inputs" in sagemaker-job.json.`);
  if (!fs.existsSync(folder) || !fs.statSync(folder).isDirectory()) throw problem(`${folder} is not a folder`);
  const files: LocalFile[] = [];
  const walk = (absolute: string, relative: string, ancestors: ReadonlySet<string>): void => {
    const real = fs.realpathSync(absolute);
    if (ancestors.has(real)) throw problem(`${absolute} links back to a folder that holds it`);
    for (const entry of fs.readdirSync(absolute).sort()) {
      const child = path.join(absolute, entry);
      const name = relative ? `${relative}/${entry}` : entry;
      let stat: fs.Stats;
      try {
        stat = fs.statSync(child);
      } catch {
        throw problem(`${child} is a broken link`);
      }
      if (stat.isDirectory()) walk(child, name, new Set([...ancestors, real]));
      else if (stat.isFile()) files.push({ relative: name, absolute: child, size: stat.size });
    }
  };
  walk(folder, '', new Set());
  // SageMaker fails a job whose channel has no objects ("No S3 objects found under S3 URL"); say so now.
  if (files.length === 0) throw problem(`${folder} is empty; SageMaker fails a job whose channel has no files`);
  return files.sort((a, b) => (a.relative < b.relative ? -1 : a.relative > b.relative ? 1 : 0));
}

/** 128 bits of SHA-256 over every path and byte. */
async function contentHash(files: readonly LocalFile[], signal?: AbortSignal): Promise<string> {
  const hash = createHash('sha256');
  for (const file of files) {
    signal?.throwIfAborted();
    hash.update(`${file.relative}\0${file.size}\0`);
    for await (const chunk of fs.createReadStream(file.absolute)) hash.update(chunk as Buffer);
  }
  return hash.digest('hex').slice(0, 32);
}

async function exists(clients: AwsClients, bucket: string, key: string, owner?: string, signal?: AbortSignal): Promise<boolean> {
  try {
    await clients.s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key, ExpectedBucketOwner: owner }), { abortSignal: signal });
    return true;
  } catch (error) {
    if (errorName(error) === 'NotFound' || httpStatus(error) === 404) return false;
    throw explainAwsError(error, 'HeadObject', clients.target);
  }
}

/** Runs `work` on the items, `width` at a time; the first failure aborts `stop` so that the others end too. */
async function inParallel<T>(items: readonly T[], width: number, stop: AbortController, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      stop.signal.throwIfAborted();
      await work(items[next++]);
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(width, items.length) }, worker));
  } catch (error) {
    stop.abort();
    throw error;
  }
}
