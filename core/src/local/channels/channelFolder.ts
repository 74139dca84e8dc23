import * as fs from 'node:fs';
import * as path from 'node:path';
import { SmctError } from '../../errors';
import type { ChannelItem } from './types';

/**
 * Builds one host's channel folder from its files: each file hard-linked at its relative path
 * (no copy, no extra space; the cache's files are never written again, a new ETag being a new
 * file), copied when the folder is on another file system. A relative path that would leave the
 * folder (an S3 key with "..", an absolute path) is refused, never followed.
 */
export function materializeShare(items: readonly ChannelItem[], folder: string): void {
  fs.mkdirSync(folder, { recursive: true });
  const root = path.resolve(folder);
  for (const item of items) {
    if (item.kind !== 'file') {
      throw new SmctError(
        'LOCAL_RUN_FAILED',
        `A channel folder holds files only; ${folder} was given a record (an augmented manifest is streamed, not placed).`,
      );
    }
    const target = insideFolder(root, item.relative);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.rmSync(target, { force: true });
    try {
      fs.linkSync(item.file, target);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EXDEV') throw error;
      fs.copyFileSync(item.file, target);
    }
  }
}

function insideFolder(root: string, relative: string): string {
  const parts = relative.split(/[\\/]/);
  const target = path.resolve(root, relative);
  if (relative === '' || path.isAbsolute(relative) || parts.includes('..') || !target.startsWith(root + path.sep)) {
    throw new SmctError('LOCAL_RUN_FAILED', `The channel file "${relative}" would be placed outside ${root}; rename the S3 object (no "..", no leading "/").`);
  }
  return target;
}
