import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';

export interface IntegrationReport {
  readonly passed: number;
  readonly failed: number;
  readonly tests: { readonly title: string; readonly state: 'passed' | 'failed' | 'pending'; readonly error?: string }[];
}

/**
 * Runs the integration suite inside a VS Code extension host (desktop VS Code through
 * @vscode/test-electron, or code-server through the runner extension) and reports each test.
 */
export function runWithReport(): Promise<IntegrationReport> {
  // SMCT_TEST_GREP runs only the tests whose title matches (while debugging one).
  const mocha = new Mocha({ ui: 'tdd', color: false, timeout: 60_000, grep: process.env.SMCT_TEST_GREP });
  for (const file of fs
    .readdirSync(__dirname)
    .filter((name) => name.endsWith('.vscode-test.js'))
    .sort()) {
    mocha.addFile(path.join(__dirname, file));
  }
  const tests: IntegrationReport['tests'][number][] = [];
  return new Promise((resolve) => {
    const runner = mocha.run((failures) => resolve({ passed: tests.filter((test) => test.state === 'passed').length, failed: failures, tests }));
    runner.on('pass', (test) => tests.push({ title: test.fullTitle(), state: 'passed' }));
    runner.on('fail', (test, error: Error) => tests.push({ title: test.fullTitle(), state: 'failed', error: error.stack ?? error.message }));
    runner.on('pending', (test) => tests.push({ title: test.fullTitle(), state: 'pending' }));
  });
}

/** The entry point @vscode/test-electron calls (`extensionTestsPath`). */
export async function run(): Promise<void> {
  const report = await runWithReport();
  if (report.failed > 0) throw new Error(`${report.failed} integration tests failed`);
}
