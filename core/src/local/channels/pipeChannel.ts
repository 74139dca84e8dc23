// Pipe input mode for local runs, as SageMaker gives it to the container: no folder
// /opt/ml/input/data/<channel>, but one FIFO per epoch, <channel>_0, <channel>_1, ... The program reads
// <channel>_0 to its end and closes it, then opens <channel>_1, and so on; "If the file for a given
// epoch doesn't exist yet, your code may need to retry".
// Source: https://docs.aws.amazon.com/sagemaker/latest/dg/your-algorithms-training-algo-running-container.html
// Each epoch carries the channel's whole share again, its objects (or augmented-manifest records) in
// order, concatenated; with RecordWrapperType RecordIO each one is wrapped in a RecordIO record.
//
// The FIFOs live in a folder of this machine that the runner bind-mounts at /opt/ml/input/data: this
// works with a Linux Docker engine, which shares the host's kernel. Docker Desktop (macOS, Windows)
// runs the engine in a VM and shares files through a network file system that cannot carry a FIFO
// across (the two ends are in different kernels): Pipe mode cannot run locally there.
//
// Nothing here blocks a libuv threadpool thread: opening a FIFO for writing blocks until a reader
// comes, so it is opened O_NONBLOCK (ENXIO while no reader has it open) and tried again on a short
// interval; the open FIFO is written through a non-blocking net.Socket (epoll, no thread), with
// backpressure, so memory stays bounded by one read chunk and the socket's buffer.
import { execFile } from 'node:child_process';
import { once } from 'node:events';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { finished } from 'node:stream/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { SmctError } from '../../errors';
import { RECORDIO_MAX_LENGTH, recordIOHeader, recordIOPadding } from './recordIO';
import { itemSize, type ChannelItem } from './types';

export interface PipeChannelOptions {
  /** The host folder the runner bind-mounts at /opt/ml/input/data; the FIFOs are made in it. */
  readonly folder: string;
  readonly channel: string;
  /** The channel's share for this host, in the order SageMaker streams it. */
  readonly items: readonly ChannelItem[];
  readonly recordWrapper: 'None' | 'RecordIO';
  /** Aborting it ends feeding, as stop() does. */
  readonly signal?: AbortSignal;
  /** Told when the FIFO of an epoch exists and waits for its reader (epoch 0 first). */
  readonly onEpoch?: (epoch: number, fifo: string) => void;
  /** How long to wait between two tries to open a FIFO no reader has opened yet; 20 ms unless told. */
  readonly pollMs?: number;
}

export interface PipeChannel {
  /** Epochs fed to their end: the reader saw EOF, or closed its end early. */
  readonly epochs: number;
  /** Settles when feeding ends: resolves on stop() or abort, rejects when feeding failed (a file unreadable, no mkfifo). */
  readonly done: Promise<void>;
  /** Ends feeding at once (the job is over, its container gone) and resolves once the FIFO is closed; never rejects. */
  stop(): Promise<void>;
}

const DEFAULT_POLL_MS = 20;
/** Read chunks of files: large enough for throughput, small enough to bound memory per channel. */
const READ_CHUNK = 1 << 20;
/** Read for everyone: the container's user is often not this machine's. */
const FIFO_MODE = '644';

const execFileAsync = promisify(execFile);
const openAsync = promisify(fs.open);

/** Starts feeding a Pipe-mode channel: <channel>_0 is made at once, the next one when an epoch ends. */
export function startPipeChannel(options: PipeChannelOptions): PipeChannel {
  if (options.recordWrapper === 'RecordIO') checkRecordSizes(options.channel, options.items);
  const stopper = new AbortController();
  const signal = options.signal ? AbortSignal.any([options.signal, stopper.signal]) : stopper.signal;
  let epochs = 0;
  const done = (async () => {
    for (let epoch = 0; !signal.aborted; epoch++) {
      const fed = await feedEpoch(options, epoch, signal);
      if (fed) epochs++;
    }
  })();
  // done may have no listener (a caller that only stops): its failure must not end the process.
  done.catch(() => undefined);
  return {
    get epochs() {
      return epochs;
    },
    done,
    async stop() {
      stopper.abort();
      await done.catch(() => undefined);
    },
  };
}

/** One epoch: makes its FIFO, waits for a reader, writes the items and closes. False when stopped first. */
async function feedEpoch(options: PipeChannelOptions, epoch: number, signal: AbortSignal): Promise<boolean> {
  const fifo = path.join(options.folder, `${options.channel}_${epoch}`);
  try {
    await makeFifo(fifo, signal);
    options.onEpoch?.(epoch, fifo);
    const fd = await openWhenRead(fifo, options.pollMs ?? DEFAULT_POLL_MS, signal);
    const socket = new net.Socket({ fd, readable: false, writable: true });
    // Its errors are read where it is written; this listener keeps one that comes between writes from being thrown.
    socket.on('error', () => undefined);
    const destroy = (): void => void socket.destroy();
    signal.addEventListener('abort', destroy, { once: true });
    try {
      for (const item of options.items) await writeItem(socket, item, options, signal);
      socket.end();
      // finished() also rejects when the socket failed before (the reader left while the last item was read).
      await finished(socket, { readable: false, signal });
    } finally {
      signal.removeEventListener('abort', destroy);
      // Closes the write end: the reader sees EOF once it has read what the pipe holds.
      socket.destroy();
    }
    return true;
  } catch (error) {
    if (signal.aborted) return false;
    // The reader closed its end before the epoch's end: that ends the epoch, as it does on SageMaker.
    if (isReaderGone(error)) return true;
    throw error;
  }
}

function isReaderGone(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code === 'EPIPE' || code === 'ECONNRESET';
}

async function makeFifo(fifo: string, signal: AbortSignal): Promise<void> {
  try {
    // Node has no mkfifo; the command, with an argument array (no shell).
    await execFileAsync('mkfifo', ['-m', FIFO_MODE, fifo], { signal });
  } catch (error) {
    if (signal.aborted) throw error;
    const reason =
      (error as NodeJS.ErrnoException).code === 'ENOENT'
        ? 'the mkfifo command is not installed'
        : String((error as { stderr?: string }).stderr ?? error).trim();
    throw new SmctError('LOCAL_RUN_FAILED', `Pipe mode: could not make the FIFO ${fifo}: ${reason}. Run the job in File mode, or install coreutils.`);
  }
}

/** Opens the FIFO for writing once a reader has it open: O_NONBLOCK fails with ENXIO until then. */
async function openWhenRead(fifo: string, pollMs: number, signal: AbortSignal): Promise<number> {
  for (;;) {
    signal.throwIfAborted();
    try {
      const fd = await openAsync(fifo, fs.constants.O_WRONLY | fs.constants.O_NONBLOCK);
      if (signal.aborted) fs.closeSync(fd);
      signal.throwIfAborted();
      return fd;
    } catch (error) {
      if (signal.aborted) throw error;
      if ((error as NodeJS.ErrnoException).code !== 'ENXIO') {
        throw new SmctError('LOCAL_RUN_FAILED', `Pipe mode: could not open the FIFO ${fifo} for writing (${(error as Error).message}).`);
      }
    }
    await sleep(pollMs, undefined, { signal });
  }
}

async function writeItem(socket: net.Socket, item: ChannelItem, options: PipeChannelOptions, signal: AbortSignal): Promise<void> {
  const wrapped = options.recordWrapper === 'RecordIO';
  const length = itemSize(item);
  if (wrapped) await write(socket, recordIOHeader(length), signal);
  if ('data' in item) await write(socket, item.data, signal);
  else await writeFile(socket, item.file, wrapped ? item.size : undefined, options.channel, signal);
  if (wrapped) await write(socket, recordIOPadding(length), signal);
}

/** Streams a file into the FIFO; when its length is framed (RecordIO), exactly that many bytes. */
async function writeFile(socket: net.Socket, file: string, framedSize: number | undefined, channel: string, signal: AbortSignal): Promise<void> {
  if (framedSize === 0) return;
  let bytes = 0;
  try {
    const stream = fs.createReadStream(file, { highWaterMark: READ_CHUNK, signal, ...(framedSize !== undefined ? { end: framedSize - 1 } : {}) });
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      bytes += chunk.length;
      await write(socket, chunk, signal);
    }
  } catch (error) {
    if (signal.aborted || isReaderGone(error)) throw error;
    throw new SmctError('LOCAL_RUN_FAILED', `Pipe mode, channel ${channel}: cannot read ${file} (${(error as Error).message}).`);
  }
  if (framedSize !== undefined && bytes !== framedSize) {
    throw new SmctError(
      'LOCAL_RUN_FAILED',
      `Pipe mode, channel ${channel}: ${file} has ${bytes} bytes, not the ${framedSize} it had when the run started; leave its files alone while the job runs.`,
    );
  }
}

/** Writes a chunk, waiting for the pipe to drain when it is full; rejects when the reader is gone or feeding stops. */
async function write(socket: net.Socket, chunk: Buffer, signal: AbortSignal): Promise<void> {
  signal.throwIfAborted();
  if (socket.destroyed) throw socket.errored ?? new Error('the FIFO was closed');
  if (!socket.write(chunk)) await once(socket, 'drain', { signal });
}

function checkRecordSizes(channel: string, items: readonly ChannelItem[]): void {
  for (const item of items) {
    const length = itemSize(item);
    if (length > RECORDIO_MAX_LENGTH) {
      const what = item.kind === 'file' ? item.relative : 'a record of its augmented manifest';
      throw new SmctError(
        'LOCAL_RUN_FAILED',
        `Channel ${channel} wraps each object in a RecordIO record, which holds at most ${RECORDIO_MAX_LENGTH} bytes; ${what} has ${length}. Split it, or set RecordWrapperType to None.`,
      );
    }
  }
}
