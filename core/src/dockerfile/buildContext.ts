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
 * The build context on disk. It caches what it reads for the duration of one analysis and
 * remembers every path it touched, so the language server can re-run the analysis when one of
 * them changes.
 */
export class FileSystemContext implements BuildContext {
  readonly touched = new Set<string>();
  private readonly stats = new Map<string, ContextEntry | undefined>();
  private readonly root: string;

  constructor(root: string) {
    this.root = path.resolve(root);
  }

  absolutePath(relativePath: string): string | undefined {
    const normalized = normalizeRelative(relativePath);
    return normalized === undefined ? undefined : path.join(this.root, normalized);
  }

  stat(relativePath: string): ContextEntry | undefined {
    const absolute = this.absolutePath(relativePath);
    if (absolute === undefined) return undefined;
    if (!this.stats.has(absolute)) {
      this.touched.add(absolute);
      this.stats.set(absolute, statEntry(absolute));
    }
    return this.stats.get(absolute);
  }

  readFile(relativePath: string): Buffer | undefined {
    const entry = this.stat(relativePath);
    const absolute = this.absolutePath(relativePath);
    if (!entry || entry.type !== 'file' || absolute === undefined) return undefined;
    try {
      const handle = fs.openSync(absolute, 'r');
      try {
        const buffer = Buffer.alloc(MAX_READ_BYTES);
        const read = fs.readSync(handle, buffer, 0, MAX_READ_BYTES, 0);
        return buffer.subarray(0, read);
      } finally {
        fs.closeSync(handle);
      }
    } catch {
      return undefined;
    }
  }

  list(relativePath: string): string[] | undefined {
    const absolute = this.absolutePath(relativePath);
    if (absolute === undefined) return undefined;
    this.touched.add(absolute);
    try {
      return fs.readdirSync(absolute).sort();
    } catch {
      return undefined;
    }
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
  return undefined;
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
