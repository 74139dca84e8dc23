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

/**
 * Before the container starts, SageMaker copies what the checkpoint URI holds into LocalPath on
 * every host ("Existing S3 checkpoints are copied in at start", the Developer Guide's
 * model-checkpoints page). Links are copied as links: the store holds what containers wrote.
 */
export function restoreCheckpoints(store: string, hostCheckpointFolders: readonly string[]): CheckpointCount {
  if (!lstatOrUndefined(store)?.isDirectory()) return { files: 0, bytes: 0 };
  for (const folder of hostCheckpointFolders) mergeWithoutFollowing(store, folder);
  return countFiles(store);
}

/**
 * After the run, after a stop and at an interruption, SageMaker has synced LocalPath to the URI
 * (deletions too). Here the store becomes what the hosts' folders hold, merged (a later host's
 * file of the same name wins, as every host syncs to one prefix). The new contents are put
 * together beside the store and swapped in, so a failure midway leaves the old store whole.
 */
export function saveCheckpoints(hostCheckpointFolders: readonly string[], store: string): CheckpointCount {
  replaceFolder(store, (staging) => {
    for (const folder of hostCheckpointFolders) {
      const stat = lstatOrUndefined(folder);
      if (stat === undefined) continue;
      if (!stat.isDirectory()) {
        throw new SmctError(
          'LOCAL_RUN_FAILED',
          `The checkpoint folder of ${path.basename(path.dirname(folder))} was replaced by a link or a file: it is not saved.`,
        );
      }
      mergeWithoutFollowing(folder, staging);
    }
  });
  return countFiles(store);
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
