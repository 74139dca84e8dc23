import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';

const ROOT = path.resolve(__dirname, '../../..');

/**
 * The entries of a page's layout: the first fenced block after its "## Layout" heading, one path
 * per line, then two or more spaces and what it holds; an indented line goes on the entry above.
 */
function layout(page: string): Map<string, string> {
  const lines = fs.readFileSync(path.join(ROOT, page), 'utf8').split('\n');
  const heading = lines.indexOf('## Layout');
  assert.notEqual(heading, -1, `${page} has a "## Layout" section`);
  const open = lines.findIndex((line, i) => i > heading && line.startsWith('```'));
  const close = lines.findIndex((line, i) => i > open && line.startsWith('```'));
  const entries = new Map<string, string>();
  let last = '';
  for (const line of lines.slice(open + 1, close)) {
    if (/^\s/.test(line)) {
      entries.set(last, `${entries.get(last)} ${line.trim()}`);
      continue;
    }
    const [, name, description] = /^(\S+)\s{2,}(.+)$/.exec(line) ?? [];
    assert.ok(name, `${page}: "${line}" is a path, two spaces and a description`);
    entries.set(name, description);
    last = name;
  }
  return entries;
}

const readme = layout('README.md');
const contributing = layout('CONTRIBUTING.md');

test('every path in the layout of README.md and CONTRIBUTING.md exists', () => {
  const missing = [...readme.keys(), ...contributing.keys()].filter((name) => !fs.existsSync(path.join(ROOT, name)));
  assert.deepEqual(missing, []);
});

test("the README's layout is CONTRIBUTING.md's, word for word, for every folder it names", () => {
  for (const [name, description] of readme) assert.equal(contributing.get(name), description, name);
});

test('the layout in CONTRIBUTING.md names every folder of the sources and the tests', () => {
  const folders = ['core/src', 'server/src', 'cli/src', 'client/src', 'test'].flatMap((parent) =>
    fs
      .readdirSync(path.join(ROOT, parent), { withFileTypes: true })
      .filter((entry) => entry.isDirectory() && holdsFiles(path.join(ROOT, parent, entry.name)))
      .map((entry) => `${parent}/${entry.name}/`),
  );
  assert.deepEqual(
    folders.filter((folder) => !contributing.has(folder)),
    [],
  );
});

/** A folder git would check out: one with a file somewhere below it (git leaves moved folders behind empty). */
function holdsFiles(folder: string): boolean {
  return fs.readdirSync(folder, { recursive: true, withFileTypes: true }).some((entry) => entry.isFile());
}
