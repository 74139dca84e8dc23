import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { test } from 'node:test';

const ROOT = path.resolve(__dirname, '../../..');

function lintJson(file: string): { rule: string; line: number }[] {
  const result = spawnSync(process.execPath, ['bin/smct.js', 'lint', '--format', 'json', '--fail-on', 'none', file], { cwd: ROOT, encoding: 'utf8' });
  assert.equal(result.status, 0, result.stderr);
  return (JSON.parse(result.stdout) as { rule: string; line: number }[]).map(({ rule, line }) => ({ rule, line }));
}

test('the README example: the broken Dockerfile shows the CMD mistake and the hidden input', () => {
  assert.deepEqual(lintJson('examples/broken-training/Dockerfile'), [
    { rule: 'SM201', line: 8 },
    { rule: 'SM101', line: 10 },
  ]);
});

test('the working training example is clean', () => {
  assert.deepEqual(lintJson('examples/training/Dockerfile'), []);
});

test('the serving example is clean', () => {
  assert.deepEqual(lintJson('examples/serving/Dockerfile'), []);
});
