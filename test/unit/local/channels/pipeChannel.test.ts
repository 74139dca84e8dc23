import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { isSmctError } from '../../../../core/src/errors';
import { startPipeChannel, type PipeChannel, type PipeChannelOptions } from '../../../../core/src/local/channels/pipeChannel';
import { recordIOEncode } from '../../../../core/src/local/channels/recordIO';
import type { ChannelItem } from '../../../../core/src/local/channels/types';

// A hang is the failure these tests look for: each one ends with a failure instead of waiting forever.
const TIMEOUT = { timeout: 20_000 };

function tempFolder(): string {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'smct-pipe-test-'));
  process.on('exit', () => fs.rmSync(folder, { recursive: true, force: true }));
  return folder;
}

function fileItem(folder: string, relative: string, content: Buffer): ChannelItem {
  const file = path.join(folder, 'share', relative);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, content);
  return { kind: 'file', relative, file, size: content.length };
}

/** A record of an augmented manifest whose bytes are a file (a "-ref" object in the cache). */
function recordFile(folder: string, name: string, content: Buffer): ChannelItem {
  const file = path.join(folder, 'cache', name);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, content);
  return { kind: 'record', file, size: content.length };
}

/** Starts a channel and tells when each epoch's FIFO is ready. */
function start(options: Omit<PipeChannelOptions, 'onEpoch'>): { pipe: PipeChannel; ready: (epoch: number) => Promise<string> } {
  const waiting = new Map<number, (fifo: string) => void>();
  const made = new Map<number, string>();
  const pipe = startPipeChannel({
    ...options,
    onEpoch: (epoch, fifo) => {
      made.set(epoch, fifo);
      waiting.get(epoch)?.(fifo);
    },
  });
  const ready = (epoch: number): Promise<string> => {
    const fifo = made.get(epoch);
    return fifo !== undefined ? Promise.resolve(fifo) : new Promise((resolve) => waiting.set(epoch, resolve));
  };
  return { pipe, ready };
}

/** Reads a FIFO to EOF in this process, as the training program would. */
async function readAll(fifo: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of fs.createReadStream(fifo) as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks);
}

/** The descriptors of this process open for writing on `fifo` (Linux /proc): none once the channel is stopped. */
function writersOf(fifo: string): number[] {
  return fs.readdirSync('/proc/self/fd').flatMap((name) => {
    try {
      if (fs.readlinkSync(`/proc/self/fd/${name}`) !== fifo) return [];
      const flags = /^flags:\s+(\d+)$/m.exec(fs.readFileSync(`/proc/self/fdinfo/${name}`, 'utf8'));
      return flags && (parseInt(flags[1], 8) & 3) === fs.constants.O_WRONLY ? [Number(name)] : [];
    } catch {
      return []; // closed meanwhile
    }
  });
}

test('each epoch is a new FIFO <channel>_<n> carrying every item in order: files (streamed) and records', TIMEOUT, async () => {
  const folder = tempFolder();
  const big = randomBytes(300_000); // larger than a pipe's buffer: the writer must wait for the reader
  const items = [
    fileItem(folder, 'a.csv', Buffer.from('alpha\n')),
    { kind: 'record', data: Buffer.from('record\n') } as const,
    fileItem(folder, 'sub/b.bin', big),
    recordFile(folder, 'ref', Buffer.from('a record streamed from its file\n')),
  ];
  const expected = Buffer.concat([Buffer.from('alpha\nrecord\n'), big, Buffer.from('a record streamed from its file\n')]);
  const { pipe, ready } = start({ folder, channel: 'train', items, recordWrapper: 'None' });
  try {
    const first = await ready(0);
    assert.equal(first, path.join(folder, 'train_0'));
    assert.ok(fs.statSync(first).isFIFO());
    assert.equal(fs.existsSync(path.join(folder, 'train_1')), false, 'the next epoch comes when this one ends');
    assert.ok((await readAll(first)).equals(expected), 'epoch 0');
    assert.ok((await readAll(await ready(1))).equals(expected), 'epoch 1: the whole share again');
    assert.equal(pipe.epochs, 2);
    assert.ok(fs.statSync(await ready(2)).isFIFO(), 'the feeding goes on while the job runs');
  } finally {
    await pipe.stop();
  }
  await pipe.done;
  assert.equal(pipe.epochs, 2);
});

test('RecordIO: each object and each record is wrapped in its own RecordIO record, empty files included', TIMEOUT, async () => {
  const folder = tempFolder();
  const items = [
    fileItem(folder, 'one', Buffer.from('hello')),
    fileItem(folder, 'empty', Buffer.alloc(0)),
    { kind: 'record', data: Buffer.from('abcd') } as const,
    recordFile(folder, 'ref-1', Buffer.from('from the cache')),
  ];
  const { pipe, ready } = start({ folder, channel: 'train', items, recordWrapper: 'RecordIO' });
  try {
    const expected = Buffer.concat([
      ...[recordIOEncode(Buffer.from('hello')), recordIOEncode(Buffer.alloc(0)), recordIOEncode(Buffer.from('abcd'))],
      recordIOEncode(Buffer.from('from the cache')),
    ]);
    assert.ok((await readAll(await ready(0))).equals(expected));
  } finally {
    await pipe.stop();
  }
});

test('stop() with a reader that never came: resolves, no writer left open, no epoch counted', TIMEOUT, async () => {
  const folder = tempFolder();
  const { pipe, ready } = start({ folder, channel: 'train', items: [fileItem(folder, 'a', Buffer.from('a'))], recordWrapper: 'None' });
  const fifo = await ready(0);
  await pipe.stop();
  await pipe.done;
  assert.equal(pipe.epochs, 0);
  assert.deepEqual(writersOf(fifo), []);
});

test('stop() with a reader that stopped reading mid-stream (the writer waits on a full pipe): resolves and closes the writer', TIMEOUT, async () => {
  const folder = tempFolder();
  const content = randomBytes(4 << 20);
  const { pipe, ready } = start({ folder, channel: 'train', items: [fileItem(folder, 'big', content)], recordWrapper: 'None' });
  const fifo = await ready(0);
  const reader = fs.createReadStream(fifo, { highWaterMark: 1024 });
  try {
    const first = await new Promise<Buffer>((resolve) => reader.once('data', (chunk) => resolve(chunk as Buffer)));
    reader.pause();
    assert.ok(first.equals(content.subarray(0, first.length)));
    assert.equal(writersOf(fifo).length, 1, 'the writer is open, waiting for the pipe to drain');
    await pipe.stop();
    assert.deepEqual(writersOf(fifo), []);
    assert.equal(pipe.epochs, 0);
  } finally {
    reader.destroy();
  }
});

test('a reader that closes its end early ends the epoch; the next FIFO still comes, with the whole share', TIMEOUT, async () => {
  const folder = tempFolder();
  const content = randomBytes(2 << 20);
  const { pipe, ready } = start({ folder, channel: 'train', items: [fileItem(folder, 'big', content)], recordWrapper: 'None' });
  try {
    const reader = fs.createReadStream(await ready(0), { highWaterMark: 1024 });
    await new Promise((resolve) => reader.once('data', resolve));
    reader.destroy();
    assert.ok((await readAll(await ready(1))).equals(content));
    assert.ok(pipe.epochs >= 1);
  } finally {
    await pipe.stop();
  }
});

test('aborting the signal ends feeding as stop() does; done resolves', TIMEOUT, async () => {
  const folder = tempFolder();
  const controller = new AbortController();
  const { pipe, ready } = start({ folder, channel: 'train', items: [], recordWrapper: 'None', signal: controller.signal });
  assert.equal((await readAll(await ready(0))).length, 0, 'no items: an empty epoch, EOF at once');
  await ready(1);
  controller.abort();
  await pipe.done;
  assert.equal(pipe.epochs, 1);
});

test('a file that cannot be read fails the channel with a message naming it; stop() still resolves', TIMEOUT, async () => {
  const folder = tempFolder();
  const missing: ChannelItem = { kind: 'file', relative: 'gone.csv', file: path.join(folder, 'gone.csv'), size: 3 };
  const { pipe, ready } = start({ folder, channel: 'train', items: [missing], recordWrapper: 'None' });
  const reading = readAll(await ready(0));
  await assert.rejects(pipe.done, (error) => isSmctError(error, 'LOCAL_RUN_FAILED') && error.message.includes('gone.csv'));
  assert.equal((await reading).length, 0);
  await pipe.stop();
});

test('a FIFO removed before its reader came (the folder cleaned too early) fails the channel, naming the FIFO', TIMEOUT, async () => {
  const folder = tempFolder();
  const { pipe, ready } = start({ folder, channel: 'train', items: [], recordWrapper: 'None' });
  const fifo = await ready(0);
  fs.rmSync(fifo);
  await assert.rejects(pipe.done, (error) => isSmctError(error, 'LOCAL_RUN_FAILED') && error.message.includes(fifo));
  await pipe.stop();
});

test('RecordIO refuses, before any FIFO, an object too large for one record (2^29 bytes or more)', () => {
  const folder = tempFolder();
  const huge: ChannelItem = { kind: 'file', relative: 'huge.bin', file: path.join(folder, 'huge.bin'), size: 2 ** 29 };
  assert.throws(
    () => startPipeChannel({ folder, channel: 'train', items: [huge], recordWrapper: 'RecordIO' }),
    (error) => isSmctError(error, 'LOCAL_RUN_FAILED') && error.message.includes('huge.bin'),
  );
  assert.deepEqual(fs.readdirSync(folder), []);
});
