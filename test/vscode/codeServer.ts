import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

export const ROOT = path.resolve(__dirname, '../../..');
export const CODE_SERVER_VERSION = '4.100.3';
export const CHROMIUM = process.env.SMCT_CHROMIUM ?? '/usr/bin/chromium';

/** Flags that keep Debian's Chromium off the closed network and quiet when headless as root. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

/** code-server as scripts/setup-code-server.sh installs it, or undefined with the reason. */
export function findCodeServer(): { entry: string } | { missing: string } {
  const cache = process.env.SMCT_CACHE ?? path.join(os.homedir(), '.cache', 'sagemaker-container-tools');
  const folder = path.join(cache, `code-server-${CODE_SERVER_VERSION}`);
  const entry = path.join(folder, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
  if (!fs.existsSync(path.join(folder, '.smct-complete')) || !fs.existsSync(entry)) {
    return { missing: `code-server ${CODE_SERVER_VERSION} is not installed in ${folder}: run "npm run setup"` };
  }
  if (!fs.existsSync(CHROMIUM)) return { missing: `Chromium is not installed at ${CHROMIUM}: run "npm run setup"` };
  return { entry };
}

/** Packages a folder holding an extension into a .vsix with vsce; returns the file. */
export function packageExtension(folder: string, out: string): string {
  const vsce = require.resolve('@vscode/vsce/vsce');
  const result = spawnSync(process.execPath, [vsce, 'package', '--no-dependencies', '--allow-missing-repository', '--skip-license', '--out', out], {
    cwd: folder,
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`vsce package failed in ${folder}: ${result.stderr || result.stdout}`);
  return out;
}

export interface CodeServerOptions {
  readonly entry: string;
  readonly workspace: string;
  /** .vsix files to install first. */
  readonly extensions: readonly string[];
  readonly env?: NodeJS.ProcessEnv;
  readonly port?: number;
  /** User settings (settings.json). */
  readonly settings?: Record<string, unknown>;
  /** Open the workspace in Restricted Mode (Workspace Trust on) instead of trusted. */
  readonly restricted?: boolean;
}

export interface RunningCodeServer {
  readonly url: string;
  readonly port: number;
  readonly dataDir: string;
  readonly output: () => string;
  stop(): Promise<void>;
}

const DEFAULT_SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'telemetry.telemetryLevel': 'off',
  'extensions.autoUpdate': false,
  'extensions.autoCheckUpdates': false,
  'update.mode': 'none',
  'security.workspace.trust.startupPrompt': 'never',
  'git.enabled': false,
};

/**
 * Installs the extensions into fresh user-data and extension folders and starts code-server on
 * 127.0.0.1 with no authentication (loopback only), serving `workspace`.
 */
export async function startCodeServer(options: CodeServerOptions): Promise<RunningCodeServer> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'smct-code-server-'));
  const userData = path.join(dataDir, 'user-data');
  const extensionsDir = path.join(dataDir, 'extensions');
  fs.mkdirSync(path.join(userData, 'User'), { recursive: true });
  fs.writeFileSync(path.join(userData, 'User', 'settings.json'), JSON.stringify({ ...DEFAULT_SETTINGS, ...options.settings }, null, 2));
  const common = ['--user-data-dir', userData, '--extensions-dir', extensionsDir, '--disable-telemetry', '--disable-update-check'];
  for (const vsix of options.extensions) {
    const installed = spawnSync(process.execPath, [options.entry, ...common, '--install-extension', vsix], { encoding: 'utf8' });
    if (installed.status !== 0) throw new Error(`installing ${vsix} into code-server failed: ${installed.stderr || installed.stdout}`);
  }
  const port = options.port ?? (await freePort());
  let output = '';
  const trust = options.restricted ? [] : ['--disable-workspace-trust'];
  const child: ChildProcess = spawn(
    process.execPath,
    [options.entry, ...common, ...trust, '--auth', 'none', '--bind-addr', `127.0.0.1:${port}`, options.workspace],
    {
      env: { ...process.env, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    },
  );
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.pid !== undefined) {
      // The extension host and its language server are children: end the whole group.
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        // Already gone.
      }
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5000))]);
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
    fs.rmSync(dataDir, { recursive: true, force: true });
  };
  const url = `http://127.0.0.1:${port}/?folder=${encodeURIComponent(options.workspace)}`;
  try {
    await waitUntil(
      `code-server on port ${port}`,
      () => healthy(port),
      60_000,
      () => child.exitCode !== null,
    );
  } catch (error) {
    await stop();
    throw new Error(`${(error as Error).message}\ncode-server said:\n${output}`);
  }
  return { url, port, dataDir, output: () => output, stop };
}

function healthy(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const request = http.get({ host: '127.0.0.1', port, path: '/healthz', timeout: 2000 }, (response) => {
      response.resume();
      resolve(response.statusCode === 200);
    });
    request.on('error', () => resolve(false));
    request.on('timeout', () => {
      request.destroy();
      resolve(false);
    });
  });
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** Polls a condition (no fixed sleeps); `gaveUp` ends the wait early (the process died). */
export async function waitUntil(what: string, check: () => boolean | Promise<boolean>, timeoutMs: number, gaveUp: () => boolean = () => false): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (gaveUp()) throw new Error(`gave up waiting for ${what}`);
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** A copy of examples/ to open as the workspace, so quick fixes never touch the repository. */
export function copyOfExamples(): string {
  const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'smct-workspace-'));
  fs.cpSync(path.join(ROOT, 'examples'), workspace, { recursive: true });
  return workspace;
}
