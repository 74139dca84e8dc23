import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { FileSystemContext } from '../../../core/src/dockerfile/buildContext';
import { tempProject } from '../../helpers/tempDir';

/** Every file under a folder, as listing rules do: breadth first through `list` and `stat`. */
function walk(context: FileSystemContext, folder: string): string[] {
  const files: string[] = [];
  const pending = [folder];
  while (pending.length > 0) {
    const current = pending.pop() as string;
    for (const name of context.list(current) ?? []) {
      const child = `${current}/${name}`;
      const entry = context.stat(child);
      if (entry?.type === 'directory') pending.push(child);
      else if (entry?.type === 'file') files.push(child);
    }
  }
  return files.sort();
}

test('a symbolic-link loop is followed once: every real file listed, the walk ends', () => {
  const root = tempProject({ 'src/train.py': 'print(1)\n' });
  fs.symlinkSync('.', path.join(root, 'src/a'));
  fs.symlinkSync('.', path.join(root, 'src/b'));
  fs.symlinkSync('..', path.join(root, 'src/up'));
  const context = new FileSystemContext(root);
  assert.deepEqual(walk(context, 'src'), ['src/train.py']);
  assert.equal(context.limitReached(), undefined);
});

test('a tree deeper than the limit is cut there, and the limit is reported', () => {
  const root = tempProject({ 'top/a/b/c/d/e/deep.py': '', 'top/shallow.py': '' });
  const context = new FileSystemContext(root, { entries: 1000, depth: 4 });
  assert.deepEqual(walk(context, 'top'), ['top/shallow.py']);
  assert.match(context.limitReached() ?? '', /more than 4 folders deep/);
});

test('more entries than the limit: the listing stops and the limit is reported', () => {
  const files = Object.fromEntries(Array.from({ length: 200 }, (_, index) => [`many/f${index}.py`, '']));
  const context = new FileSystemContext(tempProject(files), { entries: 50, depth: 32 });
  assert.equal(context.list('many'), undefined);
  assert.match(context.limitReached() ?? '', /more than 50 files and folders/);
});

test('a FIFO in the context is neither a file nor read, and reading it does not block', () => {
  const root = tempProject({ 'ok.py': 'x\n' });
  const made = spawnSync('mkfifo', [path.join(root, 'pipe')]);
  assert.equal(made.status, 0, String(made.stderr));
  const context = new FileSystemContext(root);
  assert.equal(context.stat('pipe'), undefined);
  assert.equal(context.readFile('pipe'), undefined);
  assert.equal(context.readFile('ok.py')?.toString(), 'x\n');
});

test('a link to a device is not read: /dev/zero would never end', () => {
  const root = tempProject({});
  fs.symlinkSync('/dev/zero', path.join(root, 'zero'));
  const context = new FileSystemContext(root);
  assert.equal(context.stat('zero'), undefined);
  assert.equal(context.readFile('zero'), undefined);
});
