import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { findCodeServer, ROOT } from '../vscode/codeServer';
import { openWorkbench, runCommand, type Workbench } from './workbench';

const codeServer = findCodeServer();

interface Manifest {
  readonly contributes: { readonly walkthroughs: { readonly title: string; readonly steps: { readonly title: string }[] }[] };
}
const walkthrough = (JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as Manifest).contributes.walkthroughs[0];

describe('the Get Started walkthrough (code-server in Chromium)', { skip: 'missing' in codeServer ? codeServer.missing : false }, () => {
  let workbench: Workbench;
  let page: Page;

  before(async () => {
    assert.ok('entry' in codeServer);
    workbench = await openWorkbench(codeServer.entry);
    page = workbench.page;
  });

  after(() => workbench?.close());

  test('lists its steps, and a step whose command ran shows as completed', async () => {
    // "Welcome: Open Walkthrough..." lists the walkthroughs by title, as a person picks one.
    await runCommand(page, 'Welcome: Open Walkthrough...');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: walkthrough.title }).first().click({ timeout: 30_000 });
    const steps = page.locator('.gettingStartedSlideDetails .getting-started-step');
    await steps.first().waitFor({ timeout: 30_000 });
    const titles = await steps.locator('.step-title').allInnerTexts();
    assert.deepEqual(
      titles,
      walkthrough.steps.map((step) => step.title),
    );

    const diagnostic = steps.filter({ hasText: 'See a diagnostic and its fix' });
    assert.equal(await diagnostic.getAttribute('aria-checked'), 'false');
    await diagnostic.click();
    await diagnostic.getByRole('button', { name: 'Show Problems' }).click({ timeout: 30_000 });
    await page.locator('.markers-panel').waitFor({ timeout: 30_000 });
    // The step's checkbox turns checked when one of its completion events fired.
    await diagnostic.locator('.codicon-getting-started-step-checked').waitFor({ timeout: 30_000 });
    assert.equal(await diagnostic.getAttribute('aria-checked'), 'true');
    assert.equal(await steps.filter({ hasText: 'Build the image' }).getAttribute('aria-checked'), 'false');
    await workbench.screenshot('08-walkthrough');
  });
});
