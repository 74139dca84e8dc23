import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { npx, packAndInstall } from '../helpers/installedPackage';

// What a user of another project does: pack smct, install the tarball, run it with npx.
const ROOT = path.resolve(__dirname, '../../..');
const VERSION = (JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

/** What the package may hold: the bundles, the launcher, and what the CLI and the extension read at run time. */
const SHIPPED =
  /^(package\.json|README\.md|CHANGELOG\.md|LICENSE|bin\/smct\.js|dist\/(cli|server|aws|extension)\.js|docs\/rules\/SM\d{3}\.md|schemas\/[\w-]+\.schema\.json|syntaxes\/[\w.-]+\.tmLanguage\.json|resources\/[\w-]+\.(svg|png)|resources\/walkthrough\/[\w-]+\.md|templates\/[\w-]+\/(program\/[\w.]+|data\/\w+\/\w+\.csv|requirements\.txt))$/;

const BROKEN_DOCKERFILE = 'FROM python:3.11\nENV PYTHONUNBUFFERED=1\nCMD ["python", "train.py"]\n';

/** Sends an LSP initialize request to `smct lsp --stdio` and resolves with the first message it answers. */
function lspInitialize(project: string, cache: string): Promise<string> {
  const child = spawn('npx', ['--no', '--offline', 'smct', 'lsp', '--stdio'], { cwd: project, env: { ...process.env, npm_config_cache: cache } });
  const body = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { processId: null, rootUri: null, capabilities: {} } });
  child.stdin.write(`Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('"capabilities"')) {
        child.kill();
        resolve(out);
      }
    });
    child.on('exit', (code) => reject(new Error(`smct lsp exited (${code}) without answering: ${out}${err}`)));
  });
}

test('smct packs with only its run-time files, installs into another project without the registry, and runs there with npx', async () => {
  const { files, project, cache } = packAndInstall({ 'trainer/Dockerfile': BROKEN_DOCKERFILE });

  assert.deepEqual(
    files.filter((file) => !SHIPPED.test(file)),
    [],
    'no sources, tests, source maps or development files',
  );
  for (const expected of [
    'bin/smct.js',
    'dist/cli.js',
    'dist/server.js',
    'dist/aws.js',
    'dist/extension.js',
    'docs/rules/SM101.md',
    'schemas/smct.schema.json',
    'templates/common/program/contract.py',
    'templates/scikit-learn/program/train',
  ]) {
    assert.ok(files.includes(expected), `${expected} is packed`);
  }
  const manifest = JSON.parse(fs.readFileSync(path.join(project, 'node_modules/sagemaker-container-tools/package.json'), 'utf8')) as Record<string, unknown>;
  assert.equal(manifest.dependencies, undefined, 'everything is bundled: installing downloads nothing else');

  const bundle = fs.readFileSync(path.join(project, 'node_modules/sagemaker-container-tools/dist/cli.js'), 'utf8');
  assert.equal(bundle.includes('sourceMappingURL'), false, 'the production build, whose source maps are not packed');

  const version = npx(['--version'], project, cache);
  assert.equal(version.status, 0, version.stderr);
  assert.equal(version.stdout.trim(), VERSION);

  const lint = npx(['lint', 'trainer/Dockerfile'], project, cache);
  assert.equal(lint.status, 1, lint.stderr);
  assert.match(lint.stdout, /trainer\/Dockerfile:3:\d+.*SM101/);

  // The SARIF help text is read from the installed docs/rules: the package finds its own files.
  const sarif = npx(['lint', '--format', 'sarif', 'trainer/Dockerfile'], project, cache);
  const rules = (JSON.parse(sarif.stdout) as { runs: { tool: { driver: { rules: { id: string; help?: { markdown?: string } }[] } } }[] }).runs[0].tool.driver
    .rules;
  assert.match(rules.find((rule) => rule.id === 'SM101')?.help?.markdown ?? '', /# SM101/);

  assert.match(await lspInitialize(project, cache), /"textDocumentSync"/);
});
