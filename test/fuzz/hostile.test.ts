import assert from 'node:assert/strict';
import * as path from 'node:path';
import { test } from 'node:test';
import { Worker } from 'node:worker_threads';
import { HOSTILE_CASES } from './hostileCases';

/** A case still running after this long hangs (a liveness limit, not a speed assertion). */
const CASE_LIMIT_MS = 15_000;

/** Runs one case in a worker; resolves 'done', or 'hung' when the limit passes first. */
function runCase(name: string): Promise<'done' | 'hung'> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(path.join(__dirname, 'hostileWorker.js'), { workerData: { name } });
    const limit = setTimeout(() => void worker.terminate().then(() => resolve('hung')), CASE_LIMIT_MS);
    worker.on('message', () => {
      clearTimeout(limit);
      void worker.terminate().then(() => resolve('done'));
    });
    worker.on('error', (error) => {
      clearTimeout(limit);
      reject(error);
    });
  });
}

for (const name of Object.keys(HOSTILE_CASES)) {
  test(`hostile input "${name}" is analysed within ${CASE_LIMIT_MS / 1000} s`, { timeout: CASE_LIMIT_MS * 4 }, async () => {
    assert.equal(await runCase(name), 'done');
  });
}
