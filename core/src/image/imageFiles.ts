import { spawn } from 'node:child_process';
import { setMaxListeners } from 'node:events';
import * as posix from 'node:path/posix';
import { SmctError } from '../errors';
import { docker } from '../local/docker';
import { LABEL, OWNER_HOST } from '../local/leftovers';

/**
 * Reads a few files of an image without running anything of it: a container is created (never
 * started) and `docker cp CONTAINER:PATH -` streams each path as a tar archive, of which only the
 * first header and the first bytes are read. This works for any image, FROM scratch included: no
 * program of the image runs, not even a shell.
 */

/** The label of the containers `smct check` creates, with the image's name as its value (tests look for their own). */
export const CHECK_LABEL = 'smct.check';

/** Linux follows at most 40 symbolic links in one lookup (path_resolution(7), MAXSYMLINKS). */
const MAX_LINK_HOPS = 40;
/** Enough for a `#!` line (the kernel reads 256 bytes of it, BINPRM_BUF_SIZE) and an ELF header. */
export const HEAD_BYTES = 1024;
/** What one `docker cp` may stream before it is cut: long names, PAX records, a folder's first entries. */
const MAX_ARCHIVE_BYTES = 1024 * 1024;
/** How many entries of a folder are looked at to find a file in it. */
const MAX_FOLDER_ENTRIES = 200;

export interface ImageEntry {
  /** The path asked for, in the image. */
  readonly path: string;
  /** 'loop': the path cannot be looked up, a symbolic link on the way loops. */
  readonly kind: 'file' | 'directory' | 'symlink' | 'other' | 'loop';
  /** Permission bits (0o755). */
  readonly mode: number;
  readonly size: number;
  /** For a symlink: where it points, as stored. */
  readonly linkTarget?: string;
  /** For a file: its first HEAD_BYTES bytes. */
  readonly head: Buffer;
  /** For a folder: the path of a file (not a folder) found inside it, if any. */
  readonly firstFile?: string;
}

/** A path after its symbolic links: what is there, or why nothing is. */
export type Resolved =
  | { readonly found: true; readonly path: string; readonly entry: ImageEntry }
  | { readonly found: false; readonly path: string; readonly reason: 'missing' | 'loop' };

/** The files of one image, read on demand. */
export interface ImageFiles {
  /** The entry at `path` itself (a symlink is not followed); undefined when nothing is there. */
  entry(path: string): Promise<ImageEntry | undefined>;
  /** The entry at `path` after following symbolic links inside the image. */
  resolve(path: string): Promise<Resolved>;
}

/**
 * Runs `work` over the files of `image`, then removes the container, also when `work` throws or
 * is cancelled. The container carries smct's owner labels, so that a process killed in between
 * leaves something the next run's leftover clean-up removes (core/src/local/leftovers.ts).
 */
export async function withImageFiles<T>(image: string, work: (files: ImageFiles) => Promise<T>, signal?: AbortSignal): Promise<T> {
  const container = await createContainer(image, signal);
  try {
    // Each `docker cp` listens for the abort; a check runs dozens of them.
    if (signal) setMaxListeners(0, signal);
    return await work(dockerCpFiles(container, signal));
  } finally {
    // Without the signal: a cancelled check still removes what it made.
    await docker(['rm', '--force', '--volumes', container]);
  }
}

async function createContainer(image: string, signal?: AbortSignal): Promise<string> {
  const labels = [`${LABEL}=true`, `${CHECK_LABEL}=${image}`, `smct.pid=${process.pid}`, `smct.host=${OWNER_HOST}`].flatMap((label) => ['--label', label]);
  // A command is given because an image may have neither ENTRYPOINT nor CMD; it never runs.
  const result = await docker(['create', '--pull', 'never', '--network', 'none', ...labels, '--', image, 'smct-check-never-started'], { signal });
  if (result.code !== 0) {
    if (/no such image/i.test(result.stderr)) throw missingImage(image);
    if (/invalid reference format/i.test(result.stderr)) {
      throw new SmctError(
        'USAGE',
        `"${image}" is not an image name Docker accepts (${result.stderr.trim().split('\n')[0]}). Name an image that "docker images" lists.`,
      );
    }
    throw new SmctError('BUILD_FAILED', `docker create of ${image} (to read its files) failed: ${result.stderr.trim().split('\n')[0]}`);
  }
  return result.stdout.trim();
}

/** The one line `smct check` and the build front-ends give for an image that is not on this machine. */
export function missingImage(image: string): SmctError {
  return new SmctError(
    'IMAGE_MISSING',
    `${image}: no such image on this Docker engine. Build it first (smct build), or name an image that "docker images" lists.`,
  );
}

function dockerCpFiles(container: string, signal?: AbortSignal): ImageFiles {
  const cache = new Map<string, Promise<ImageEntry | undefined>>();
  const entry = (path: string): Promise<ImageEntry | undefined> => {
    let found = cache.get(path);
    if (!found) {
      found = readEntry(container, path, signal);
      cache.set(path, found);
    }
    return found;
  };
  return { entry, resolve: (path) => resolveLinks(entry, path) };
}

/** Follows symbolic links as the kernel does, inside the image (an absolute target starts at the image's root). */
export async function resolveLinks(entry: ImageFiles['entry'], start: string, hopsSoFar = 0): Promise<Resolved> {
  let path = posix.normalize(start);
  for (let hop = hopsSoFar; hop <= MAX_LINK_HOPS; hop++) {
    const found = await entry(path);
    if (!found) return { found: false, path, reason: 'missing' };
    if (found.kind === 'loop') return { found: false, path, reason: 'loop' };
    if (found.kind !== 'symlink') return { found: true, path, entry: found };
    // The folders on the way were resolved by Docker inside the container's root; only the last step
    // is ours. A relative target with ".." climbs from the real folder, so that folder is resolved first.
    const target = found.linkTarget ?? '';
    const folder = !target.startsWith('/') && target.split('/').includes('..') ? await realFolder(entry, posix.dirname(path), hop) : posix.dirname(path);
    if (folder === undefined) return { found: false, path, reason: 'loop' };
    path = posix.resolve(folder, target);
  }
  return { found: false, path, reason: 'loop' };
}

/** The folder `folder` really is, each of its components' links followed; undefined when that loops. */
async function realFolder(entry: ImageFiles['entry'], folder: string, hopsSoFar: number): Promise<string | undefined> {
  let real = '/';
  for (const part of folder.split('/').filter((component) => component !== '')) {
    const resolved = await resolveLinks(entry, posix.join(real, part), hopsSoFar + 1);
    if (!resolved.found && resolved.reason === 'loop') return undefined;
    // Where the component's links lead, even when nothing is there: the look-up after it then fails.
    real = resolved.path;
  }
  return real;
}

/** One path of the container, from the first bytes of `docker cp CONTAINER:PATH -`. */
function readEntry(container: string, path: string, signal?: AbortSignal): Promise<ImageEntry | undefined> {
  return new Promise((resolve, reject) => {
    // detached, as in docker(): a Ctrl-C reaches smct, which then ends this child itself.
    const child = spawn('docker', ['cp', `${container}:${path}`, '-'], { stdio: ['ignore', 'pipe', 'pipe'], detached: true, signal });
    const chunks: Buffer[] = [];
    let length = 0;
    let stderr = '';
    let settled = false;
    const finish = (result: ArchiveHead | undefined): void => {
      settled = true;
      if (child.exitCode === null) child.kill();
      resolve(result?.main ? { ...result.main, path, firstFile: result.firstFile ? posix.join(path, result.firstFile) : undefined } : undefined);
    };
    child.stdout.on('data', (chunk: Buffer) => {
      if (settled) return;
      chunks.push(chunk);
      length += chunk.length;
      const buffer = Buffer.concat(chunks);
      chunks.splice(0, chunks.length, buffer);
      const head = parseArchiveHead(buffer, length >= MAX_ARCHIVE_BYTES);
      if (head !== 'more') finish(head);
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', (error) => {
      if (!settled) {
        settled = true;
        reject(error);
      }
    });
    child.on('close', (code) => {
      if (settled) return;
      if (code === 0) {
        const head = parseArchiveHead(Buffer.concat(chunks), true);
        finish(head === 'more' ? undefined : head);
      } else if (/could not find the file|no such file|not a directory|no such container:path/i.test(stderr)) {
        // The wordings of Docker 20.10 ("No such container:path") and later ("Could not find the file").
        finish(undefined);
      } else if (/too many (levels of symbolic )?links/i.test(stderr)) {
        // Docker follows the folders on the way itself, and gives up on a loop before smct's own count would.
        settled = true;
        resolve({ path, kind: 'loop', mode: 0, size: 0, head: Buffer.alloc(0) });
      } else {
        settled = true;
        reject(new Error(`docker cp ${path} failed: ${stderr.trim().split('\n')[0]}`));
      }
    });
  });
}

interface ArchiveHead {
  readonly main?: Omit<ImageEntry, 'path' | 'firstFile'>;
  /** Relative to the folder: a file found inside it. */
  readonly firstFile?: string;
}

const BLOCK = 512;

/**
 * The first entry of a tar archive (with its first HEAD_BYTES bytes) and, for a folder, a file
 * inside it; 'more' when `buffer` does not hold enough yet. `ended`: no more bytes will come, so
 * whatever was found is the answer. Understands ustar, PAX (`x`) and GNU long-name (`L`, `K`) headers.
 */
export function parseArchiveHead(buffer: Buffer, ended: boolean): ArchiveHead | 'more' {
  let offset = 0;
  let longName: string | undefined;
  let longLink: string | undefined;
  let main: ArchiveHead['main'];
  let mainName = '';
  for (let entries = 0; entries <= MAX_FOLDER_ENTRIES; entries++) {
    if (buffer.length < offset + BLOCK) return ended ? { main } : 'more';
    const header = buffer.subarray(offset, offset + BLOCK);
    if (header.every((byte) => byte === 0)) return { main };
    const type = String.fromCharCode(header[156] || 0x30);
    const size = numberField(header, 124, 12);
    const dataEnd = offset + BLOCK + size;
    const next = offset + BLOCK + Math.ceil(size / BLOCK) * BLOCK;
    if (type === 'x' || type === 'g' || type === 'L' || type === 'K') {
      if (buffer.length < dataEnd) return ended ? { main } : 'more';
      const data = buffer.subarray(offset + BLOCK, dataEnd);
      if (type === 'L') longName = cString(data);
      if (type === 'K') longLink = cString(data);
      if (type === 'x') {
        const records = paxRecords(data);
        longName = records.path ?? longName;
        longLink = records.linkpath ?? longLink;
      }
      offset = next;
      continue;
    }
    const prefix = stringField(header, 345, 155);
    const name = longName ?? (prefix ? `${prefix}/${stringField(header, 0, 100)}` : stringField(header, 0, 100));
    const linkTarget = longLink ?? stringField(header, 157, 100);
    longName = longLink = undefined;
    const kind = type === '0' || type === '7' ? 'file' : type === '5' ? 'directory' : type === '2' ? 'symlink' : 'other';
    if (!main) {
      const headEnd = offset + BLOCK + Math.min(size, HEAD_BYTES);
      if (kind === 'file' && buffer.length < headEnd && !ended) return 'more';
      main = {
        kind,
        mode: numberField(header, 100, 8) & 0o7777,
        size,
        linkTarget: kind === 'symlink' ? linkTarget : undefined,
        head: kind === 'file' ? Buffer.from(buffer.subarray(offset + BLOCK, Math.min(headEnd, buffer.length))) : Buffer.alloc(0),
      };
      mainName = name.replace(/\/+$/, '');
      if (kind !== 'directory') return { main };
    } else if (kind !== 'directory') {
      return { main, firstFile: name.startsWith(`${mainName}/`) ? name.slice(mainName.length + 1) : name };
    }
    offset = next;
  }
  return { main };
}

function stringField(header: Buffer, start: number, length: number): string {
  return cString(header.subarray(start, start + length));
}

function cString(bytes: Buffer): string {
  const end = bytes.indexOf(0);
  return bytes.subarray(0, end === -1 ? bytes.length : end).toString('utf8');
}

/** An octal number field, or GNU's base-256 form (high bit set) for sizes over 8 GB. */
function numberField(header: Buffer, start: number, length: number): number {
  const field = header.subarray(start, start + length);
  if (field[0] & 0x80) {
    let value = field[0] & 0x7f;
    for (let i = 1; i < field.length; i++) value = value * 256 + field[i];
    return value;
  }
  const text = cString(field).trim();
  return text === '' ? 0 : parseInt(text, 8);
}

/** PAX extended header records: "LEN key=value\n". */
function paxRecords(data: Buffer): Record<string, string> {
  const records: Record<string, string> = {};
  let offset = 0;
  while (offset < data.length) {
    const space = data.indexOf(0x20, offset);
    if (space === -1) break;
    const length = parseInt(data.subarray(offset, space).toString('ascii'), 10);
    if (!(length > 0)) break;
    const record = data.subarray(space + 1, offset + length - 1).toString('utf8');
    const equals = record.indexOf('=');
    if (equals > 0) records[record.slice(0, equals)] = record.slice(equals + 1);
    offset += length;
  }
  return records;
}
