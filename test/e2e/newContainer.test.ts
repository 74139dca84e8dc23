import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { codeServerMissing, runCommand, useWorkbench } from './workbench';

describe('"SageMaker: New Training Container…" as a person runs it (code-server in Chromium)', { skip: codeServerMissing }, () => {
  const workbench = useWorkbench();

  const quickInput = (): ReturnType<Page['locator']> => workbench.page.locator('.quick-input-widget');

  test('template, serving, the workspace folder, a name the input box checks: the project opens at its README', async () => {
    const { page } = workbench;
    // The palette lists what the extensions contribute once they are read: the SageMaker activity bar icon says so.
    await page.locator('.activitybar .action-item [aria-label^="SageMaker"]').first().waitFor({ timeout: 60_000 });
    await runCommand(page, 'SageMaker: New Training Container…');
    const row = (label: string): ReturnType<Page['locator']> => quickInput().locator('.monaco-list-row', { hasText: label });
    await row('scikit-learn').waitFor({ timeout: 30_000 });
    assert.match(await quickInput().innerText(), /New Training Container \(1\/4\)/);
    for (const title of ['XGBoost', 'PyTorch', 'TensorFlow (Keras)', 'Plain Python']) assert.ok(await row(title).isVisible(), title);
    await workbench.screenshot('new-container-1-template');
    await row('scikit-learn').click();
    await row('Training and serving').click({ timeout: 30_000 });
    // The folder dialog (code-server's own, in the quick input) starts in the workspace folder.
    await quickInput().locator('.quick-input-title', { hasText: 'New Training Container (3/4)' }).waitFor({ timeout: 30_000 });
    await workbench.screenshot('new-container-3-folder');
    await quickInput().locator('.monaco-button', { hasText: 'Create In This Folder' }).click();
    const name = quickInput().locator('input');
    await quickInput().locator('.quick-input-title', { hasText: 'New Training Container (4/4)' }).waitFor({ timeout: 30_000 });
    await name.fill('broken-training');
    const message = quickInput().locator('.quick-input-message');
    await message.filter({ hasText: 'exists and is not empty' }).waitFor({ timeout: 10_000 });
    await workbench.screenshot('new-container-4-name-taken');
    await name.fill('churn-classifier');
    await message.filter({ hasText: 'exists and is not empty' }).waitFor({ state: 'hidden', timeout: 10_000 });
    await page.keyboard.press('Enter');
    await page.locator('.tabs-container .tab.active', { hasText: 'README.md' }).waitFor({ timeout: 30_000 });
    assert.ok(await page.locator('.tabs-container .tab', { hasText: 'Dockerfile' }).isVisible());
    const toast = page.locator('.notification-toast', { hasText: 'Created churn-classifier in' });
    await toast.waitFor({ timeout: 30_000 });
    // Inside the workspace folder already: Open Folder, and no Add to Workspace.
    await toast.locator('.monaco-button', { hasText: 'Open Folder' }).waitFor({ timeout: 10_000 });
    assert.equal(await toast.locator('.monaco-button', { hasText: 'Add to Workspace' }).count(), 0);
    await workbench.screenshot('new-container-5-created');
  });
});
