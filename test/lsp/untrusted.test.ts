import assert from 'node:assert/strict';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { codes, TestClient } from '../helpers/lspClient';
import { tempProject } from '../helpers/tempDir';

const COPIES_BIN = 'FROM python:3.11\nCOPY bin/ /usr/local/bin/\n';

describe('an untrusted workspace (Restricted Mode)', () => {
  let client: TestClient;
  let root: string;

  before(async () => {
    // .smct.json names another folder as the build context; its script has CRLF line endings (SM403).
    root = tempProject({
      'project/.smct.json': JSON.stringify({ context: '../elsewhere' }),
      'elsewhere/bin/train': { content: '#!/bin/sh\r\nexit 0\r\n', mode: 0o755 },
    });
    client = TestClient.inProcess();
    await client.initialize(root, { debounceMs: 0, trusted: false });
  });
  after(() => client.shutdown());

  test(".smct.json's context is ignored until the workspace is trusted, as the contextFolder setting is", async () => {
    const target = `file://${path.join(root, 'project', 'Dockerfile')}`;
    await client.open(target, COPIES_BIN);
    const untrusted = codes(await client.diagnostics(target));
    assert.ok(!untrusted.includes('SM403'), `the context stays the Dockerfile's folder (got ${untrusted.join(', ')})`);
    await client.connection.sendNotification('sagemakerContainerTools/workspaceTrusted');
    await client.diagnostics(target, (found) => codes(found).includes('SM403'));
  });
});
