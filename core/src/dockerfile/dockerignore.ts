import picomatch from 'picomatch';
import * as path from 'node:path';
import { normalizeRelative, type BuildContext } from './buildContext';

/**
 * `.dockerignore` at the root of the build context: Docker leaves out of the context every path a
 * pattern matches (or that lies in a folder a pattern matches), unless a later `!pattern` brings it
 * back; the last matching line wins. Patterns are relative to the context root, a leading or
 * trailing slash means nothing, `#` starts a comment, and `**` matches any number of folders
 * (https://docs.docker.com/build/concepts/context/#dockerignore-files).
 */
export interface IgnoreRule {
  readonly exclude: boolean;
  readonly matches: (path: string) => boolean;
}

export function parseDockerignore(text: string): IgnoreRule[] {
  const rules: IgnoreRule[] = [];
  for (const raw of text.split(/\r?\n/)) {
    let line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const exclude = !line.startsWith('!');
    if (!exclude) line = line.slice(1).trim();
    const pattern = normalizePattern(line);
    if (pattern === undefined || pattern === '') continue;
    rules.push({ exclude, matches: picomatch(pattern, { dot: true }) });
  }
  return rules;
}

/**
 * A pattern cleaned as Docker cleans it (filepath.Clean, leading and trailing slashes dropped).
 * Unlike a path, a backslash stays: on Linux it escapes the next character (`out\[1\]`).
 */
function normalizePattern(line: string): string | undefined {
  const normalized = path.posix.normalize('/' + line).replace(/^\/+/, '');
  return normalized.startsWith('..') ? undefined : normalized.replace(/\/+$/, '');
}

/** True when Docker leaves the context path out: the last rule matching it or a folder above it excludes. */
export function isIgnored(rules: readonly IgnoreRule[], relativePath: string): boolean {
  if (relativePath === '' || rules.length === 0) return false;
  const parts = relativePath.split('/');
  let ignored = false;
  for (const rule of rules) {
    for (let depth = 1; depth <= parts.length; depth++) {
      if (rule.matches(parts.slice(0, depth).join('/'))) {
        ignored = rule.exclude;
        break;
      }
    }
  }
  return ignored;
}

/**
 * The build context as `docker build` sends it: entries that `.dockerignore` leaves out do not
 * exist. Without a `.dockerignore` the context itself is returned.
 */
export function withDockerignore(context: BuildContext): BuildContext {
  const text = context.readFile('.dockerignore')?.toString('utf8');
  const rules = text === undefined ? [] : parseDockerignore(text);
  if (rules.length === 0) return context;
  // A `!pattern` may bring back a file inside an ignored folder, so folders stay visible then and
  // only their files are left out.
  const exceptions = rules.some((rule) => !rule.exclude);
  const kept = (relativePath: string, folder = false): boolean => {
    const normalized = normalizeRelative(relativePath);
    return normalized === undefined || (folder && exceptions) || !isIgnored(rules, normalized);
  };
  const isFolder = (relativePath: string): boolean => context.stat(relativePath)?.type === 'directory';
  return {
    stat: (relativePath) => {
      const entry = context.stat(relativePath);
      return kept(relativePath, entry?.type === 'directory') ? entry : undefined;
    },
    readFile: (relativePath) => (kept(relativePath) ? context.readFile(relativePath) : undefined),
    list: (relativePath) => {
      if (!kept(relativePath, true)) return undefined;
      const normalized = normalizeRelative(relativePath) ?? '';
      return context.list(relativePath)?.filter((name) => {
        const child = normalized === '' ? name : `${normalized}/${name}`;
        return kept(child, exceptions && isFolder(child));
      });
    },
    absolutePath: (relativePath) => context.absolutePath(relativePath),
    limitReached: () => context.limitReached?.(),
  };
}
