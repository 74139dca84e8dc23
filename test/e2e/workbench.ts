import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import {
  CHROMIUM,
  CHROMIUM_ARGS,
  copyOfExamples,
  findCodeServer,
  packageExtension,
  ROOT,
  startCodeServer,
  waitUntil,
  type RunningCodeServer,
} from '../vscode/codeServer';

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

/** Where code-server is, or why it is missing: a suite's `skip` reason. */
export const codeServer = findCodeServer();
export const codeServerMissing: string | false = 'missing' in codeServer ? codeServer.missing : false;

/**
 * One workbench for the enclosing describe(): opened before its tests, closed after them. Call it in
 * the describe's body; its page and screenshots are there once the tests run.
 */
export function useWorkbench(options?: Parameters<typeof openWorkbench>[1]): Workbench {
  let opened: Workbench | undefined;
  before(async () => {
    assert.ok('entry' in codeServer);
    opened = await openWorkbench(codeServer.entry, options);
  });
  after(() => opened?.close());
  const current = (): Workbench => {
    assert.ok(opened, 'the workbench is opened before the tests');
    return opened;
  };
  return {
    get page() {
      return current().page;
    },
    screenshot: (name) => current().screenshot(name),
    close: async () => opened?.close(),
  };
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

/** Runs a command from the command palette (F1), by its title, as a person would. */
export async function runCommand(page: Page, title: string): Promise<void> {
  // Right after a (re)load the workbench may not take keys yet: F1 again until the palette opens.
  for (let attempt = 1; ; attempt++) {
    await page.keyboard.press('F1');
    try {
      await page.locator('.quick-input-widget input').waitFor({ timeout: 5_000 });
      break;
    } catch (error) {
      if (attempt === 6) throw error;
    }
  }
  await page.keyboard.type(title);
  await page
    .locator('.quick-input-list .monaco-list-row', { has: page.getByText(title, { exact: true }) })
    .first()
    .click({ timeout: 30_000 });
}

/**
 * "Developer: Reload Window": the page loads again and code-server starts a new extension host, as
 * in a person's browser. Returns when the new workbench is there.
 */
export async function reloadWindow(page: Page): Promise<void> {
  const mark = (): Promise<boolean> => page.evaluate(() => (globalThis as { smctOldWindow?: boolean }).smctOldWindow === true);
  await page.evaluate(() => void ((globalThis as { smctOldWindow?: boolean }).smctOldWindow = true));
  await runCommand(page, 'Developer: Reload Window');
  // The old page's script context goes with it: evaluating fails during the navigation, then finds no mark.
  await waitUntil('the window to reload', async () => !(await mark().catch(() => true)), 60_000);
  await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
}

interface DrawnLine {
  readonly top: number;
  readonly height: number;
  readonly text: string;
}

/**
 * Every line of a Monaco editor (the Output view's, say), which draws only the lines in view: it
 * goes to the end with Ctrl+End, where the cursor tells how many lines there are, then from the top
 * down a page at a time (Ctrl+Home, Page Down), as a person reading it would, keeping each line by
 * its place (a line's `top` is its index times the line height). The editor's text must not change meanwhile.
 */
export async function editorLines(page: Page, editor: Locator): Promise<string[]> {
  // `editor`: the .monaco-editor element.
  const drawn = (): Promise<DrawnLine[]> =>
    editor.locator('.view-lines .view-line').evaluateAll((elements) =>
      elements.map((element) => ({
        top: parseFloat(element.style.top),
        height: parseFloat(element.style.height),
        // The editor draws spaces as no-break spaces.
        text: (element.textContent ?? '').replace(/\u00a0/g, ' '),
      })),
    );
  const cursorTop = async (): Promise<number | undefined> => {
    const tops = await editor.locator('.cursors-layer .cursor').evaluateAll((elements) => elements.map((element) => parseFloat(element.style.top)));
    return tops.length === 1 && Number.isFinite(tops[0]) ? tops[0] : undefined;
  };
  const lineHeight = async (): Promise<number> => {
    const lines = await drawn();
    assert.ok(lines.length > 0 && lines[0].height > 0, 'the editor draws lines');
    return lines[0].height;
  };
  // Top left: clear of notifications.
  await editor.click({ position: { x: 40, y: 10 } });
  await page.keyboard.press('Control+Home');
  await waitUntil('the cursor on the first line', async () => (await cursorTop()) === 0 && (await drawn()).some((line) => line.top === 0), 10_000);
  const height = await lineHeight();
  await page.keyboard.press('Control+End');
  let last = 0;
  // One line only, or the cursor moved (lines and cursor are drawn in the same frame).
  await waitUntil(
    'the cursor on the last line',
    async () => {
      const top = (await cursorTop()) ?? 0;
      last = Math.round(top / height);
      return top > 0 && (await drawn()).some((line) => line.top === top);
    },
    10_000,
  ).catch((error: Error) => {
    if (last !== 0) throw error;
  });
  const lines = new Map<number, string>();
  const keep = async (): Promise<void> => {
    for (const line of await drawn()) lines.set(Math.round(line.top / height), line.text);
  };
  await keep();
  await page.keyboard.press('Control+Home');
  await waitUntil('the first line', async () => (await drawn()).some((line) => line.top === 0), 10_000);
  await keep();
  for (let pages = 0; Array.from({ length: last + 1 }, (_, index) => index).some((index) => !lines.has(index)); pages++) {
    assert.ok(pages <= last, `Page Down reached every line of ${last + 1}`);
    const before = Math.max(...(await drawn()).map((line) => line.top));
    await page.keyboard.press('PageDown');
    await waitUntil('the next page', async () => Math.max(...(await drawn()).map((line) => line.top)) > before, 10_000);
    await keep();
  }
  return Array.from({ length: last + 1 }, (_, index) => lines.get(index)!);
}
