// Runs every compiled *.test.js under out/test with Node's test runner. Node 20 would also run
// every other .js file under a folder named "test" (helpers, the benchmark), so files are listed.
// --fast runs only the folders that need neither Docker nor VS Code nor a browser (test:fast);
// any other argument goes to node --test.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join, sep } from 'node:path';

/**
 * The folders of out/test for test:fast: unit, LSP, CLI and grammar tests. Left out: local and aws
 * (Docker, a registry), vscode and e2e (code-server, Chromium), fuzz (slow). A new folder is left
 * out until it is listed here.
 */
const FAST = ['unit', 'lsp', 'cli', 'grammar'];

const fast = process.argv.includes('--fast');
const files = readdirSync('out/test', { recursive: true })
  .filter((name) => name.endsWith('.test.js'))
  .filter((name) => !fast || FAST.includes(name.split(sep)[0]))
  .map((name) => join('out/test', name))
  .sort();
const args = process.argv.slice(2).filter((arg) => arg !== '--fast');
const result = spawnSync(process.execPath, ['--test', ...args, ...files], { stdio: 'inherit' });
process.exit(result.status ?? 1);
