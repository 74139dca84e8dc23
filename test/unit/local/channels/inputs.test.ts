import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { isSmctError } from '../../../../core/src/errors';
import type { InputChannel, TrainingJob } from '../../../../core/src/job/trainingJob';
import { cachedFile, downloadBudget, fetchObjects } from '../../../../core/src/local/channels/objectCache';
import { checkpointsFromS3 } from '../../../../core/src/local/checkpointsFromS3';
import { channelViewsFolder, prepareInputs, removeChannelViews } from '../../../../core/src/local/inputs';
import { OWNER_HOST, ownerFileContent, removeDeadRunFolders } from '../../../../core/src/local/leftovers';
import { FakeS3, tempFolder } from './fakeS3';
import { s3Channel } from '../../../helpers/channels';

/** prepareInputs reads only these of a job. */
function jobOf(folder: string, inputs: InputChannel[]): TrainingJob {
  return { file: path.join(folder, 'job.json'), inputs } as unknown as TrainingJob;
}

function twoChannels(): { s3: FakeS3; inputs: InputChannel[] } {
  const s3 = new FakeS3();
  s3.put('b', 'train/a', Buffer.alloc(600));
  s3.put('b', 'test/a', Buffer.alloc(600));
  return { s3, inputs: [s3Channel('s3://b/train/'), s3Channel('s3://b/test/', { name: 'test' })] };
}

test('the download limit is the run’s: two channels under it each but over it together are refused before any download', async (t) => {
  const folder = tempFolder(t);
  const { s3, inputs } = twoChannels();
  const options = { s3: () => s3, cacheDir: path.join(folder, 'cache'), maxDownloadBytes: 1000 };
  await assert.rejects(prepareInputs(jobOf(folder, inputs), ['algo-1'], path.join(folder, 'run'), options), (error: unknown) => {
    assert.ok(isSmctError(error), String(error));
    assert.equal(
      error.message,
      'The local run needs 1.2 KB more from s3://b/train/, s3://b/test/; the limit is 1.0 KB: pass --max-download SIZE or point the channel at a sample.',
    );
    return true;
  });
  assert.deepEqual(s3.downloads, []);
});

test('past the run’s limit the user is asked once, for the run’s total; a cached run is not asked', async (t) => {
  const folder = tempFolder(t);
  const { s3, inputs } = twoChannels();
  const asked: number[] = [];
  const options = {
    s3: () => s3,
    cacheDir: path.join(folder, 'cache'),
    maxDownloadBytes: 1000,
    confirmDownload: async (bytes: number) => (asked.push(bytes), true),
  };
  const prepared = await prepareInputs(jobOf(folder, inputs), ['algo-1'], path.join(folder, 'run-1'), options);
  assert.deepEqual(asked, [1200]);
  assert.equal(prepared.downloads.bytesFetched, 1200);
  await prepareInputs(jobOf(folder, inputs), ['algo-1'], path.join(folder, 'run-2'), options);
  assert.deepEqual(asked, [1200], 'all cached: nothing to ask');
});

test('a budget shared by fetches counts what they fetched together; confirmed once, it is not asked again', async (t) => {
  const cacheDir = tempFolder(t);
  const s3 = new FakeS3();
  s3.put('b', 'one', Buffer.alloc(600));
  s3.put('b', 'two', Buffer.alloc(600));
  s3.put('b', 'three', Buffer.alloc(600));
  const refusing = downloadBudget(1000);
  await fetchObjects([await s3.head('b', 'one')], { reader: s3, cacheDir, budget: refusing, source: 's3://b/one' });
  await assert.rejects(fetchObjects([await s3.head('b', 'two')], { reader: s3, cacheDir, budget: refusing, source: 's3://b/two' }), (error: unknown) => {
    assert.ok(isSmctError(error));
    assert.match(error.message, /^The local run needs 1\.2 KB in all \(600 bytes more from s3:\/\/b\/two\); the limit is 1\.0 KB/);
    return true;
  });
  const asked: number[] = [];
  const confirming = downloadBudget(1000, async (bytes) => (asked.push(bytes), true));
  for (const key of ['one', 'two', 'three']) {
    await fetchObjects([await s3.head('b', key)], { reader: s3, cacheDir: path.join(cacheDir, 'other'), budget: confirming, source: key });
  }
  assert.deepEqual(asked, [1200]);
  assert.equal(confirming.used, 1800);
});

test('channel folders are made in the cache (links to its objects, whatever file system /tmp is on), owned, and removed at the end', async (t) => {
  const folder = tempFolder(t);
  const cacheDir = path.join(folder, 'cache');
  const s3 = new FakeS3();
  s3.put('b', 'd/one.csv', '1');
  s3.put('b', 'd/two.csv', '2');
  const inputs = [s3Channel('s3://b/d/'), s3Channel('s3://b/d/', { name: 'shards', distribution: 'ShardedByS3Key' })];
  const root = path.join(folder, 'smct-job-test-abc123');
  const prepared = await prepareInputs(jobOf(folder, inputs), ['algo-1', 'algo-2'], root, { s3: () => s3, cacheDir });
  const views = channelViewsFolder(root, cacheDir);
  assert.equal(views, path.join(cacheDir, 'runs', 'smct-job-test-abc123'));
  assert.equal(fs.readFileSync(path.join(views, 'owner.pid'), 'utf8'), ownerFileContent());
  const sources = prepared.hosts.map((host) => host.mounts.filter((_, i) => i % 2 === 1).map((mount) => mount.split(':')[0]));
  assert.deepEqual(sources, [
    [path.join(views, 'all', 'train'), path.join(views, 'algo-1', 'shards')],
    [path.join(views, 'all', 'train'), path.join(views, 'algo-2', 'shards')],
  ]);
  const cached = cachedFile(cacheDir, await s3.head('b', 'd/two.csv'));
  assert.equal(fs.statSync(path.join(views, 'algo-2', 'shards', 'two.csv')).ino, fs.statSync(cached).ino, 'a hard link to the cached object');
  removeChannelViews(root, cacheDir);
  assert.equal(fs.existsSync(views), false);
  assert.ok(fs.existsSync(cached), 'the cache stays');
});

test('removeDeadRunFolders: a folder whose owner process is gone is removed; a live one, or one without an owner file, stays', (t) => {
  const parent = tempFolder(t);
  const dead = spawnSync(process.execPath, ['-e', '']).pid as number;
  const make = (name: string, owner?: string): string => {
    const folder = path.join(parent, name);
    fs.mkdirSync(path.join(folder, 'all', 'train'), { recursive: true });
    if (owner !== undefined) fs.writeFileSync(path.join(folder, 'owner.pid'), owner);
    return folder;
  };
  const gone = make('smct-job-gone', `${dead} ${OWNER_HOST}`);
  const live = make('smct-job-live', ownerFileContent());
  const unowned = make('smct-job-unowned');
  removeDeadRunFolders(parent);
  assert.deepEqual(
    [gone, live, unowned].map((folder) => fs.existsSync(folder)),
    [false, true, true],
  );
});

test('the checkpoints’ fetch spends from the run’s budget: what the channels took counts', async (t) => {
  const folder = tempFolder(t);
  const s3 = new FakeS3();
  s3.put('b', 'ck/epoch', Buffer.alloc(600));
  const job = { file: path.join(folder, 'job.json'), checkpoints: { s3Uri: 's3://b/ck/', localPath: '/opt/ml/checkpoints' } } as unknown as TrainingJob;
  const budget = downloadBudget(1000);
  budget.used = 600;
  await assert.rejects(checkpointsFromS3(job, path.join(folder, 'store'), s3, { budget, cacheDir: path.join(folder, 'cache') }), /needs 1\.2 KB in all/);
  assert.deepEqual(s3.downloads, []);
});
