import * as fs from 'node:fs';
import * as path from 'node:path';

export interface ContextEntry {
  readonly type: 'file' | 'directory';
  /** Permission bits, as `stat` gives them. */
  readonly mode: number;
}

/**
 * A read-only view of the build context, addressed by slash-separated paths relative to its
 * root. Every method answers `undefined` when the entry is missing or cannot be read, and rules
 * then stay silent.
 */
export interface BuildContext {
  stat(relativePath: string): ContextEntry | undefined;
  readFile(relativePath: string): Buffer | undefined;
  list(relativePath: string): string[] | undefined;
  /** The absolute path of an entry, for edits and file watching; undefined for in-memory contexts. */
  absolutePath(relativePath: string): string | undefined;
  /** Why the context could not be read completely (too big, too deep); undefined when it could. */
  limitReached?(): string | undefined;
}

/** No build context (an unsaved document): nothing can be read. */
export const NO_CONTEXT: BuildContext = {
  stat: () => undefined,
  readFile: () => undefined,
  list: () => undefined,
  absolutePath: () => undefined,
};

/** Largest file a rule reads (scripts are small; this keeps a stray dataset from being read). */
const MAX_READ_BYTES = 1024 * 1024;

/**
 * How much of a build context one analysis reads. Real contexts hold a few hundred entries a few
 * folders deep; these bounds keep a hostile one (a huge tree, a deep one) from freezing the CLI
 * or the editor, at the price of rules staying silent about what lies beyond.
 */
export interface ContextLimits {
  /** Files and folders looked at (stat or listed), all folders together. */
  readonly entries: number;
  /** Folders below the context root. */
  readonly depth: number;
}

export const DEFAULT_CONTEXT_LIMITS: ContextLimits = { entries: 50_000, depth: 32 };

/**
 * The build context on disk. It caches what it reads for the duration of one analysis and
 * remembers every path it touched, so the language server can re-run the analysis when one of
 * them changes. It is bounded: a folder reached again through a symbolic link (a loop such as
 * `a -> .`) lists as empty, only regular files are opened, and past the limits it answers
 * `undefined` and says so in `limitReached`.
 */
export class FileSystemContext implements BuildContext {
  readonly touched = new Set<string>();
  private readonly stats = new Map<string, ContextEntry | undefined>();
  private readonly listings = new Map<string, string[] | undefined>();
  /** Real folders already listed (device:inode), and the context path they were listed under. */
  private readonly listedFolders = new Map<string, string>();
  private readonly root: string;
  private entriesSeen = 0;
  private limit: string | undefined;

  constructor(
    root: string,
    private readonly limits: ContextLimits = DEFAULT_CONTEXT_LIMITS,
  ) {
    this.root = path.resolve(root);
  }

  /** Why the context was not read completely, for a note to the user; undefined when it was. */
  limitReached(): string | undefined {
    return this.limit;
  }

  absolutePath(relativePath: string): string | undefined {
    const normalized = normalizeRelative(relativePath);
    return normalized === undefined ? undefined : path.join(this.root, normalized);
  }

  stat(relativePath: string): ContextEntry | undefined {
    const absolute = this.boundedPath(relativePath);
    if (absolute === undefined) return undefined;
    if (!this.stats.has(absolute)) {
      if (!this.countEntries(1)) return undefined;
      this.touched.add(absolute);
      this.stats.set(absolute, statEntry(absolute));
    }
    return this.stats.get(absolute);
  }

  readFile(relativePath: string): Buffer | undefined {
    const entry = this.stat(relativePath);
    const absolute = this.absolutePath(relativePath);
    if (!entry || entry.type !== 'file' || absolute === undefined) return undefined;
    return readRegularFile(absolute);
  }

  list(relativePath: string): string[] | undefined {
    const absolute = this.boundedPath(relativePath);
    if (absolute === undefined) return undefined;
    if (!this.listings.has(absolute)) this.listings.set(absolute, this.listOnce(absolute));
    return this.listings.get(absolute);
  }

  private listOnce(absolute: string): string[] | undefined {
    this.touched.add(absolute);
    const identity = folderIdentity(absolute);
    if (identity === undefined) return undefined;
    // A folder seen before under another path is a link back to it (or a second link to the same
    // folder): its entries were read already, and following it again could loop forever.
    if (this.listedFolders.has(identity)) return [];
    this.listedFolders.set(identity, absolute);
    const names = readFolderNames(absolute, this.limits.entries - this.entriesSeen + 1);
    if (names === undefined) return undefined;
    if (!this.countEntries(names.length)) return undefined;
    return names.sort();
  }

  /** The absolute path, or undefined when it is outside the context or deeper than the limit. */
  private boundedPath(relativePath: string): string | undefined {
    const normalized = normalizeRelative(relativePath);
    if (normalized === undefined) return undefined;
    if (normalized.split('/').length > this.limits.depth) {
      this.limit ??= `it is more than ${this.limits.depth} folders deep`;
      return undefined;
    }
    return path.join(this.root, normalized);
  }

  /** Counts entries against the limit; false (and the limit noted) once it is passed. */
  private countEntries(count: number): boolean {
    this.entriesSeen += count;
    if (this.entriesSeen <= this.limits.entries) return true;
    this.limit ??= `it has more than ${this.limits.entries} files and folders`;
    return false;
  }
}

function statEntry(absolute: string): ContextEntry | undefined {
  try {
    const stat = fs.statSync(absolute);
    if (stat.isFile()) return { type: 'file', mode: stat.mode & 0o7777 };
    if (stat.isDirectory()) return { type: 'directory', mode: stat.mode & 0o7777 };
  } catch {
    // Missing or unreadable: the rule stays silent.
  }
  // FIFOs, sockets and devices are neither: nothing reads them.
  return undefined;
}

/** The real folder behind a path (links followed), as device:inode; undefined if not a folder. */
function folderIdentity(absolute: string): string | undefined {
  try {
    const stat = fs.statSync(absolute, { bigint: true });
    return stat.isDirectory() ? `${stat.dev}:${stat.ino}` : undefined;
  } catch {
    return undefined;
  }
}

/** Up to `max` names of a folder, read lazily so that a folder of millions stops early. */
function readFolderNames(absolute: string, max: number): string[] | undefined {
  let folder: fs.Dir | undefined;
  try {
    folder = fs.opendirSync(absolute);
    const names: string[] = [];
    for (let entry = folder.readSync(); entry !== null && names.length < max; entry = folder.readSync()) names.push(entry.name);
    return names;
  } catch {
    return undefined;
  } finally {
    folder?.closeSync();
  }
}

/**
 * Reads the start of a regular file. Opened without blocking and checked again once open, so a
 * FIFO or device swapped in after the stat cannot hang the read; at most the size the file
 * reports is read, which is 0 for kernel files such as /proc/kmsg that would block.
 */
function readRegularFile(absolute: string): Buffer | undefined {
  let handle: number | undefined;
  try {
    handle = fs.openSync(absolute, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
    const stat = fs.fstatSync(handle);
    if (!stat.isFile()) return undefined;
    const length = Math.min(stat.size, MAX_READ_BYTES);
    const buffer = Buffer.alloc(length);
    const read = length === 0 ? 0 : fs.readSync(handle, buffer, 0, length, 0);
    return buffer.subarray(0, read);
  } catch {
    return undefined;
  } finally {
    if (handle !== undefined) fs.closeSync(handle);
  }
}

/**
 * Normalizes a context-relative path as Docker does ("./a/../b" -> "b"); a path that climbs out
 * of the context gives undefined, as Docker refuses it.
 */
export function normalizeRelative(relativePath: string): string | undefined {
  const normalized = path.posix.normalize('/' + relativePath.replace(/\\/g, '/')).replace(/^\/+/, '');
  return normalized.startsWith('..') ? undefined : normalized.replace(/\/+$/, '');
}

/** An in-memory build context for tests and benchmarks: path -> content (and optional mode). */
export class MemoryContext implements BuildContext {
  private readonly files = new Map<string, { content: Buffer; mode: number }>();
  private readonly directories = new Set<string>(['']);

  constructor(files: Record<string, string | Buffer | { content: string | Buffer; mode: number }>) {
    for (const [name, value] of Object.entries(files)) {
      const normalized = normalizeRelative(name) ?? name;
      const entry =
        typeof value === 'string' || Buffer.isBuffer(value)
          ? { content: Buffer.from(value), mode: 0o644 }
          : { content: Buffer.from(value.content), mode: value.mode };
      this.files.set(normalized, entry);
      const parts = normalized.split('/');
      for (let i = 1; i < parts.length; i++) this.directories.add(parts.slice(0, i).join('/'));
    }
  }

  stat(relativePath: string): ContextEntry | undefined {
    const normalized = normalizeRelative(relativePath);
    if (normalized === undefined) return undefined;
    const file = this.files.get(normalized);
    if (file) return { type: 'file', mode: file.mode };
    return this.directories.has(normalized) ? { type: 'directory', mode: 0o755 } : undefined;
  }

  readFile(relativePath: string): Buffer | undefined {
    const normalized = normalizeRelative(relativePath);
    return normalized === undefined ? undefined : this.files.get(normalized)?.content;
  }

  list(relativePath: string): string[] | undefined {
    const normalized = normalizeRelative(relativePath);
    if (normalized === undefined || !this.directories.has(normalized)) return undefined;
    const prefix = normalized === '' ? '' : normalized + '/';
    const names = new Set<string>();
    for (const name of [...this.files.keys(), ...this.directories]) {
      if (name.startsWith(prefix) && name.length > prefix.length) names.add(name.slice(prefix.length).split('/')[0]);
    }
    return [...names].sort();
  }

  absolutePath(): string | undefined {
    return undefined;
  }
}
