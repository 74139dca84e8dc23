import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test, type TestContext } from 'node:test';
import { CreateBucketCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { AwsClients } from '../../core/src/aws/awsClients';
import { s3Reader } from '../../core/src/aws/s3Reader';
import { isSmctError } from '../../core/src/errors';
import { prepareChannel } from '../../core/src/local/channels/prepareChannel';
import type { ChannelItem } from '../../core/src/local/channels/types';
import { startAwsEmulator, type AwsEmulator } from './emulator';
import { s3Channel } from '../helpers/channels';

// Local channels read from the emulator's S3 through the SDK, as `smct train --local` reads AWS's.
describe('S3 channels for local runs, against the AWS emulator', () => {
  let emulator: AwsEmulator;
  let saved: NodeJS.ProcessEnv;
  let clients: AwsClients;
  let bucket = '';
  let buckets = 0;

  before(async () => {
    emulator = await startAwsEmulator();
    saved = process.env;
    process.env = { ...saved, ...emulator.env, AWS_CONFIG_FILE: '/nonexistent', AWS_SHARED_CREDENTIALS_FILE: '/nonexistent' };
    clients = new AwsClients({ region: emulator.region });
  });

  after(async () => {
    clients.destroy();
    process.env = saved;
    await emulator.close();
  });

  /** A bucket of this test's own, with these objects. */
  async function bucketWith(objects: Record<string, string>): Promise<string> {
    bucket = `smct-channels-${process.pid}-${++buckets}`;
    await clients.s3.send(new CreateBucketCommand({ Bucket: bucket, CreateBucketConfiguration: { LocationConstraint: emulator.region as never } }));
    for (const [key, body] of Object.entries(objects)) await put(key, body);
    return bucket;
  }

  async function put(key: string, body: string): Promise<void> {
    await clients.s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
  }

  function cacheFor(t: TestContext): string {
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'smct-s3-cache-'));
    t.after(() => fs.rmSync(folder, { recursive: true, force: true }));
    return folder;
  }

  /** The keys GetObject was asked for since `from`, in this test's bucket. */
  function fetched(from: number): string[] {
    return emulator.requests
      .slice(from)
      .filter((request) => request.operation === 'GetObject' && (request.input as { Bucket?: string }).Bucket === bucket)
      .map((request) => (request.input as { Key: string }).Key)
      .sort();
  }

  const contents = (items: readonly ChannelItem[]): Array<[string, string]> =>
    items.map((item) =>
      item.kind === 'file'
        ? [item.relative, fs.readFileSync(item.file, 'utf8')]
        : ['<record>', 'data' in item ? item.data.toString() : fs.readFileSync(item.file, 'utf8')],
    );

  test('a prefix twice: the second run transfers nothing; a changed object alone is fetched again', async (t) => {
    await bucketWith({ 'data/train/a.csv': 'a,1\n', 'data/train/sub/b.csv': 'b,2\n', 'data/train/c.csv': 'c,3\n', 'data/other.csv': 'no\n' });
    const cacheDir = cacheFor(t);
    const options = { reader: () => s3Reader(clients), cacheDir };
    let mark = emulator.requests.length;
    const first = await prepareChannel(s3Channel(`s3://${bucket}/data/train/`), 1, options);
    assert.deepEqual(contents(first.shares[0]), [
      ['a.csv', 'a,1\n'],
      ['c.csv', 'c,3\n'],
      ['sub/b.csv', 'b,2\n'],
    ]);
    assert.deepEqual(first.stats, { objectsFetched: 3, bytesFetched: 12, objectsCached: 0, bytesCached: 0 });
    assert.deepEqual(fetched(mark), ['data/train/a.csv', 'data/train/c.csv', 'data/train/sub/b.csv']);
    mark = emulator.requests.length;
    const second = await prepareChannel(s3Channel(`s3://${bucket}/data/train/`), 1, options);
    assert.deepEqual(second.stats, { objectsFetched: 0, bytesFetched: 0, objectsCached: 3, bytesCached: 12 });
    assert.deepEqual(fetched(mark), []);
    await put('data/train/c.csv', 'c,33\n');
    mark = emulator.requests.length;
    const third = await prepareChannel(s3Channel(`s3://${bucket}/data/train/`), 1, options);
    assert.deepEqual(fetched(mark), ['data/train/c.csv']);
    assert.deepEqual(third.stats, { objectsFetched: 1, bytesFetched: 5, objectsCached: 2, bytesCached: 8 });
    assert.deepEqual(contents(third.shares[0])[1], ['c.csv', 'c,33\n']);
    assert.deepEqual(emulator.invalidRequests(), []);
  });

  test('a ManifestFile channel: the manifest’s objects at their relative keys', async (t) => {
    await bucketWith({ 'img/cat/1.jpg': 'cat', 'img/dog/2.jpg': 'dog', 'img/unlisted.jpg': 'no' });
    await put('manifests/train.json', JSON.stringify([{ prefix: `s3://${bucket}/img/` }, 'dog/2.jpg', 'cat/1.jpg']));
    const prepared = await prepareChannel(s3Channel(`s3://${bucket}/manifests/train.json`, { s3DataType: 'ManifestFile' }), 1, {
      reader: () => s3Reader(clients),
      cacheDir: cacheFor(t),
    });
    assert.deepEqual(contents(prepared.shares[0]), [
      ['dog/2.jpg', 'dog'],
      ['cat/1.jpg', 'cat'],
    ]);
  });

  test('ShardedByS3Key across 3 hosts: each object on exactly one host', async (t) => {
    const names = ['k0', 'k1', 'k2', 'k3', 'k4', 'k5', 'k6'];
    await bucketWith(Object.fromEntries(names.map((name) => [`shards/${name}`, name])));
    const prepared = await prepareChannel(s3Channel(`s3://${bucket}/shards/`, { distribution: 'ShardedByS3Key' }), 3, {
      reader: () => s3Reader(clients),
      cacheDir: cacheFor(t),
    });
    const hosts = prepared.shares.map((share) => contents(share).map(([relative]) => relative));
    assert.deepEqual(hosts.flat().sort(), names);
    assert.deepEqual(
      hosts.map((host) => host.length),
      [3, 2, 2],
    );
    assert.deepEqual(prepared.warnings, []);
  });

  test('the reader: missing buckets and keys are one line naming the URI; an object changed since it was listed is refused (If-Match)', async (t) => {
    await bucketWith({ 'x/one': 'first' });
    const reader = s3Reader(clients);
    const oneLine = (pattern: RegExp) => (error: unknown) => {
      assert.ok(isSmctError(error), String(error));
      assert.match(error.message, pattern);
      assert.ok(!error.message.includes('\n'));
      return true;
    };
    await assert.rejects(reader.head(bucket, 'x/missing'), oneLine(new RegExp(`^s3://${bucket}/x/missing does not exist\\. Point the channel`)));
    await assert.rejects(reader.list('no-such-bucket-here', 'x/'), oneLine(/^s3:\/\/no-such-bucket-here\/x\/: the bucket does not exist/));
    await assert.rejects(
      prepareChannel(s3Channel(`s3://${bucket}/nothing/`), 1, { reader: () => reader, cacheDir: cacheFor(t) }),
      oneLine(new RegExp(`^inputs\\.train: no S3 objects under s3://${bucket}/nothing/`)),
    );
    const listed = await reader.head(bucket, 'x/one');
    await put('x/one', 'second');
    const folder = cacheFor(t);
    await assert.rejects(reader.download(listed, path.join(folder, 'one')), oneLine(/x\/one changed while it was being read; run again/));
    assert.deepEqual(fs.readdirSync(folder), [], 'no file, no .partial left');
    const fresh = await reader.head(bucket, 'x/one');
    const seen: number[] = [];
    await reader.download(fresh, path.join(folder, 'one'), { onBytes: (bytes) => seen.push(bytes) });
    assert.equal(fs.readFileSync(path.join(folder, 'one'), 'utf8'), 'second');
    assert.equal(seen.at(-1), 6);
    fs.writeFileSync(path.join(folder, 'up'), 'uploaded');
    await reader.upload(path.join(folder, 'up'), bucket, 'x/up');
    assert.equal((await reader.head(bucket, 'x/up')).size, 8);
  });
});
