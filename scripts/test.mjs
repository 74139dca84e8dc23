// Runs every compiled *.test.js under out/test with Node's test runner. Node 20 would also run
// every other .js file under a folder named "test" (helpers, the benchmark), so files are listed.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

const files = readdirSync('out/test', { recursive: true })
  .filter((name) => name.endsWith('.test.js'))
  .map((name) => join('out/test', name))
  .sort();
const result = spawnSync(process.execPath, ['--test', ...process.argv.slice(2), ...files], { stdio: 'inherit' });
process.exit(result.status ?? 1);
