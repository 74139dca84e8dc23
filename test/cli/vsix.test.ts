import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { tempProject } from '../helpers/tempDir';

const ROOT = path.resolve(__dirname, '../../..');
const VSCE = require.resolve('@vscode/vsce/vsce');

test('the extension packages as a .vsix holding the bundles, rule pages, grammar and schema, and no sources or editor setup', () => {
  const listed = spawnSync(process.execPath, [VSCE, 'ls', '--no-dependencies'], { cwd: ROOT, encoding: 'utf8' });
  assert.equal(listed.status, 0, listed.stderr);
  const files = listed.stdout.trim().split('\n').sort();
  for (const expected of [
    'dist/extension.js',
    'dist/server.js',
    'docs/rules/SM101.md',
    'syntaxes/sagemaker-dockerfile.injection.tmLanguage.json',
    'schemas/smct.schema.json',
    'README.md',
    'CHANGELOG.md',
    'LICENSE',
  ]) {
    assert.ok(files.includes(expected), `${expected} is packaged`);
  }
  assert.deepEqual(
    files.filter((file) => /\.ts$|^node_modules\/|^test\/|^out\/|^\./.test(file)),
    [],
    'no sources, tests, dependencies or development files (.vscode/, .editorconfig, …)',
  );

  const out = path.join(tempProject({}), 'sagemaker-container-tools.vsix');
  const packaged = spawnSync(process.execPath, [VSCE, 'package', '--no-dependencies', '--out', out], { cwd: ROOT, encoding: 'utf8' });
  assert.equal(packaged.status, 0, packaged.stderr);
  assert.equal(fs.readFileSync(out).subarray(0, 2).toString('latin1'), 'PK', 'a zip archive');
});
