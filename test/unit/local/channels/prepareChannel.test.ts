import assert from 'node:assert/strict';
import * as fs from 'node:fs';
// The module object itself (not a namespace copy): what the code under test calls through, so that it can be mocked.
import nodeFs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { isSmctError } from '../../../../core/src/errors';
import type { InputChannel } from '../../../../core/src/job/trainingJob';
import { materializeShare } from '../../../../core/src/local/channels/channelFolder';
import { cachedFile, defaultCacheDir, type CacheProgress } from '../../../../core/src/local/channels/objectCache';
import { prepareChannel } from '../../../../core/src/local/channels/prepareChannel';
import { MAX_MANIFEST_BYTES } from '../../../../core/src/local/channels/channelObjects';
import type { ChannelItem, S3Reader } from '../../../../core/src/local/channels/types';
import { FakeS3, tempFolder } from './fakeS3';
import { s3Channel } from '../../../helpers/channels';

function placed(items: readonly ChannelItem[]): Array<[string, string]> {
  return items.map((item) =>
    item.kind === 'file'
      ? [item.relative, fs.readFileSync(item.file, 'utf8')]
      : ['<record>', 'data' in item ? item.data.toString() : fs.readFileSync(item.file, 'utf8')],
  );
}

function rejectsWith(code: string, message: RegExp) {
  return (error: unknown): boolean => {
    assert.ok(isSmctError(error), String(error));
    assert.equal(error.code, code);
    assert.match(error.message, message);
    assert.ok(!error.message.includes('\n'), 'one line');
    return true;
  };
}

test('S3Prefix: every object under the prefix in key order, at its key less the prefix; folder markers skipped', async (t) => {
  const s3 = new FakeS3();
  s3.put('b', 'data/train/b.csv', 'B');
  s3.put('b', 'data/train/a.csv', 'A');
  s3.put('b', 'data/train/sub/c.csv', 'C');
  s3.put('b', 'data/train/empty/', '');
  s3.put('b', 'data/training/x.csv', 'X');
  s3.put('b', 'data/other.csv', 'no');
  const cacheDir = tempFolder(t);
  const prepared = await prepareChannel(s3Channel('s3://b/data/train'), 1, { reader: () => s3, cacheDir });
  assert.deepEqual(
    placed(prepared.shares[0]),
    [
      ['a.csv', 'A'],
      ['b.csv', 'B'],
      ['sub/c.csv', 'C'],
      ['ing/x.csv', 'X'],
    ],
    'in key order: "data/train/" sorts before "data/training/"',
  );
  assert.deepEqual(prepared.stats, { objectsFetched: 4, bytesFetched: 4, objectsCached: 0, bytesCached: 0 });
  const whole = await prepareChannel(s3Channel('s3://b/data/other.csv'), 1, { reader: () => s3, cacheDir });
  assert.deepEqual(placed(whole.shares[0]), [['other.csv', 'no']], 'a prefix that is a whole key gives the object under its name');
  await assert.rejects(
    prepareChannel(s3Channel('s3://b/nothing/'), 1, { reader: () => s3, cacheDir }),
    rejectsWith('LOCAL_RUN_FAILED', /^inputs\.train: no S3 objects under s3:\/\/b\/nothing\//),
  );
});

test('the cache: a second prepare fetches nothing, a changed object (new ETag) is fetched again, leftovers are ignored', async (t) => {
  const s3 = new FakeS3();
  s3.put('b', 'p/one', 'first');
  s3.put('b', 'p/two', 'second');
  const cacheDir = tempFolder(t);
  const progress: CacheProgress[] = [];
  const options = { reader: () => s3, cacheDir, onProgress: (p: CacheProgress & { channel: string }) => progress.push(p) };
  await prepareChannel(s3Channel('s3://b/p/'), 1, options);
  assert.deepEqual(progress.at(-1), { channel: 'train', objectsDone: 2, objectsTotal: 2, bytesDone: 11, bytesTotal: 11 });
  s3.downloads = [];
  const again = await prepareChannel(s3Channel('s3://b/p/'), 1, options);
  assert.deepEqual(again.stats, { objectsFetched: 0, bytesFetched: 0, objectsCached: 2, bytesCached: 11 });
  assert.deepEqual(s3.downloads, []);
  s3.put('b', 'p/two', 'changed!');
  const changed = await prepareChannel(s3Channel('s3://b/p/'), 1, options);
  assert.deepEqual(s3.downloads, ['p/two']);
  assert.deepEqual(changed.stats, { objectsFetched: 1, bytesFetched: 8, objectsCached: 1, bytesCached: 5 });
  assert.deepEqual(placed(changed.shares[0]), [
    ['one', 'first'],
    ['two', 'changed!'],
  ]);
  // A killed run's leftovers (a temp name, a .partial) never pass for the object.
  s3.put('b', 'p/three', 'third');
  const final = cachedFile(cacheDir, await s3.head('b', 'p/three'));
  fs.writeFileSync(`${final}.1234-abc.tmp`, 'thi');
  fs.writeFileSync(`${final}.1234-abc.tmp.partial`, 'th');
  fs.writeFileSync(`${final}.partial`, 't');
  s3.downloads = [];
  const afterKill = await prepareChannel(s3Channel('s3://b/p/'), 1, options);
  assert.deepEqual(s3.downloads, ['p/three']);
  assert.equal(fs.readFileSync(final, 'utf8'), 'third');
  assert.equal(fs.statSync(final).mode & 0o222, 0, 'cached files are read-only: channel folders hard-link them');
  assert.equal(afterKill.stats.objectsCached, 2);
  // A half file under the final name (written by something else) is not trusted either: its size is wrong.
  fs.rmSync(final);
  fs.writeFileSync(final, 'th');
  s3.downloads = [];
  await prepareChannel(s3Channel('s3://b/p/'), 1, options);
  assert.deepEqual(s3.downloads, ['p/three']);
});

test('maxDownloadBytes: past it, refused in one line naming the source and the flag, or asked through confirm', async (t) => {
  const s3 = new FakeS3();
  s3.put('b', 'big/a', Buffer.alloc(600));
  s3.put('b', 'big/b', Buffer.alloc(600));
  const cacheDir = tempFolder(t);
  await assert.rejects(
    prepareChannel(s3Channel('s3://b/big/'), 1, { reader: () => s3, cacheDir, maxDownloadBytes: 1000 }),
    rejectsWith(
      'LOCAL_RUN_FAILED',
      /^The local run needs 1\.2 KB more from s3:\/\/b\/big\/; the limit is 1\.0 KB: pass --max-download SIZE or point the channel at a sample\.$/,
    ),
  );
  assert.deepEqual(s3.downloads, []);
  const asked: number[] = [];
  await assert.rejects(
    prepareChannel(s3Channel('s3://b/big/'), 1, { reader: () => s3, cacheDir, maxDownloadBytes: 1000, confirm: async (bytes) => (asked.push(bytes), false) }),
    rejectsWith('CANCELLED', /^Not downloading/),
  );
  const yes = await prepareChannel(s3Channel('s3://b/big/'), 1, {
    reader: () => s3,
    cacheDir,
    maxDownloadBytes: 1000,
    confirm: async (bytes) => (asked.push(bytes), true),
  });
  assert.deepEqual(asked, [1200, 1200]);
  assert.equal(yes.stats.bytesFetched, 1200);
  // Only what is still to fetch counts: now cached, the same channel passes under the limit without asking.
  await prepareChannel(s3Channel('s3://b/big/'), 1, { reader: () => s3, cacheDir, maxDownloadBytes: 1000 });
});

test('ManifestFile: the listed objects at their relative keys, in the manifest’s order; a bad manifest is one clear line', async (t) => {
  const s3 = new FakeS3();
  s3.put('b', 'images/cat/1.jpg', 'cat1');
  s3.put('b', 'images/dog/2.jpg', 'dog2');
  s3.put('b', 'images/unlisted.jpg', 'no');
  s3.put('b', 'm/train.manifest', JSON.stringify([{ prefix: 's3://b/images/' }, 'dog/2.jpg', 'cat/1.jpg']));
  const cacheDir = tempFolder(t);
  const channel = s3Channel('s3://b/m/train.manifest', { s3DataType: 'ManifestFile' });
  const progress: Array<CacheProgress & { channel: string }> = [];
  const prepared = await prepareChannel(channel, 1, { reader: () => s3, cacheDir, onProgress: (p) => progress.push(p) });
  // The manifest's own fetch is told apart: a printer that saw "train" at 100% would say nothing of the objects.
  assert.deepEqual(
    [...new Set(progress.map((p) => `${p.channel} ${p.bytesTotal}`))],
    [`train manifest ${(await s3.head('b', 'm/train.manifest')).size}`, 'train 8'],
  );
  assert.deepEqual(placed(prepared.shares[0]), [
    ['dog/2.jpg', 'dog2'],
    ['cat/1.jpg', 'cat1'],
  ]);
  assert.equal(prepared.stats.objectsFetched, 3, 'the manifest is read through the cache too');
  const badAs = async (code: string, body: string, why: RegExp): Promise<void> => {
    s3.put('b', 'm/bad.manifest', body);
    await assert.rejects(
      prepareChannel(s3Channel('s3://b/m/bad.manifest', { s3DataType: 'ManifestFile' }), 1, { reader: () => s3, cacheDir }),
      rejectsWith(code, why),
    );
  };
  const bad = (body: string, why: RegExp): Promise<void> => badAs('LOCAL_RUN_FAILED', body, why);
  await bad('{not json', /^inputs\.train: the manifest s3:\/\/b\/m\/bad\.manifest is not JSON; a manifest is a JSON array: \{"prefix"/);
  await bad('["cat/1.jpg"]', /does not begin with \{"prefix": "s3:\/\/\.\.\."\}/);
  await bad(JSON.stringify([{ prefix: 's3://b/images/' }, 3]), /has entry 1 that is not a key \(3\)/);
  await badAs('AWS_INVALID', JSON.stringify([{ prefix: 's3://b/images/' }, 'missing.jpg']), /^s3:\/\/b\/images\/missing\.jpg does not exist/);
  await assert.rejects(
    prepareChannel({ ...channel, source: { kind: 'local', path: cacheDir } }, 1, { cacheDir }),
    rejectsWith('JOB_FILE_INVALID', /^`inputs\.train\.source` must be the s3:\/\/ URI of the ManifestFile: SageMaker reads manifests from S3\.$/),
  );
});

test('AugmentedManifestFile: each line’s attributes in order become records; -ref attributes are the objects’ bytes', async (t) => {
  const s3 = new FakeS3();
  s3.put('b', 'img/1.jpg', 'JPEG-1');
  s3.put('b', 'img/2.jpg', 'JPEG-2');
  const lines = [
    { 'source-ref': 's3://b/img/1.jpg', 'is-a-cat': 1, other: 'x' },
    { 'source-ref': 's3://b/img/2.jpg', 'is-a-cat': 0 },
  ];
  s3.put('b', 'aug.jsonl', lines.map((line) => JSON.stringify(line)).join('\n') + '\n');
  const cacheDir = tempFolder(t);
  const channel = s3Channel('s3://b/aug.jsonl', { s3DataType: 'AugmentedManifestFile', inputMode: 'Pipe', attributeNames: ['source-ref', 'is-a-cat'] });
  const prepared = await prepareChannel(channel, 1, { reader: () => s3, cacheDir });
  assert.deepEqual(placed(prepared.shares[0]), [
    ['<record>', 'JPEG-1'],
    ['<record>', '{"is-a-cat":1}'],
    ['<record>', 'JPEG-2'],
    ['<record>', '{"is-a-cat":0}'],
  ]);
  const [image] = prepared.shares[0];
  assert.ok(image.kind === 'record' && 'file' in image, 'a -ref record is a file of the cache, not bytes in memory');
  assert.equal(image.file, cachedFile(cacheDir, await s3.head('b', 'img/1.jpg')));
  assert.equal(image.size, 6);
  const sharded = await prepareChannel({ ...channel, distribution: 'ShardedByS3Key' }, 2, { reader: () => s3, cacheDir });
  assert.deepEqual(sharded.shares.map(placed), [
    [
      ['<record>', 'JPEG-1'],
      ['<record>', '{"is-a-cat":1}'],
    ],
    [
      ['<record>', 'JPEG-2'],
      ['<record>', '{"is-a-cat":0}'],
    ],
  ]);
  await assert.rejects(
    prepareChannel({ ...channel, inputMode: 'File' }, 1, { reader: () => s3, cacheDir }),
    rejectsWith('JOB_FILE_INVALID', /^`inputs\.train\.inputMode` must be "Pipe" for an AugmentedManifestFile \(SageMaker refuses it in File mode\)\.$/),
  );
  await assert.rejects(
    prepareChannel({ ...channel, attributeNames: ['source-ref', 'label'] }, 1, { reader: () => s3, cacheDir }),
    rejectsWith('LOCAL_RUN_FAILED', /^inputs\.train: line 1 of s3:\/\/b\/aug\.jsonl has no attribute "label"/),
  );
});

test('a manifest or augmented manifest over MAX_MANIFEST_BYTES is refused in one line before it is read', async (t) => {
  // Only its size is looked at: a reader that says the manifest is that large and downloads nothing.
  const s3 = new FakeS3();
  s3.put('b', 'huge.manifest', '[]');
  const reader: S3Reader = Object.assign(Object.create(s3) as FakeS3, {
    head: async (bucket: string, key: string) => ({ ...(await s3.head(bucket, key)), size: MAX_MANIFEST_BYTES + 1 }),
  });
  const cacheDir = tempFolder(t);
  for (const s3DataType of ['ManifestFile', 'AugmentedManifestFile'] as const) {
    const channel = s3Channel('s3://b/huge.manifest', { s3DataType, inputMode: 'Pipe', attributeNames: ['source-ref'] });
    await assert.rejects(
      prepareChannel(channel, 1, { reader: () => reader, cacheDir }),
      rejectsWith(
        'LOCAL_RUN_FAILED',
        /^inputs\.train: the manifest s3:\/\/b\/huge\.manifest is larger than the 100 MB a local run reads \(100000001 bytes\); point the channel at a shorter manifest/,
      ),
    );
  }
  assert.deepEqual(s3.downloads, []);
});

test('ShardedByS3Key across 3 hosts: each object on exactly one host; more hosts than objects is a warning', async (t) => {
  const s3 = new FakeS3();
  for (const name of ['a', 'b', 'c', 'd', 'e']) s3.put('b', `s/${name}`, name);
  const cacheDir = tempFolder(t);
  const sharded = await prepareChannel(s3Channel('s3://b/s/', { distribution: 'ShardedByS3Key' }), 3, { reader: () => s3, cacheDir });
  assert.deepEqual(
    sharded.shares.map((share) => placed(share).map(([relative]) => relative)),
    [['a', 'b'], ['c', 'd'], ['e']],
  );
  assert.deepEqual(sharded.warnings, []);
  const replicated = await prepareChannel(s3Channel('s3://b/s/'), 3, { reader: () => s3, cacheDir });
  assert.ok(replicated.shares.every((share) => share.length === 5));
  const many = await prepareChannel(s3Channel('s3://b/s/', { distribution: 'ShardedByS3Key' }), 7, { reader: () => s3, cacheDir });
  assert.deepEqual(many.warnings, ['Channel "train" is ShardedByS3Key with 5 objects for 7 hosts: 2 hosts get no data, as on SageMaker.']);
  assert.deepEqual(
    many.shares.map((share) => share.length),
    [1, 1, 1, 1, 1, 0, 0],
  );
});

test('a local folder: its regular files in sorted order, links out of it left out, sharded like keys', async (t) => {
  const root = tempFolder(t);
  const folder = path.join(root, 'data');
  fs.mkdirSync(path.join(folder, 'sub'), { recursive: true });
  fs.writeFileSync(path.join(folder, 'b.csv'), 'B');
  fs.writeFileSync(path.join(folder, 'a.csv'), 'A');
  fs.writeFileSync(path.join(folder, 'sub', 'c.csv'), 'C');
  fs.writeFileSync(path.join(root, 'secret'), 'outside');
  fs.symlinkSync(path.join(root, 'secret'), path.join(folder, 'z-out'));
  fs.symlinkSync(path.join(folder, 'a.csv'), path.join(folder, 'y-in'));
  const channel: InputChannel = { ...s3Channel(''), source: { kind: 'local', path: folder }, distribution: 'ShardedByS3Key' };
  const prepared = await prepareChannel(channel, 2, { cacheDir: root });
  assert.deepEqual(prepared.shares.map(placed), [
    [
      ['a.csv', 'A'],
      ['b.csv', 'B'],
    ],
    [
      ['sub/c.csv', 'C'],
      ['y-in', 'A'],
    ],
  ]);
  // A link inside the folder is its target: placed in a channel folder, it is a file, not a link the container cannot follow.
  const link = prepared.shares[1][1];
  assert.ok(link.kind === 'file');
  assert.equal(link.file, fs.realpathSync(path.join(folder, 'a.csv')));
  const view = path.join(root, 'view');
  materializeShare(prepared.shares[1], view);
  assert.ok(fs.lstatSync(path.join(view, 'y-in')).isFile(), 'a file in the channel folder, not a symlink');
  assert.deepEqual(prepared.stats, { objectsFetched: 0, bytesFetched: 0, objectsCached: 0, bytesCached: 0 });
  await assert.rejects(
    prepareChannel({ ...channel, source: { kind: 'local', path: path.join(root, 'nope') } }, 1, { cacheDir: root }),
    rejectsWith('LOCAL_RUN_FAILED', /is not a folder/),
  );
});

test('materializeShare: hard links at the relative paths; a path leaving the folder is refused', async (t) => {
  const root = tempFolder(t);
  const source = path.join(root, 'cached');
  fs.writeFileSync(source, 'bytes');
  const folder = path.join(root, 'host1', 'train');
  materializeShare([{ kind: 'file', relative: 'deep/er/file.csv', file: source, size: 5 }], folder);
  const placedFile = path.join(folder, 'deep', 'er', 'file.csv');
  assert.equal(fs.readFileSync(placedFile, 'utf8'), 'bytes');
  assert.equal(fs.statSync(placedFile).ino, fs.statSync(source).ino, 'a hard link, not a copy');
  for (const relative of ['../escape', 'a/../../escape', '/etc/passwd']) {
    assert.throws(
      () => materializeShare([{ kind: 'file', relative, file: source, size: 5 }], folder),
      rejectsWith('LOCAL_RUN_FAILED', /would be placed outside/),
      relative,
    );
  }
  assert.ok(!fs.existsSync(path.join(root, 'host1', 'escape')));
});

test('materializeShare: keys that need one path as a file and a folder are refused in one line naming both, in either order', async (t) => {
  const root = tempFolder(t);
  const source = path.join(root, 'cached');
  fs.writeFileSync(source, 'bytes');
  const item = (relative: string): ChannelItem => ({ kind: 'file', relative, file: source, size: 5, origin: `s3://b/d/${relative}` });
  const message =
    /^The channel's s3:\/\/b\/d\/a\/b and s3:\/\/b\/d\/a\/b\/c clash: "a\/b" would be both a file and a folder in the channel; remove or rename one of them\.$/;
  assert.throws(() => materializeShare([item('a/b'), item('a/b/c')], path.join(root, 'one')), rejectsWith('LOCAL_RUN_FAILED', message));
  assert.throws(() => materializeShare([item('a/b/c'), item('a/b')], path.join(root, 'two')), rejectsWith('LOCAL_RUN_FAILED', message));
  const s3 = new FakeS3();
  s3.put('b', 'd/a/b', 'file');
  s3.put('b', 'd/a/b/c', 'under it');
  const prepared = await prepareChannel(s3Channel('s3://b/d/'), 1, { reader: () => s3, cacheDir: path.join(root, 'cache') });
  assert.throws(() => materializeShare(prepared.shares[0], path.join(root, 'three')), rejectsWith('LOCAL_RUN_FAILED', message));
});

test('materializeShare: a hard link refused (EXDEV, EPERM of protected_hardlinks, EACCES) falls back to a copy; other errors are thrown', (t) => {
  const root = tempFolder(t);
  const source = path.join(root, 'cached');
  fs.writeFileSync(source, 'bytes');
  for (const code of ['EXDEV', 'EPERM', 'EACCES']) {
    const link = t.mock.method(nodeFs, 'linkSync', () => {
      throw Object.assign(new Error(code), { code });
    });
    const folder = path.join(root, code);
    materializeShare([{ kind: 'file', relative: 'f.csv', file: source, size: 5 }], folder);
    link.mock.restore();
    assert.equal(fs.readFileSync(path.join(folder, 'f.csv'), 'utf8'), 'bytes', code);
    assert.notEqual(fs.statSync(path.join(folder, 'f.csv')).ino, fs.statSync(source).ino, `${code}: a copy`);
  }
  const link = t.mock.method(nodeFs, 'linkSync', () => {
    throw Object.assign(new Error('ENOSPC'), { code: 'ENOSPC' });
  });
  assert.throws(() => materializeShare([{ kind: 'file', relative: 'f.csv', file: source, size: 5 }], path.join(root, 'full')), /ENOSPC/);
  link.mock.restore();
});

test('the cache folder: SMCT_CACHE_DIR, else XDG_CACHE_HOME/smct/s3, else the platform’s cache folder', () => {
  assert.equal(defaultCacheDir({ SMCT_CACHE_DIR: '/c', XDG_CACHE_HOME: '/x' }, 'linux', '/home/u'), '/c');
  assert.equal(defaultCacheDir({ XDG_CACHE_HOME: '/x' }, 'linux', '/home/u'), '/x/smct/s3');
  assert.equal(defaultCacheDir({}, 'linux', '/home/u'), '/home/u/.cache/smct/s3');
  assert.equal(defaultCacheDir({}, 'darwin', '/Users/u'), '/Users/u/Library/Caches/smct/s3');
});

test('two runs at once fetch into names of their own and both end with whole files; an aborted run fetches nothing', async (t) => {
  const s3 = new FakeS3();
  for (const name of ['a', 'b', 'c', 'd', 'e', 'f']) s3.put('b', `p/${name}`, name.repeat(100));
  const cacheDir = tempFolder(t);
  const runs = await Promise.all([1, 2].map(() => prepareChannel(s3Channel('s3://b/p/'), 1, { reader: () => s3, cacheDir })));
  for (const run of runs) {
    assert.deepEqual(
      placed(run.shares[0]).map(([, body]) => body.length),
      [100, 100, 100, 100, 100, 100],
    );
  }
  assert.deepEqual(
    fs.readdirSync(path.join(cacheDir, 'objects')).filter((name) => name.includes('.')),
    [],
    'no temp file left',
  );
  const stop = new AbortController();
  stop.abort();
  s3.downloads = [];
  await assert.rejects(prepareChannel(s3Channel('s3://b/p/'), 1, { reader: () => s3, cacheDir: tempFolder(t), signal: stop.signal }), { name: 'AbortError' });
  assert.deepEqual(s3.downloads, []);
});
