import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { dockerMissing } from '../local/dockerFixtures';

/** Debian's docker-registry package: distribution 2.8. */
export const REGISTRY_BINARY = '/usr/bin/docker-registry';

/** A registry as ECR looks to docker: `docker login --username AWS` with the password, then push to `${endpoint}/repo:tag`. */
export interface Registry {
  /** '127.0.0.1:PORT', as in ECR's proxyEndpoint without the scheme; docker talks plain HTTP to 127.0.0.0/8. */
  endpoint: string;
  username: 'AWS';
  password: string;
  /** The registry's own log (stderr), for a failing test's message. */
  logFile: string;
  /** Stops the registry and removes its storage, config and log. Safe to call twice. */
  close(): Promise<void>;
}

/** Why the registry tests cannot run here, or undefined when they can. */
export function registryMissing(): string | undefined {
  if (!fs.existsSync(REGISTRY_BINARY)) return `${REGISTRY_BINARY} is missing (Debian package docker-registry): run "npm run setup"`;
  if (spawnSync('htpasswd', ['-h']).error) return 'htpasswd is missing (Debian package apache2-utils): run "npm run setup"';
  return dockerMissing();
}

const running = new Set<{ child: ChildProcess; root: string }>();
process.on('exit', () => {
  for (const { child, root } of running) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    fs.rmSync(root, { recursive: true, force: true });
  }
});

const READY_TIMEOUT_MS = 15_000;

/**
 * Starts `docker-registry serve` on 127.0.0.1 on a free port, with its storage in a temporary folder and
 * htpasswd (bcrypt) basic auth for user AWS with a random password, and resolves once `GET /v2/` answers 401.
 */
export async function startRegistry(): Promise<Registry> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'smct-registry-'));
  try {
    const password = randomBytes(32).toString('base64url');
    const htpasswdFile = path.join(root, 'htpasswd');
    // -i: the password comes from stdin, never a command line; -B: bcrypt, the only hash distribution accepts.
    const hashed = spawnSync('htpasswd', ['-iBn', 'AWS'], { input: password, encoding: 'utf8' });
    if (hashed.error || hashed.status !== 0) throw new Error(`htpasswd failed: ${hashed.error?.message ?? hashed.stderr}`);
    fs.writeFileSync(htpasswdFile, hashed.stdout.trim() + '\n', { mode: 0o600 });
    fs.mkdirSync(path.join(root, 'storage'));
    // A port picked now may be taken before the registry binds it: try again with another one.
    for (let attempt = 1; ; attempt++) {
      const port = await freePort();
      const started = await serve(root, htpasswdFile, port);
      if (started.ok) return registry(started.child, root, `127.0.0.1:${port}`, password, started.logFile);
      if (!started.portTaken || attempt === 3) throw new Error(started.reason);
    }
  } catch (error) {
    fs.rmSync(root, { recursive: true, force: true });
    throw error;
  }
}

type Started = { ok: true; child: ChildProcess; logFile: string } | { ok: false; reason: string; portTaken: boolean };

async function serve(root: string, htpasswdFile: string, port: number): Promise<Started> {
  const configFile = path.join(root, 'config.yml');
  const logFile = path.join(root, `registry-${port}.log`);
  // JSON is YAML, and needs no quoting rules for the temporary paths.
  const config = {
    version: 0.1,
    log: { level: 'info', formatter: 'text' },
    storage: { filesystem: { rootdirectory: path.join(root, 'storage') }, delete: { enabled: true } },
    // A fixed secret silences "No HTTP secret provided"; one registry process needs no shared one.
    http: { addr: `127.0.0.1:${port}`, secret: randomBytes(16).toString('hex'), headers: { 'X-Content-Type-Options': ['nosniff'] } },
    auth: { htpasswd: { realm: 'smct-test-registry', path: htpasswdFile } },
  };
  fs.writeFileSync(configFile, JSON.stringify(config, null, 2));
  // REGISTRY_* variables override the config file: none from this environment may leak in.
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('REGISTRY_')));
  const log = fs.openSync(logFile, 'w');
  let child: ChildProcess;
  try {
    child = spawn(REGISTRY_BINARY, ['serve', configFile], { env, stdio: ['ignore', log, log] });
  } finally {
    fs.closeSync(log);
  }
  const entry = { child, root };
  running.add(entry);
  // A test that forgets close() must not keep its process alive: the exit handler stops the registry.
  child.unref();
  let exited: string | undefined;
  child.on('error', (error) => (exited = error.message));
  child.on('exit', (code, signal) => (exited ??= `exited with ${signal ?? `code ${code}`}`));
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    const status = await v2Status(port);
    if (status === 401) return { ok: true, child, logFile };
    // Another answer than 401 is another server on that port, or a registry without auth.
    const failure = exited
      ? `docker-registry ${exited}`
      : status !== undefined
        ? `GET /v2/ answered ${status}, not 401: is auth configured?`
        : Date.now() > deadline
          ? `docker-registry did not answer on 127.0.0.1:${port} within ${READY_TIMEOUT_MS} ms`
          : undefined;
    if (failure) {
      running.delete(entry);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      const output = fs.readFileSync(logFile, 'utf8');
      return {
        ok: false,
        reason: `${failure}. Its log:\n${output.split('\n').slice(-20).join('\n')}`,
        portTaken: /address already in use/.test(output) || status !== undefined,
      };
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function registry(child: ChildProcess, root: string, endpoint: string, password: string, logFile: string): Registry {
  let closing: Promise<void> | undefined;
  return {
    endpoint,
    username: 'AWS',
    password,
    logFile,
    close: () =>
      (closing ??= (async () => {
        if (child.exitCode === null && child.signalCode === null) {
          child.ref();
          const exited = new Promise((resolve) => child.once('exit', resolve));
          child.kill('SIGTERM');
          const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
          await exited;
          clearTimeout(timer);
        }
        for (const entry of running) if (entry.child === child) running.delete(entry);
        fs.rmSync(root, { recursive: true, force: true });
      })()),
  };
}

/** The status of `GET /v2/`, or undefined while nothing listens. */
function v2Status(port: number): Promise<number | undefined> {
  return new Promise((resolve) => {
    const request = http.get({ host: '127.0.0.1', port, path: '/v2/', agent: false, timeout: 2_000 }, (response) => {
      response.resume();
      resolve(response.statusCode);
    });
    request.on('timeout', () => request.destroy());
    request.on('error', () => resolve(undefined));
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
