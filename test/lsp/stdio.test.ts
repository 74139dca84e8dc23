import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { test } from 'node:test';
import { codes, TestClient } from '../helpers/lspClient';
import { tempProject } from '../helpers/tempDir';

const SMCT = path.resolve(__dirname, '../../../bin/smct.js');

test('smct lsp --stdio serves diagnostics to a client over stdio and exits on "exit"', async () => {
  const root = tempProject({});
  const child = spawn(process.execPath, [SMCT, 'lsp', '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  const client = new TestClient(child.stdout, child.stdin);
  await client.initialize(root, {});
  const uri = `file://${path.join(root, 'Dockerfile')}`;
  await client.open(uri, 'FROM python:3.11\nCMD ["python", "train.py"]\n');
  assert.deepEqual(codes(await client.diagnostics(uri)), ['SM101']);
  await client.connection.sendRequest('shutdown');
  await client.connection.sendNotification('exit');
  assert.equal(await exited, 0);
  client.connection.dispose();
});
