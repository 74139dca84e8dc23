import * as fs from 'node:fs';
import * as path from 'node:path';
import { tempProject } from './tempDir';

const ROOT = path.resolve(__dirname, '../../..');

/** What .gitignore names stays behind: the copy is what a clean clone holds, plus uncommitted sources. */
const NOT_COPIED = /^(node_modules|out|dist|\.git|\.cache|test-results|examples\/[^/]+\/output)$|\.(vsix|tgz)$/;

/**
 * A copy of the working tree without dist/, in a temp folder of its own, so that a test can build and
 * pack there as on a clean clone without touching the dist/ other tests run.
 */
export function cleanCopy(): string {
  const copy = path.join(tempProject({}), 'smct');
  fs.cpSync(ROOT, copy, {
    recursive: true,
    filter: (source) => !NOT_COPIED.test(path.relative(ROOT, source).split(path.sep).join('/')),
  });
  // The build tools (esbuild) come from the repository's own install, as `npm ci` would have put them.
  fs.symlinkSync(fs.realpathSync(path.join(ROOT, 'node_modules')), path.join(copy, 'node_modules'), 'dir');
  return copy;
}
