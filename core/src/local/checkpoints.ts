import * as fs from 'node:fs';
import * as path from 'node:path';
import type { TrainingJob } from '../job/trainingJob';
import { lstatOrUndefined, mergeWithoutFollowing } from './artifacts';
import { SmctError } from '../errors';

/** What a restore or a save moved. */
export interface CheckpointCount {
  readonly files: number;
  readonly bytes: number;
}

/**
 * The local stand-in for the job's checkpoint S3 URI: `<output>/checkpoints/<bucket>/<prefix>`.
 * Jobs that name the same URI share it, as on SageMaker, where a new job with the URI of an
 * earlier one starts from that one's checkpoints.
 */
export function checkpointStore(job: TrainingJob, outputRoot: string): string | undefined {
  if (!job.checkpoints) return undefined;
  const parts = job.checkpoints.s3Uri
    .replace(/^[a-z0-9]+:\/\//i, '')
    .split('/')
    .filter((part) => part !== '' && part !== '.' && part !== '..')
    .map((part) => part.replace(/[^\w.=@+-]/g, '_'));
  return path.join(outputRoot, 'checkpoints', ...parts);
}

/** The files of a checkpoint folder, by relative path, each with its size and modification time. */
export type CheckpointSnapshot = ReadonlyMap<string, string>;

/**
 * Before the container starts, SageMaker copies what the checkpoint URI holds into LocalPath on
 * every host ("Existing S3 checkpoints are copied in at start", the Developer Guide's
 * model-checkpoints page). Links are copied as links: the store holds what containers wrote.
 * Returns what was restored, and each host folder's files as they were then, to tell what the
 * program wrote afterwards.
 */
export function restoreCheckpoints(store: string, hostCheckpointFolders: readonly string[]): { count: CheckpointCount; snapshot: CheckpointSnapshot } {
  return withStoreLock(store, () => {
    if (lstatOrUndefined(store)?.isDirectory()) for (const folder of hostCheckpointFolders) mergeWithoutFollowing(store, folder);
    const count = lstatOrUndefined(store)?.isDirectory() ? countFiles(store) : { files: 0, bytes: 0 };
    return { count, snapshot: snapshotOf(hostCheckpointFolders[0]) };
  });
}

/** What the program wrote in its checkpoint folders since the snapshot: new files and changed ones, on any host. */
export function writtenSince(hostCheckpointFolders: readonly string[], snapshot: CheckpointSnapshot): CheckpointCount {
  let files = 0;
  let bytes = 0;
  for (const folder of hostCheckpointFolders) {
    for (const [relative, signature] of snapshotOf(folder)) {
      if (snapshot.get(relative) === signature) continue;
      files += 1;
      bytes += Number(signature.split(':')[0]);
    }
  }
  return { files, bytes };
}

/**
 * After the run, after a stop and at an interruption, SageMaker has synced LocalPath to the URI:
 * new and changed files uploaded, and files the program deleted deleted ("deletions propagate").
 * Here the store keeps what it holds, less the restored files that no host has any more, plus
 * what the hosts' folders hold (a later host's file of the same name wins, as every host syncs
 * to one prefix): files another run saved meanwhile stay. The new contents are put together
 * beside the store (linked, not copied) and swapped in, so a failure midway leaves the old store
 * whole; a lock keeps two runs of the same URI from swapping at once.
 */
export function saveCheckpoints(hostCheckpointFolders: readonly string[], store: string, restored: CheckpointSnapshot = new Map()): CheckpointCount {
  return withStoreLock(store, () => {
    const kept = hostCheckpointFolders.map((folder) => {
      const stat = lstatOrUndefined(folder);
      if (stat !== undefined && !stat.isDirectory()) {
        throw new SmctError(
          'LOCAL_RUN_FAILED',
          `The checkpoint folder of ${path.basename(path.dirname(folder))} was replaced by a link or a file: it is not saved.`,
        );
      }
      return stat === undefined ? new Map<string, string>() : snapshotOf(folder);
    });
    const deleted = [...restored.keys()].filter((relative) => kept.every((files) => !files.has(relative)));
    replaceFolder(store, (staging) => {
      if (lstatOrUndefined(store)?.isDirectory()) linkTree(store, staging);
      for (const relative of deleted) fs.rmSync(path.join(staging, relative), { force: true });
      for (const folder of hostCheckpointFolders) if (lstatOrUndefined(folder)) mergeWithoutFollowing(folder, staging);
    });
    return countFiles(store);
  });
}

/** The regular files of a folder by relative path, with `size:mtime`; links and other kinds are not checkpoints' data. */
function snapshotOf(folder: string, prefix = ''): Map<string, string> {
  const files = new Map<string, string>();
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(path.join(folder, prefix), { withFileTypes: true });
  } catch {
    return files;
  }
  for (const entry of entries) {
    const relative = prefix === '' ? entry.name : path.join(prefix, entry.name);
    if (entry.isDirectory()) for (const [name, signature] of snapshotOf(folder, relative)) files.set(name, signature);
    else if (entry.isFile()) {
      const stat = fs.lstatSync(path.join(folder, relative));
      files.set(relative, `${stat.size}:${stat.mtimeMs}`);
    }
  }
  return files;
}

/** Hard-links a tree's files into another (folders made, links copied as links): a copy that costs no space. */
function linkTree(source: string, target: string): void {
  for (const entry of fs.readdirSync(source, { withFileTypes: true })) {
    const from = path.join(source, entry.name);
    const to = path.join(target, entry.name);
    if (entry.isDirectory()) {
      fs.mkdirSync(to, { recursive: true });
      linkTree(from, to);
    } else if (entry.isSymbolicLink()) fs.symlinkSync(fs.readlinkSync(from), to);
    else if (entry.isFile()) fs.linkSync(from, to);
  }
}

/** How long a run waits for another's save of the same store before it gives up with a message. */
const LOCK_WAIT_MS = 60_000;

/**
 * Runs `work` holding `<store>.lock` (a folder: made atomically), so that two local runs of the
 * same checkpoint URI never swap the store at once. A lock whose owner process is gone is taken over.
 */
function withStoreLock<T>(store: string, work: () => T): T {
  const lock = `${store}.lock`;
  fs.mkdirSync(path.dirname(store), { recursive: true });
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      fs.mkdirSync(lock);
      fs.writeFileSync(path.join(lock, 'owner'), String(process.pid));
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      if (!ownerAlive(lock)) {
        fs.rmSync(lock, { recursive: true, force: true });
        continue;
      }
      if (Date.now() > deadline) throw new SmctError('LOCAL_RUN_FAILED', `Another local run has been saving ${store} for a minute: try again when it is done.`);
      // A save takes milliseconds: wait a little, synchronously, as the save itself is.
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50);
    }
  }
  try {
    return work();
  } finally {
    fs.rmSync(lock, { recursive: true, force: true });
  }
}

function ownerAlive(lock: string): boolean {
  let pid: number;
  try {
    pid = Number(fs.readFileSync(path.join(lock, 'owner'), 'utf8'));
  } catch {
    // Made, but its owner file not written yet: the owner is alive and writing it.
    return true;
  }
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Makes `folder` hold what `fill` puts in a fresh folder beside it, swapped in by renames once it
 * is whole: a failure midway leaves the old contents as they were.
 */
export function replaceFolder(folder: string, fill: (staging: string) => void): void {
  const staging = `${folder}.new-${process.pid}`;
  const old = `${folder}.old-${process.pid}`;
  fs.rmSync(staging, { recursive: true, force: true });
  fs.mkdirSync(staging, { recursive: true });
  try {
    fill(staging);
    const hadFolder = lstatOrUndefined(folder) !== undefined;
    if (hadFolder) fs.renameSync(folder, old);
    fs.renameSync(staging, folder);
    fs.rmSync(old, { recursive: true, force: true });
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
}

function countFiles(folder: string): CheckpointCount {
  let files = 0;
  let bytes = 0;
  for (const entry of fs.readdirSync(folder, { withFileTypes: true })) {
    const full = path.join(folder, entry.name);
    if (entry.isDirectory()) {
      const inner = countFiles(full);
      files += inner.files;
      bytes += inner.bytes;
    } else if (entry.isFile()) {
      files += 1;
      bytes += fs.lstatSync(full).size;
    }
  }
  return { files, bytes };
}
