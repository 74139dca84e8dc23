import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { chromium } from 'playwright-core';
import { startEmulatorForCodeServer, type EmulatorForCodeServer } from './awsEmulator';
import { CHROMIUM, CHROMIUM_ARGS, copyOfExamples, findCodeServer, packageExtension, ROOT, startCodeServer, waitUntil } from './codeServer';

/** The integration suite is the same one `npm run test:vscode` runs in desktop VS Code. */
interface IntegrationReport {
  readonly passed: number;
  readonly failed: number;
  readonly tests: { readonly title: string; readonly state: 'passed' | 'failed' | 'pending'; readonly error?: string }[];
}

const codeServer = findCodeServer();

test("the integration suite passes inside code-server's extension host", { skip: 'missing' in codeServer ? codeServer.missing : false }, async (t) => {
  assert.ok('entry' in codeServer);
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'smct-integration-'));
  const workspace = copyOfExamples();
  const reportFile = path.join(scratch, 'report.json');
  const extensions = [
    packageExtension(ROOT, path.join(scratch, 'sagemaker-container-tools.vsix')),
    packageExtension(path.join(ROOT, 'test', 'integration', 'runner'), path.join(scratch, 'runner.vsix')),
  ];
  // The AWS emulator (scripted jobs, no Docker) for the AWS tests; without the official models they skip.
  let aws: EmulatorForCodeServer | undefined;
  try {
    aws = await startEmulatorForCodeServer({ registry: true });
  } catch (error) {
    t.diagnostic(`AWS tests skipped: ${(error as Error).message}`);
  }
  const server = await startCodeServer({
    entry: codeServer.entry,
    workspace,
    extensions,
    env: { ...aws?.env, SMCT_INTEGRATION_SUITE: path.join(ROOT, 'out', 'test', 'integration', 'index.js'), SMCT_INTEGRATION_REPORT: reportFile },
    settings: aws?.settings,
  }).catch(async (error: unknown) => {
    await aws?.close();
    throw error;
  });
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
  try {
    const page = await browser.newPage();
    // The extension host starts when a window connects; the runner extension then runs the suite.
    await page.goto(server.url);
    await waitUntil('the integration report', () => fs.existsSync(reportFile), 300_000);
    const report = JSON.parse(fs.readFileSync(reportFile, 'utf8')) as IntegrationReport;
    assert.ok(report.tests.length > 0, 'the suite ran tests');
    for (const result of report.tests) {
      await t.test(result.title, { skip: result.state === 'pending' }, () => {
        if (result.state === 'failed') assert.fail(result.error ?? 'failed');
      });
    }
    assert.equal(report.failed, 0, `${report.failed} of ${report.tests.length} integration tests failed`);
  } finally {
    await browser.close();
    await server.stop();
    await aws?.close();
    fs.rmSync(scratch, { recursive: true, force: true });
    fs.rmSync(workspace, { recursive: true, force: true });
  }
});
