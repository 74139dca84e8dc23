import * as fs from 'node:fs';
import * as path from 'node:path';
import { SmctError } from '../../errors';
import type { ChannelItem } from './types';

/**
 * Builds one host's channel folder from its files: each file hard-linked at its relative path
 * (no copy, no extra space; the cache's files are never written again, a new ETag being a new
 * file), copied when a link cannot be made (another file system, or a file of another user under
 * fs.protected_hardlinks). A relative path that would leave the folder (an S3 key with "..", an
 * absolute path) is refused, never followed; two that need one path as a file and as a folder
 * (keys `d/a` and `d/a/b`) are refused, naming both.
 */
export function materializeShare(items: readonly ChannelItem[], folder: string): void {
  fs.mkdirSync(folder, { recursive: true });
  const root = path.resolve(folder);
  const layout = new Layout();
  for (const item of items) {
    if (item.kind !== 'file') {
      throw new SmctError(
        'LOCAL_RUN_FAILED',
        `A channel folder holds files only; ${folder} was given a record (an augmented manifest is streamed, not placed).`,
      );
    }
    const target = insideFolder(root, item.relative);
    layout.add(path.relative(root, target).split(path.sep), item.origin ?? item.relative);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.rmSync(target, { force: true });
    try {
      fs.linkSync(item.file, target);
    } catch (error) {
      if (!LINK_REFUSED.has((error as NodeJS.ErrnoException).code ?? '')) throw error;
      fs.copyFileSync(item.file, target);
    }
  }
}

/**
 * Why a hard link may be refused where a copy works: another file system (EXDEV), or a file the
 * user does not own where fs.protected_hardlinks is on (EPERM; EACCES on some file systems).
 */
const LINK_REFUSED = new Set(['EXDEV', 'EPERM', 'EACCES']);

/** The paths a channel folder is given so far, as files and as folders, to refuse one path as both. */
class Layout {
  private readonly files = new Map<string, string>();
  /** Each folder, with the first file put under it. */
  private readonly folders = new Map<string, string>();

  add(parts: readonly string[], origin: string): void {
    const relative = parts.join('/');
    const under = this.folders.get(relative);
    if (under !== undefined) throw clash(origin, under, relative);
    for (let depth = 1; depth < parts.length; depth++) {
      const folder = parts.slice(0, depth).join('/');
      const file = this.files.get(folder);
      if (file !== undefined) throw clash(file, origin, folder);
      if (!this.folders.has(folder)) this.folders.set(folder, origin);
    }
    this.files.set(relative, origin);
  }
}

function clash(file: string, under: string, relative: string): SmctError {
  return new SmctError(
    'LOCAL_RUN_FAILED',
    `The channel's ${file} and ${under} clash: "${relative}" would be both a file and a folder in the channel; remove or rename one of them.`,
  );
}

function insideFolder(root: string, relative: string): string {
  const parts = relative.split(/[\\/]/);
  const target = path.resolve(root, relative);
  if (relative === '' || path.isAbsolute(relative) || parts.includes('..') || !target.startsWith(root + path.sep)) {
    throw new SmctError('LOCAL_RUN_FAILED', `The channel file "${relative}" would be placed outside ${root}; rename the S3 object (no "..", no leading "/").`);
  }
  return target;
}
