import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { findCodeServer } from '../vscode/codeServer';
import { openFile, openWorkbench, type Workbench } from './workbench';

const codeServer = findCodeServer();

describe('what a person sees in VS Code (code-server in Chromium)', { skip: 'missing' in codeServer ? codeServer.missing : false }, () => {
  let workbench: Workbench;
  let page: Page;
  const shot = (name: string): Promise<void> => workbench.screenshot(name);

  before(async () => {
    assert.ok('entry' in codeServer);
    workbench = await openWorkbench(codeServer.entry);
    page = workbench.page;
    await openFile(page, 'broken-training/Dockerfile', 'CMD ["python3", "train.py"]');
  });

  after(() => workbench?.close());

  test('the CMD is underlined as an error', async () => {
    await page.locator('.monaco-editor .squiggly-error').first().waitFor({ timeout: 60_000 });
    await shot('01-squiggle');
  });

  test('the Problems panel lists SM101 with its message', async () => {
    await page.keyboard.press('Control+Shift+M');
    const row = page.locator('.markers-panel .monaco-list-row').filter({ hasText: 'replaces this CMD' });
    await row.first().waitFor({ timeout: 30_000 });
    const text = await page.locator('.markers-panel').innerText();
    assert.match(text, /SM101/);
    assert.match(text, /SageMaker runs "docker run <image> train", which replaces this CMD/);
    await shot('02-problems');
  });

  test('hovering the CMD shows the process SageMaker starts', async () => {
    const keyword = page.locator('.monaco-editor .view-line span', { hasText: /^CMD$/ }).first();
    await keyword.hover();
    const hover = page.locator('.monaco-hover-content').filter({ hasText: 'SageMaker training' });
    await hover.first().waitFor({ timeout: 30_000 });
    assert.match(await hover.first().innerText(), /replaces this CMD/);
    await shot('03-hover');
  });

  test('Ctrl+. offers the quick fix, and choosing it turns CMD into ENTRYPOINT', async () => {
    await page.mouse.move(5, 5);
    await page.locator('.monaco-editor .view-line span', { hasText: /^CMD$/ }).first().click();
    await page.keyboard.press('Control+.');
    const fix = page.locator('.action-widget .monaco-list-row', { hasText: 'Convert CMD to ENTRYPOINT (exec form)' });
    await fix.waitFor({ timeout: 30_000 });
    await shot('04-quick-fix-menu');
    // The first entry is focused: choose it as a keyboard user would.
    assert.match(await page.locator('.action-widget .monaco-list-row.focused').innerText(), /Convert CMD to ENTRYPOINT/);
    await page.keyboard.press('Enter');
    await page.locator('.monaco-editor .view-lines').filter({ hasText: 'ENTRYPOINT ["python3", "train.py"]' }).waitFor({ timeout: 30_000 });
    await page.locator('.markers-panel .monaco-list-row').filter({ hasText: 'replaces this CMD' }).waitFor({ state: 'detached', timeout: 30_000 });
    await shot('05-fixed');
  });

  test('a Dockerfile with a job file next to it shows the Build Image and Run Training Job Locally CodeLenses', async () => {
    const lenses = page.locator('.codelens-decoration');
    await lenses.filter({ hasText: 'Run Training Job Locally' }).first().waitFor({ timeout: 30_000 });
    assert.match(await lenses.first().innerText(), /Build Image/);
    await shot('06-codelens');
  });

  test('the SageMaker commands are in the command palette', async () => {
    await page.keyboard.press('F1');
    await page.keyboard.type('SageMaker:');
    const rows = page.locator('.quick-input-list .monaco-list-row');
    await rows.filter({ hasText: 'Restart Language Server' }).first().waitFor({ timeout: 30_000 });
    assert.match(await page.locator('.quick-input-list').innerText(), /SageMaker: New Training Container…/);
    await shot('07-command-palette');
    // The list shows only the rows that fit: narrow it to reach the others (">" keeps it the command palette).
    for (const title of ['Run Training Job Locally', 'Show Language Server Output', 'Serve Model Locally']) {
      await page.keyboard.press('Control+a');
      await page.keyboard.type(`>SageMaker: ${title}`);
      await rows.filter({ hasText: title }).first().waitFor({ timeout: 30_000 });
    }
    await page.keyboard.press('Escape');
  });
});
