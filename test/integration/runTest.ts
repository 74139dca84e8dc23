import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runTests } from '@vscode/test-electron';
import { startEmulatorForCodeServer } from '../vscode/awsEmulator';

/**
 * `npm run test:vscode`: the integration suite in desktop VS Code, downloaded by
 * @vscode/test-electron (or given by VSCODE_EXECUTABLE), with other extensions disabled. Needs
 * network access to download VS Code; on machines without it, the same suite runs in code-server
 * (test/integration/codeServer.test.ts).
 */
async function main(): Promise<void> {
  const root = path.resolve(__dirname, '../../..');
  const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'smct-vscode-'));
  fs.cpSync(path.join(root, 'examples'), workspace, { recursive: true });
  // The AWS suite talks to the emulator, as in code-server; the region setting goes in the workspace's settings.
  const aws = await startEmulatorForCodeServer({ registry: true });
  fs.mkdirSync(path.join(workspace, '.vscode'), { recursive: true });
  fs.writeFileSync(path.join(workspace, '.vscode', 'settings.json'), JSON.stringify(aws.settings, null, 2));
  try {
    await runTests({
      vscodeExecutablePath: process.env.VSCODE_EXECUTABLE,
      extensionDevelopmentPath: root,
      extensionTestsPath: path.join(__dirname, 'index.js'),
      extensionTestsEnv: aws.env,
      launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust'],
    });
  } finally {
    await aws.close();
    fs.rmSync(workspace, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
