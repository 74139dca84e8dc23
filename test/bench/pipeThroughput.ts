// Pipe-mode throughput: 200 MB (20 files of 10 MB) read through the channel's FIFO, <channel>_0, against
// the same files read one after the other from their folder, as a File-mode program would. Both readers
// run in this process (no container: it measures the feeder, not Docker's bind mount), with the same
// 1 MiB read size, the files in the page cache; medians of alternated samples after a warm-up.
// Run alone after a build: node out/test/bench/pipeThroughput.js
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startPipeChannel } from '../../core/src/local/channels/pipeChannel';
import type { ChannelItem } from '../../core/src/local/channels/types';
import { median } from './stats';

const FILES = 20;
const FILE_MB = 10;
const SAMPLES = 5;
const WARMUP = 1;
const READ_CHUNK = 1 << 20;

/** Reads a file or FIFO to its end; returns the bytes read. */
async function drain(file: string): Promise<number> {
  let bytes = 0;
  for await (const chunk of fs.createReadStream(file, { highWaterMark: READ_CHUNK }) as AsyncIterable<Buffer>) bytes += chunk.length;
  return bytes;
}

async function timed(run: () => Promise<number>, expected: number): Promise<number> {
  const start = process.hrtime.bigint();
  const bytes = await run();
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (bytes !== expected) throw new Error(`read ${bytes} bytes, not ${expected}`);
  return bytes / (1 << 20) / seconds;
}

/** One epoch through a fresh channel: from the reader's first open to EOF. */
async function throughPipe(root: string, items: readonly ChannelItem[], sample: number): Promise<number> {
  const folder = fs.mkdtempSync(path.join(root, `pipe-${sample}-`));
  let fifoReady: (fifo: string) => void = () => undefined;
  const ready = new Promise<string>((resolve) => (fifoReady = resolve));
  const pipe = startPipeChannel({ folder, channel: 'train', items, recordWrapper: 'None', onEpoch: (epoch, fifo) => epoch === 0 && fifoReady(fifo) });
  try {
    // pipe.done settles first only when the feeder failed: its error, rather than a wait for ever.
    const fifo = await Promise.race([ready, pipe.done.then(() => ready)]);
    return await drain(fifo);
  } finally {
    await pipe.stop();
  }
}

async function fromFolder(items: readonly ChannelItem[]): Promise<number> {
  let bytes = 0;
  for (const item of items) if (item.kind === 'file') bytes += await drain(item.file);
  return bytes;
}

/** MB/s (MiB) read through the FIFO and from the folder, medians. */
export async function pipeThroughput(): Promise<{ pipeMBps: number; folderMBps: number }> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'smct-bench-pipe-'));
  try {
    const share = path.join(root, 'share');
    fs.mkdirSync(share);
    const content = Buffer.alloc(FILE_MB << 20, 0x61);
    const items: ChannelItem[] = Array.from({ length: FILES }, (_, i) => {
      const relative = `part-${String(i).padStart(3, '0')}.bin`;
      const file = path.join(share, relative);
      fs.writeFileSync(file, content);
      return { kind: 'file', relative, file, size: content.length };
    });
    const total = FILES * content.length;
    const pipeRates: number[] = [];
    const folderRates: number[] = [];
    for (let i = 0; i < WARMUP + SAMPLES; i++) {
      const runs = [
        async () => pipeRates.push(await timed(() => throughPipe(root, items, i), total)),
        async () => folderRates.push(await timed(() => fromFolder(items), total)),
      ];
      // The order alternates, so drift and garbage collection land on both.
      for (const run of i % 2 ? runs.reverse() : runs) await run();
      if (i < WARMUP) {
        pipeRates.pop();
        folderRates.pop();
      }
    }
    return { pipeMBps: median(pipeRates), folderMBps: median(folderRates) };
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

if (require.main === module) {
  pipeThroughput().then(
    ({ pipeMBps, folderMBps }) => console.log(`${FILES * FILE_MB} MB: FIFO ${pipeMBps.toFixed(0)} MB/s, folder ${folderMBps.toFixed(0)} MB/s`),
    (error: unknown) => {
      console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
      process.exit(1);
    },
  );
}
