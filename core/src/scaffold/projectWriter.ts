// Writes a new project's files, all or none: it refuses when any of them exists, creates each file
// exclusively (so a file that appears meanwhile is not overwritten either), and on a failure
// removes what it wrote, so no half project is left.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { SmctError } from '../errors';
import { displayPath } from '../lint/lintGate';

export interface ProjectFile {
  /** Relative to the project folder, '/'-separated. */
  readonly path: string;
  readonly content: string | Buffer;
  readonly executable?: boolean;
}

/** How many existing files the refusal names before it counts the rest. */
const NAMED_IN_REFUSAL = 5;

export function writeProject(folder: string, files: readonly ProjectFile[]): void {
  refuseExisting(folder, files);
  const created: string[] = [];
  try {
    // The folder and its parents may be links to folders; inside it, nothing is written through a link.
    const firstMade = fs.mkdirSync(folder, { recursive: true });
    if (firstMade !== undefined) created.push(firstMade);
    for (const file of files) writeOne(folder, file, created);
  } catch (error) {
    removeAll(created);
    if (error instanceof SmctError) throw error;
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
      throw new SmctError(
        'INIT_EXISTS',
        `A file appeared in ${displayPath(folder)} while the project was written: nothing was left there. Choose a new or empty folder.`,
      );
    }
    const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new SmctError('INIT_FAILED', `Could not write the project into ${displayPath(folder)} (${code}): nothing was left there. ${writeFailureHint(code)}`);
  }
}

/** What to do about a failed write, by the system's error code. */
function writeFailureHint(code: string): string {
  if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') return "Check the folder's permissions, or choose a folder you can write to.";
  if (code === 'ENOSPC' || code === 'EDQUOT') return 'Free some disk space and run it again.';
  if (code === 'ENAMETOOLONG') return 'Choose a shorter folder name or path.';
  if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'ELOOP') return "A link or a file is in the folder's path: choose another folder.";
  return 'Choose another folder.';
}

/** Removes what was made, newest first; what cannot be removed is left rather than hiding the first error. */
function removeAll(created: readonly string[]): void {
  for (const made of [...created].reverse()) {
    try {
      fs.rmSync(made, { recursive: true, force: true });
    } catch {
      // The error that stopped the writing is the one to report.
    }
  }
}

function refuseExisting(folder: string, files: readonly ProjectFile[]): void {
  if (fs.existsSync(folder) && !fs.statSync(folder).isDirectory()) {
    throw new SmctError('INIT_EXISTS', `${displayPath(folder)} exists and is not a folder: choose another name.`);
  }
  const existing = files.map((file) => file.path).filter((relative) => blocked(folder, relative));
  if (existing.length === 0) return;
  const named = existing.slice(0, NAMED_IN_REFUSAL).join(', ');
  const more = existing.length > NAMED_IN_REFUSAL ? ` and ${existing.length - NAMED_IN_REFUSAL} more` : '';
  throw new SmctError('INIT_EXISTS', `Not overwriting ${named}${more} in ${displayPath(folder)}: nothing was written. Choose a new or empty folder.`);
}

/** Whether the file, or a folder on its way that is not a folder, is already there. */
function blocked(folder: string, relative: string): boolean {
  const parts = relative.split('/');
  for (let depth = 1; depth < parts.length; depth++) {
    const kind = kindOf(path.join(folder, ...parts.slice(0, depth)));
    if (kind === undefined) return false;
    if (kind !== 'folder') return true;
  }
  return kindOf(path.join(folder, ...parts)) !== undefined;
}

/** 'folder', 'other' (a file, a link, even a broken one), or undefined when nothing is there. */
function kindOf(target: string): 'folder' | 'other' | undefined {
  try {
    return fs.lstatSync(target).isDirectory() ? 'folder' : 'other';
  } catch {
    return undefined;
  }
}

function writeOne(folder: string, file: ProjectFile, created: string[]): void {
  const parts = file.path.split('/');
  for (let depth = 1; depth < parts.length; depth++) {
    const inside = path.join(folder, ...parts.slice(0, depth));
    if (kindOf(inside) === undefined) {
      fs.mkdirSync(inside);
      created.push(inside);
    }
  }
  const target = path.join(folder, ...parts);
  // 'wx': created here or refused (EEXIST), never written over.
  const descriptor = fs.openSync(target, 'wx', file.executable ? 0o755 : 0o644);
  created.push(target);
  try {
    fs.writeFileSync(descriptor, file.content);
    // The mode given to open is masked by the umask; an executable must stay executable for all.
    if (file.executable) fs.fchmodSync(descriptor, 0o755);
  } finally {
    fs.closeSync(descriptor);
  }
}
