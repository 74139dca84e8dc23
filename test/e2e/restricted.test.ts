import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { findCodeServer } from '../vscode/codeServer';
import { openFile, openWorkbench, type Workbench } from './workbench';

const codeServer = findCodeServer();

describe('in Restricted Mode (an untrusted workspace)', { skip: 'missing' in codeServer ? codeServer.missing : false }, () => {
  let workbench: Workbench;

  before(async () => {
    assert.ok('entry' in codeServer);
    workbench = await openWorkbench(codeServer.entry, { restricted: true });
  });
  after(() => workbench?.close());

  test('the analysis still runs (it only reads files), under the Restricted Mode banner', async () => {
    const { page } = workbench;
    await page.locator('.statusbar-item', { hasText: 'Restricted Mode' }).first().waitFor({ timeout: 30_000 });
    await openFile(page, 'broken-training/Dockerfile', 'CMD ["python3", "train.py"]');
    await page.locator('.monaco-editor .squiggly-error').first().waitFor({ timeout: 60_000 });
    await workbench.screenshot('08-restricted-mode');
  });
});
