import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CreateBucketCommand, HeadBucketCommand, HeadObjectCommand, PutObjectCommand, type BucketLocationConstraint } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import type { AwsClients } from './awsClients';
import { AwsCommandError, awsCall, errorName, explainAwsError } from './awsErrors';

/** The bucket the SageMaker SDKs use by default: `sagemaker-<region>-<account>`. */
export function defaultBucketName(region: string, account: string): string {
  return `sagemaker-${region}-${account}`;
}

/** Creates the bucket when it does not exist; a bucket that exists but is not the caller's is an error. */
export async function ensureBucket(clients: AwsClients, bucket: string): Promise<void> {
  const { region } = clients.target;
  try {
    await clients.s3.send(new HeadBucketCommand({ Bucket: bucket }));
    return;
  } catch (error) {
    const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
    if (status === 403) {
      throw new AwsCommandError(
        `The S3 bucket ${bucket} exists but this identity may not use it. Give another output path in sagemaker-job.json ("output": {"path": "s3://…"}).`,
        'access',
      );
    }
    if (status !== 404 && errorName(error) !== 'NotFound') throw explainAwsError(error, 'HeadBucket', clients.target);
  }
  // us-east-1 is the one region that refuses a LocationConstraint naming itself.
  const configuration = region === 'us-east-1' ? undefined : { LocationConstraint: region as BucketLocationConstraint };
  try {
    await clients.s3.send(new CreateBucketCommand({ Bucket: bucket, CreateBucketConfiguration: configuration }));
  } catch (error) {
    if (errorName(error) !== 'BucketAlreadyOwnedByYou') throw explainAwsError(error, 'CreateBucket', clients.target);
  }
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

/**
 * Uploads an input channel's folder under `s3://<bucket>/<prefix>/<channel>/<content hash>/`.
 * The hash covers every file's path and bytes, so an unchanged folder is found by a marker
 * object written after the last file (outside the channel's prefix, so that SageMaker does not
 * download it), and not uploaded again; a half-finished upload has no marker and is redone.
 */
export async function uploadChannel(
  clients: AwsClients,
  channel: string,
  folder: string,
  bucket: string,
  prefix: string,
  onProgress?: (progress: UploadProgress) => void,
  signal?: AbortSignal,
): Promise<ChannelUpload> {
  const files = listFiles(folder, channel);
  const bytes = files.reduce((sum, file) => sum + file.size, 0);
  const hash = await contentHash(files);
  const base = `${prefix.replace(/\/+$/, '')}/${channel}/${hash}`;
  const s3Uri = `s3://${bucket}/${base}/`;
  const marker = `${base}.complete`;
  if (await exists(clients, bucket, marker)) return { s3Uri, uploaded: false, files: files.length, bytes };
  const done = new Map<string, number>();
  const report = (): void => onProgress?.({ channel, bytesDone: [...done.values()].reduce((a, b) => a + b, 0), bytesTotal: bytes });
  report();
  await inBatches(files, 4, async (file) => {
    const upload = new Upload({
      client: clients.s3,
      params: { Bucket: bucket, Key: `${base}/${file.relative}`, Body: fs.createReadStream(file.absolute) },
      queueSize: 2,
    });
    signal?.addEventListener('abort', () => void upload.abort(), { once: true });
    upload.on('httpUploadProgress', (progress) => {
      done.set(file.relative, progress.loaded ?? 0);
      report();
    });
    await awsCall('PutObject', clients.target, () => upload.done());
    done.set(file.relative, file.size);
    report();
  });
  await awsCall('PutObject', clients.target, () =>
    clients.s3.send(new PutObjectCommand({ Bucket: bucket, Key: marker, Body: `${files.length} files, ${bytes} bytes\n` })),
  );
  return { s3Uri, uploaded: true, files: files.length, bytes };
}

function listFiles(folder: string, channel: string): LocalFile[] {
  if (!fs.existsSync(folder) || !fs.statSync(folder).isDirectory()) {
    throw new AwsCommandError(`Input channel "${channel}": ${folder} is not a folder. Fix "inputs" in sagemaker-job.json.`, 'invalid');
  }
  const files = (fs.readdirSync(folder, { recursive: true }) as string[])
    .map((relative) => ({ relative: relative.split(path.sep).join('/'), absolute: path.join(folder, relative) }))
    .filter((file) => fs.statSync(file.absolute).isFile())
    .map((file) => ({ ...file, size: fs.statSync(file.absolute).size }))
    .sort((a, b) => (a.relative < b.relative ? -1 : a.relative > b.relative ? 1 : 0));
  // SageMaker fails a job whose channel has no objects ("No S3 objects found under S3 URL"); say so now.
  if (files.length === 0) {
    throw new AwsCommandError(`Input channel "${channel}": ${folder} is empty; SageMaker fails a job whose channel has no files.`, 'invalid');
  }
  return files;
}

async function contentHash(files: readonly LocalFile[]): Promise<string> {
  const hash = createHash('sha256');
  for (const file of files) {
    hash.update(`${file.relative}\0${file.size}\0`);
    for await (const chunk of fs.createReadStream(file.absolute)) hash.update(chunk as Buffer);
  }
  return hash.digest('hex').slice(0, 16);
}

async function exists(clients: AwsClients, bucket: string, key: string): Promise<boolean> {
  try {
    await clients.s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    return true;
  } catch (error) {
    if (errorName(error) === 'NotFound' || (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404) return false;
    throw explainAwsError(error, 'HeadObject', clients.target);
  }
}

async function inBatches<T>(items: readonly T[], width: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) await work(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, worker));
}
