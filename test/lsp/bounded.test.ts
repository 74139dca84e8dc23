import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Hover } from 'vscode-languageserver-protocol';
import { TestClient } from '../helpers/lspClient';
import { tempProject } from '../helpers/tempDir';

/** Not a speed requirement: a guard that tells a hang from an answer. */
const HANG_GUARD_MS = 5_000;

const LOOP_DOCKERFILE = 'FROM python:3.11\nRUN pip install sagemaker-training\nCOPY src /opt/ml/code\nENV SAGEMAKER_PROGRAM train.py\n';

describe('the language server stays responsive on hostile input', () => {
  let client: TestClient;
  let root: string;
  const uri = (name: string): string => `file://${path.join(root, name)}`;

  before(async () => {
    root = tempProject({ 'loop/Dockerfile': LOOP_DOCKERFILE });
    fs.mkdirSync(path.join(root, 'loop/src'));
    fs.symlinkSync('.', path.join(root, 'loop/src/a'));
    fs.symlinkSync('.', path.join(root, 'loop/src/b'));
    client = TestClient.inProcess();
    await client.initialize(root);
  });
  after(() => client.shutdown());

  /** Asks for a hover on the first line and returns how long the answer took. */
  async function hoverTime(target: string): Promise<number> {
    const started = Date.now();
    await client.connection.sendRequest<Hover | null>('textDocument/hover', { textDocument: { uri: target }, position: { line: 0, character: 2 } });
    return Date.now() - started;
  }

  test('a build context with a symbolic-link loop: diagnostics are published and a hover is answered', { timeout: 60_000 }, async () => {
    const target = uri('loop/Dockerfile');
    await client.open(target, LOOP_DOCKERFILE);
    assert.ok(Array.isArray(await client.diagnostics(target, () => true, 30_000)));
    assert.ok((await hoverTime(target)) < HANG_GUARD_MS);
  });

  test('a 5 MB document: one diagnostic says it is too big, and a hover is answered', { timeout: 120_000 }, async () => {
    const target = uri('big/Dockerfile');
    const text = 'FROM python:3.11\n' + 'RUN echo "a line of a generated Dockerfile that is far too big"\n'.repeat(80_000);
    const opened = Date.now();
    await client.open(target, text);
    const diagnostics = await client.diagnostics(target, () => true, 100_000);
    assert.ok(Date.now() - opened < HANG_GUARD_MS, 'the size check answers without analysing');
    assert.equal(diagnostics.length, 1);
    assert.match(diagnostics[0].message, /too big/);
    assert.equal(diagnostics[0].range.start.line, 0);
    assert.ok((await hoverTime(target)) < HANG_GUARD_MS);
  });
});
