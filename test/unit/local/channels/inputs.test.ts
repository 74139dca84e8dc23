import assert from 'node:assert/strict';
import * as path from 'node:path';
import { test } from 'node:test';
import { isSmctError } from '../../../../core/src/errors';
import type { InputChannel, TrainingJob } from '../../../../core/src/job/trainingJob';
import { downloadBudget, fetchObjects } from '../../../../core/src/local/channels/objectCache';
import { prepareInputs } from '../../../../core/src/local/inputs';
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
