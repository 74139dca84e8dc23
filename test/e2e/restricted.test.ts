import { describe, test } from 'node:test';
import { codeServerMissing, openFile, useWorkbench } from './workbench';

describe('in Restricted Mode (an untrusted workspace)', { skip: codeServerMissing }, () => {
  const workbench = useWorkbench({ restricted: true });

  test('the analysis still runs (it only reads files), under the Restricted Mode banner', async () => {
    const { page } = workbench;
    await page.locator('.statusbar-item', { hasText: 'Restricted Mode' }).first().waitFor({ timeout: 30_000 });
    await openFile(page, 'broken-training/Dockerfile', 'CMD ["python3", "train.py"]');
    await page.locator('.monaco-editor .squiggly-error').first().waitFor({ timeout: 60_000 });
    await workbench.screenshot('08-restricted-mode');
  });
});
