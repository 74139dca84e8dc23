import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SmctError } from '../../../../core/src/errors';
import type { S3Object, S3Reader } from '../../../../core/src/local/channels/types';

/** An S3 in memory that counts what is downloaded; ETags are MD5s in quotes, as S3 gives single-part ones. */
export class FakeS3 implements S3Reader {
  readonly objects = new Map<string, Buffer>();
  downloads: string[] = [];

  put(bucket: string, key: string, body: string | Buffer): void {
    this.objects.set(`${bucket}/${key}`, Buffer.from(body));
  }

  private object(bucket: string, key: string): S3Object | undefined {
    const bytes = this.objects.get(`${bucket}/${key}`);
    return bytes && { bucket, key, size: bytes.length, etag: `"${createHash('md5').update(bytes).digest('hex')}"` };
  }

  async list(bucket: string, prefix: string): Promise<S3Object[]> {
    return [...this.objects.keys()]
      .filter((name) => name.startsWith(`${bucket}/${prefix}`))
      .map((name) => this.object(bucket, name.slice(bucket.length + 1)) as S3Object)
      .sort((a, b) => (a.key < b.key ? -1 : 1));
  }

  async head(bucket: string, key: string): Promise<S3Object> {
    const found = this.object(bucket, key);
    if (!found) throw new SmctError('AWS_INVALID', `s3://${bucket}/${key} does not exist.`);
    return found;
  }

  async download(object: S3Object, file: string, options?: { onBytes?: (bytes: number) => void }): Promise<void> {
    const now = this.object(object.bucket, object.key);
    if (now?.etag !== object.etag) throw new SmctError('AWS_OTHER', `s3://${object.bucket}/${object.key} changed.`);
    this.downloads.push(object.key);
    fs.writeFileSync(file, this.objects.get(`${object.bucket}/${object.key}`) as Buffer, { flag: 'wx' });
    options?.onBytes?.(object.size);
  }

  async upload(file: string, bucket: string, key: string): Promise<void> {
    this.put(bucket, key, fs.readFileSync(file));
  }
}

/** A temporary folder for one test, removed by the caller's cleanup. */
export function tempFolder(t: { after(fn: () => void): void }): string {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'smct-channels-'));
  t.after(() => fs.rmSync(folder, { recursive: true, force: true }));
  return folder;
}
