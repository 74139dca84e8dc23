import assert from 'node:assert/strict';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { Worker } from 'node:worker_threads';
import { DocumentText } from '../../core/src/dockerfile/document';
import { TestClient } from '../helpers/lspClient';
import { rangeInside } from './check';
import { generateCase } from './generate';

const SEED = Number(process.env.SMCT_FUZZ_SEED ?? 20261125);
const ENGINE_CASES = 4000;
const SERVER_CASES = 400;
/** No progress for this long means a hang (a liveness limit, not a speed assertion). */
const STALL_MS = 15_000;

test(`the engine survives ${ENGINE_CASES} generated and mutated Dockerfiles (seed ${SEED}): no throw, no hang, ranges inside`, async () => {
  const problems: string[] = [];
  await new Promise<void>((resolve, reject) => {
    const worker = new Worker(path.join(__dirname, 'engineWorker.js'), { workerData: { seed: SEED, count: ENGINE_CASES } });
    let current = -1;
    let watchdog = setTimeout(stalled, STALL_MS);
    function stalled(): void {
      void worker.terminate();
      reject(new Error(`no progress for ${STALL_MS} ms on case ${current}: ${JSON.stringify(generateCase(SEED, current)).slice(0, 2000)}`));
    }
    worker.on('message', (message: { type: string; index: number; problem?: string }) => {
      clearTimeout(watchdog);
      watchdog = setTimeout(stalled, STALL_MS);
      if (message.type === 'start') current = message.index;
      if (message.type === 'problem') {
        problems.push(`case ${message.index} ${JSON.stringify(generateCase(SEED, message.index)).slice(0, 500)}: ${message.problem}`);
      }
      if (message.type === 'done') {
        clearTimeout(watchdog);
        void worker.terminate().then(() => resolve());
      }
    });
    worker.on('error', (error) => {
      clearTimeout(watchdog);
      reject(error);
    });
  });
  assert.deepEqual(problems.slice(0, 5), []);
});

test(`the language server survives ${SERVER_CASES} of them as edits to one open document`, async () => {
  const client = TestClient.inProcess();
  try {
    await client.initialize(os.tmpdir());
    const uri = `file://${path.join(os.tmpdir(), 'smct-fuzz', 'Dockerfile')}`;
    await client.open(uri, 'FROM python:3.11\n', 1);
    await client.diagnostics(uri);
    for (let index = 0; index < SERVER_CASES; index++) {
      const text = generateCase(SEED + 1, index);
      const version = index + 2;
      await client.change(uri, text, version);
      const diagnostics = await client.diagnostics(uri, (_d, params) => params.version === version, STALL_MS);
      const document = new DocumentText(text);
      for (const diagnostic of diagnostics) {
        assert.ok(
          rangeInside(document, diagnostic.range),
          `case ${index}: ${diagnostic.code} ${JSON.stringify(diagnostic.range)} outside ${JSON.stringify(text).slice(0, 300)}`,
        );
      }
      if (index % 20 === 0) {
        await client.connection.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line: index % 5, character: index % 17 } });
        await client.connection.sendRequest('textDocument/completion', { textDocument: { uri }, position: { line: index % 3, character: index % 11 } });
      }
    }
  } finally {
    await client.shutdown();
  }
});
