import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Registry, registryMissing, startRegistry } from '../helpers/registry';
import { BUSYBOX_DOCKERFILE, dockerBuild, trainingProject } from '../local/dockerFixtures';

const missing = registryMissing();

/** What `docker push` sends and the registry serves for it; without it distribution 2.8 converts to schema 1, another digest. */
const MANIFEST_TYPES = [
  'application/vnd.docker.distribution.manifest.v2+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.oci.image.index.v1+json',
];

function docker(config: string, args: string[], input?: string): { stdout: string; stderr: string; status: number | null } {
  const result = spawnSync('docker', ['--config', config, ...args], { input, encoding: 'utf8' });
  if (result.error) throw result.error;
  return { stdout: result.stdout, stderr: result.stderr, status: result.status };
}

function get(url: string, headers: Record<string, string>): Promise<{ status: number | undefined; headers: http.IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers, agent: false }, (response) => {
        response.resume();
        response.on('end', () => resolve({ status: response.statusCode, headers: response.headers }));
      })
      .on('error', reject);
  });
}

describe('pushing an image to a real registry with ECR-style basic auth', { skip: missing ?? false }, () => {
  const suffix = `${process.pid}-${Date.now()}`;
  const localTag = `smct-test-push:${suffix}`;
  const repository = 'smct-test/push';
  const tags: string[] = [];
  const configs: string[] = [];
  let registry: Registry | undefined;
  let startMs = 0;

  function dockerConfig(): string {
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'smct-docker-config-'));
    configs.push(folder);
    return folder;
  }

  before(async () => {
    const started = Date.now();
    registry = await startRegistry();
    startMs = Date.now() - started;
    dockerBuild(trainingProject(BUSYBOX_DOCKERFILE), localTag);
    tags.push(localTag);
  });

  after(async () => {
    if (tags.length) spawnSync('docker', ['rmi', ...tags], { encoding: 'utf8' });
    for (const folder of configs) fs.rmSync(folder, { recursive: true, force: true });
    await registry?.close();
  });

  test('docker login with the password on stdin, tag and push over plain HTTP; the registry serves the pushed digest', async (t) => {
    assert.ok(registry);
    t.diagnostic(`startRegistry took ${startMs} ms`);
    const { endpoint, username, password } = registry;
    assert.match(endpoint, /^127\.0\.0\.1:\d+$/);
    const config = dockerConfig();
    const login = docker(config, ['login', '--username', username, '--password-stdin', endpoint], password);
    assert.equal(login.status, 0, login.stderr);
    assert.match(login.stdout, /Login Succeeded/);
    assert.ok(!login.stdout.includes(password) && !login.stderr.includes(password));
    const auths = JSON.parse(fs.readFileSync(path.join(config, 'config.json'), 'utf8')).auths;
    assert.equal(auths[endpoint].auth, Buffer.from(`AWS:${password}`).toString('base64'));

    const remote = `${endpoint}/${repository}:${suffix}`;
    const tagged = docker(config, ['tag', localTag, remote]);
    assert.equal(tagged.status, 0, tagged.stderr);
    tags.push(remote);
    const started = Date.now();
    const pushed = docker(config, ['push', remote]);
    t.diagnostic(`docker push took ${Date.now() - started} ms`);
    assert.equal(pushed.status, 0, `${pushed.stderr}\n${fs.readFileSync(registry.logFile, 'utf8').slice(-3000)}`);
    const digest = /^\S+: digest: (sha256:[0-9a-f]{64}) size: \d+$/m.exec(pushed.stdout)?.[1];
    assert.ok(digest, pushed.stdout);

    const url = `http://${endpoint}/v2/${repository}/manifests/${suffix}`;
    const authorization = `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
    const manifest = await get(url, { Authorization: authorization, Accept: MANIFEST_TYPES.join(', ') });
    assert.equal(manifest.status, 200);
    assert.equal(manifest.headers['docker-content-digest'], digest);
    const anonymous = await get(url, { Accept: MANIFEST_TYPES.join(', ') });
    assert.equal(anonymous.status, 401);
    assert.equal(anonymous.headers['www-authenticate'], 'Basic realm="smct-test-registry"');
  });

  test('docker login with a wrong password is refused, and stores nothing', () => {
    assert.ok(registry);
    const config = dockerConfig();
    const login = docker(config, ['login', '--username', 'AWS', '--password-stdin', registry.endpoint], `${registry.password}x`);
    assert.notEqual(login.status, 0);
    assert.match(login.stderr, /401 Unauthorized/);
    const file = path.join(config, 'config.json');
    const auths = fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')).auths ?? {}) : {};
    assert.equal(auths[registry.endpoint], undefined);
  });
});
