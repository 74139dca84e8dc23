import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { CHROMIUM, CHROMIUM_ARGS, copyOfExamples, packageExtension, ROOT, startCodeServer, type RunningCodeServer } from '../vscode/codeServer';

/** Screenshots of every step, kept as test artifacts. */
export const ARTIFACTS = path.join(ROOT, 'test-results', 'e2e');

export interface Workbench {
  readonly page: Page;
  screenshot(name: string): Promise<void>;
  close(): Promise<void>;
}

/** code-server with the packaged extension on a copy of examples/, in headless Chromium. */
export async function openWorkbench(
  entry: string,
  options: { restricted?: boolean; env?: NodeJS.ProcessEnv; settings?: Record<string, unknown> } = {},
): Promise<Workbench> {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'smct-e2e-'));
  const workspace = copyOfExamples();
  let server: RunningCodeServer | undefined;
  let browser: Browser | undefined;
  const close = async (): Promise<void> => {
    await browser?.close();
    await server?.stop();
    fs.rmSync(scratch, { recursive: true, force: true });
    fs.rmSync(workspace, { recursive: true, force: true });
  };
  try {
    server = await startCodeServer({
      entry,
      workspace,
      restricted: options.restricted,
      env: options.env,
      settings: options.settings,
      extensions: [packageExtension(ROOT, path.join(scratch, 'extension.vsix'))],
    });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(server.url);
    await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    return { page, screenshot: async (name) => void (await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`) })), close };
  } catch (error) {
    await close();
    throw error;
  }
}

/** Quick Open (Ctrl+P) a workspace file, as a person would, and wait for its text. */
export async function openFile(page: Page, relative: string, showing: string): Promise<void> {
  await page.keyboard.press('Control+P');
  await page.keyboard.type(relative);
  await page.locator('.quick-input-list .monaco-list-row').first().waitFor();
  await page.keyboard.press('Enter');
  try {
    await page.locator('.monaco-editor .view-lines').filter({ hasText: showing }).waitFor({ timeout: 30_000 });
  } catch (error) {
    await page.screenshot({ path: path.join(ARTIFACTS, `failed-open-${path.basename(relative)}.png`) });
    throw error;
  }
}
