import * as fs from 'node:fs';
import * as path from 'node:path';
import type { TrainingJob } from '../job/trainingJob';
import { displayPath } from '../lint/lintGate';
import { replaceFolder, type CheckpointCount } from './checkpoints';
import { parseS3Uri } from './channels/channelObjects';
import { cachedFile, defaultCacheDir, fetchObjects, type FetchOptions } from './channels/objectCache';
import type { S3Reader } from './channels/types';
import { SmctError } from '../errors';

export type CheckpointDownloadOptions = Pick<FetchOptions, 'budget' | 'maxDownloadBytes' | 'confirm' | 'onProgress' | 'signal'> & {
  readonly cacheDir?: string;
};

/**
 * Makes the local checkpoint store what the job's checkpoint S3 URI holds (through the object
 * cache, so a second time downloads nothing): the state a SageMaker job of that URI would start
 * from, for a local run that starts where a real job stopped. The URI is a folder, as SageMaker
 * syncs LocalPath with it (`ckpt` does not take `ckpt-old/`). Nothing under it (a typo, a job
 * that saved none) leaves the store as it is, and the count says 0.
 */
export async function checkpointsFromS3(job: TrainingJob, store: string, reader: S3Reader, options: CheckpointDownloadOptions = {}): Promise<CheckpointCount> {
  const uri = job.checkpoints?.s3Uri ?? '';
  const location = parseS3Uri(uri);
  if (!location) {
    throw new SmctError('USAGE', `"checkpoints.s3Uri" in ${displayPath(job.file)} must be an s3:// URI to restore checkpoints from S3 (it is "${uri}").`);
  }
  const prefix = location.key === '' || location.key.endsWith('/') ? location.key : `${location.key}/`;
  const objects = (await reader.list(location.bucket, prefix, options.signal)).filter((object) => !object.key.endsWith('/'));
  if (objects.length === 0) return { files: 0, bytes: 0 };
  const cacheDir = options.cacheDir ?? defaultCacheDir();
  await fetchObjects(objects, { ...options, reader, cacheDir, source: uri });
  let bytes = 0;
  replaceFolder(store, (staging) => {
    for (const object of objects) {
      const target = path.resolve(staging, object.key.slice(prefix.length).replace(/^\/+/, '') || path.posix.basename(object.key));
      // A key with ".." would land outside the store: SageMaker's LocalPath has no outside either.
      if (!target.startsWith(staging + path.sep)) {
        throw new SmctError('LOCAL_RUN_FAILED', `The checkpoint object s3://${location.bucket}/${object.key} would be placed outside ${store}.`);
      }
      if (fs.existsSync(target) || !isFolderOrMissing(path.dirname(target), staging)) {
        throw new SmctError(
          'LOCAL_RUN_FAILED',
          `The checkpoint objects under ${uri} clash: ${object.key} is both a file and a folder there; remove one of them.`,
        );
      }
      fs.mkdirSync(path.dirname(target), { recursive: true });
      // Copied, not linked: the program changes its checkpoints, the cache's files never change.
      fs.copyFileSync(cachedFile(cacheDir, object), target);
      fs.chmodSync(target, 0o644);
      bytes += object.size;
    }
  });
  return { files: objects.length, bytes };
}

/** Whether every part of `folder` below `root` is a folder or not there yet (a file there would clash). */
function isFolderOrMissing(folder: string, root: string): boolean {
  for (let current = folder; current.startsWith(root + path.sep); current = path.dirname(current)) {
    if (fs.existsSync(current) && !fs.lstatSync(current).isDirectory()) return false;
  }
  return true;
}
