import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { cleanCopy } from '../helpers/cleanCopy';
import { tempProject } from '../helpers/tempDir';

const ROOT = path.resolve(__dirname, '../../..');
const VSCE = require.resolve('@vscode/vsce/vsce');

/**
 * The .vsix size budget the README states ("Install the VS Code extension"): the production package
 * measured 1.03 MB (1,030,521 bytes) when it was set; an unminified build (1.37 MB) or a stray
 * node_modules breaks it, a new rule page or a small dependency does not.
 */
const VSIX_BUDGET_BYTES = 1.25 * 1024 * 1024;

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
    'resources/icon.png',
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
});

test('the production .vsix stays under its size budget and holds no source maps, sources, tests or node_modules', () => {
  // Built and packed in a copy, as `npm run package` does on a clean clone, so the dist/ other tests use stays as it is.
  const copy = cleanCopy();
  const built = spawnSync(process.execPath, ['esbuild.mjs', '--production'], { cwd: copy, encoding: 'utf8' });
  assert.equal(built.status, 0, built.stderr);
  const out = path.join(tempProject({}), 'sagemaker-container-tools.vsix');
  const packaged = spawnSync(process.execPath, [VSCE, 'package', '--no-dependencies', '--out', out], { cwd: copy, encoding: 'utf8' });
  assert.equal(packaged.status, 0, packaged.stderr);

  const vsix = fs.readFileSync(out);
  assert.equal(vsix.subarray(0, 2).toString('latin1'), 'PK', 'a zip archive');
  const entries = zipEntryNames(vsix);
  assert.ok(entries.includes('extension/dist/extension.js'), 'the extension bundle is in the .vsix');
  assert.ok(entries.includes('extension/resources/icon.png'), 'the Marketplace icon is in the .vsix');
  assert.deepEqual(
    entries.filter((entry) => /\.map$|\.ts$|\/node_modules\/|^extension\/(test|out|core|cli|server|client)\//.test(entry)),
    [],
    'no source maps, TypeScript sources, tests or dependencies',
  );
  assert.ok(vsix.length < VSIX_BUDGET_BYTES, `the .vsix is ${vsix.length} bytes, over its budget of ${VSIX_BUDGET_BYTES}`);
});

/** The names in a zip's central directory (https://pkware.cachefly.net/webdocs/casestudies/APPNOTE.TXT §4.3.12, §4.3.16). */
function zipEntryNames(zip: Buffer): string[] {
  const end = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  assert.ok(end >= 0, 'the zip has an end of central directory record');
  const count = zip.readUInt16LE(end + 10);
  let at = zip.readUInt32LE(end + 16);
  const names: string[] = [];
  for (let i = 0; i < count; i++) {
    assert.equal(zip.readUInt32LE(at), 0x02014b50, 'a central directory header');
    const nameLength = zip.readUInt16LE(at + 28);
    const extraLength = zip.readUInt16LE(at + 30);
    const commentLength = zip.readUInt16LE(at + 32);
    names.push(zip.subarray(at + 46, at + 46 + nameLength).toString('utf8'));
    at += 46 + nameLength + extraLength + commentLength;
  }
  return names.sort();
}
