import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import type { Locator, Page } from 'playwright-core';
import { ROOT } from '../vscode/codeServer';
import { codeServerMissing, openFile, runCommand, useWorkbench } from './workbench';

interface Manifest {
  readonly contributes: { readonly walkthroughs: { readonly title: string; readonly steps: { readonly title: string }[] }[] };
}
const walkthrough = (JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as Manifest).contributes.walkthroughs[0];

describe('the Get Started walkthrough (code-server in Chromium)', { skip: codeServerMissing }, () => {
  const workbench = useWorkbench();

  test('lists its steps, and a step whose command ran shows as completed', async () => {
    const { page } = workbench;
    const steps = await openWalkthrough(page);
    const titles = await steps.locator('.step-title').allInnerTexts();
    assert.deepEqual(
      titles,
      walkthrough.steps.map((step) => step.title),
    );
    // The first step offers the template command before Open Folder.
    const create = steps.filter({ hasText: 'Create or open a container' });
    await create.click();
    await create.getByRole('button', { name: 'New Training Container' }).waitFor({ timeout: 30_000 });

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

describe('the walkthrough and the quick fix (code-server in Chromium)', { skip: codeServerMissing }, () => {
  const workbench = useWorkbench();

  test('applying one of the quick fixes completes "See a diagnostic and its fix", without the Problems panel', async () => {
    const { page } = workbench;
    await openFile(page, 'broken-training/Dockerfile', 'CMD ["python3", "train.py"]');
    await page.locator('.monaco-editor .squiggly-error').first().waitFor({ timeout: 60_000 });
    let steps = await openWalkthrough(page);
    const diagnostic = (): Locator => steps.filter({ hasText: 'See a diagnostic and its fix' });
    assert.equal(await diagnostic().getAttribute('aria-checked'), 'false', 'an open Dockerfile does not complete it');
    await page.locator('.tabs-container .tab', { hasText: 'Dockerfile' }).click();
    await page.locator('.monaco-editor .view-line span', { hasText: /^CMD$/ }).first().click();
    await page.keyboard.press('Control+.');
    await page.locator('.action-widget .monaco-list-row', { hasText: 'Convert CMD to ENTRYPOINT (exec form)' }).waitFor({ timeout: 30_000 });
    // The first entry is focused: choose it as a keyboard user would (the menu's pointer block takes clicks).
    assert.match(await page.locator('.action-widget .monaco-list-row.focused').innerText(), /Convert CMD to ENTRYPOINT/);
    await page.keyboard.press('Enter');
    await page.locator('.monaco-editor .view-lines').filter({ hasText: 'ENTRYPOINT ["python3", "train.py"]' }).waitFor({ timeout: 30_000 });
    steps = await openWalkthrough(page);
    await diagnostic().locator('.codicon-getting-started-step-checked').waitFor({ timeout: 30_000 });
    assert.equal(await diagnostic().getAttribute('aria-checked'), 'true');
    assert.equal(await page.locator('.markers-panel').count(), 0, 'the Problems panel was never opened');
    await workbench.screenshot('08-walkthrough-quick-fix');
  });
});

/** "Welcome: Open Walkthrough..." lists the walkthroughs by title, as a person picks one; returns its steps. */
async function openWalkthrough(page: Page): Promise<Locator> {
  await runCommand(page, 'Welcome: Open Walkthrough...');
  await page.locator('.quick-input-list .monaco-list-row', { hasText: walkthrough.title }).first().click({ timeout: 30_000 });
  const steps = page.locator('.gettingStartedSlideDetails .getting-started-step');
  await steps.first().waitFor({ timeout: 30_000 });
  return steps;
}
