import * as path from 'node:path';

/**
 * A file's path relative to the folder smct runs in, with forward slashes: GitLab and GitHub
 * match reports against paths relative to the repository, and CI jobs run from its root.
 */
export function relativePath(file: string, cwd: string): string {
  return path.relative(cwd, path.resolve(cwd, file)).split(path.sep).join('/');
}
