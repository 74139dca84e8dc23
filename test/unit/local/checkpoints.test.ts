import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { restoreCheckpoints, saveCheckpoints, writtenSince } from '../../../core/src/local/checkpoints';
import { tempProject } from '../../helpers/tempDir';

function files(folder: string): Record<string, string> {
  const found: Record<string, string> = {};
  for (const name of fs.readdirSync(folder, { recursive: true }) as string[]) {
    const file = path.join(folder, name);
    if (fs.statSync(file).isFile()) found[name] = fs.readFileSync(file, 'utf8');
  }
  return found;
}

test('a save keeps what another run saved meanwhile, and deletes only the restored files the program deleted', () => {
  const root = tempProject({ 'store/a': 'A', 'store/dir/b': 'B' });
  const store = path.join(root, 'store');
  const host = path.join(root, 'algo-1', 'checkpoints');
  fs.mkdirSync(host, { recursive: true });
  const { count, snapshot } = restoreCheckpoints(store, [host]);
  assert.deepEqual(count, { files: 2, bytes: 2 });
  assert.deepEqual(files(host), { a: 'A', [path.join('dir', 'b')]: 'B' });
  // The program deletes a and writes c; another run saves d into the same store.
  fs.rmSync(path.join(host, 'a'));
  fs.writeFileSync(path.join(host, 'c'), 'CC');
  fs.writeFileSync(path.join(store, 'd'), 'D');
  assert.deepEqual(writtenSince([host], snapshot), { files: 1, bytes: 2 }, 'only c is the program’s');
  assert.deepEqual(saveCheckpoints([host], store, snapshot), { files: 3, bytes: 4 });
  assert.deepEqual(files(store), { [path.join('dir', 'b')]: 'B', c: 'CC', d: 'D' });
  assert.deepEqual(
    fs.readdirSync(root).filter((name) => name.startsWith('store.')),
    [],
    'no staging, old or lock folder is left',
  );
});

test('a rewritten checkpoint counts as written; the files as restored do not', () => {
  const root = tempProject({ 'store/epoch': '1' });
  const host = path.join(root, 'host');
  fs.mkdirSync(host);
  const { snapshot } = restoreCheckpoints(path.join(root, 'store'), [host]);
  assert.deepEqual(writtenSince([host], snapshot), { files: 0, bytes: 0 });
  fs.writeFileSync(path.join(host, 'epoch'), '22');
  assert.deepEqual(writtenSince([host], snapshot), { files: 1, bytes: 2 });
});

test("a lock left by a process that is gone is taken over; a save never follows a link out of the host's folder", () => {
  const root = tempProject({ 'outside/secret': 'S' });
  const store = path.join(root, 'store');
  fs.mkdirSync(`${store}.lock`, { recursive: true });
  // Process ids are at most 2^22 on Linux: this one cannot be running.
  fs.writeFileSync(path.join(`${store}.lock`, 'owner'), String(2 ** 22 + 1));
  const host = path.join(root, 'host');
  fs.mkdirSync(host);
  fs.symlinkSync(path.join(root, 'outside'), path.join(host, 'link'));
  saveCheckpoints([host], store);
  assert.equal(fs.lstatSync(path.join(store, 'link')).isSymbolicLink(), true, 'the link is saved as a link');
  assert.equal(fs.existsSync(`${store}.lock`), false);
});
