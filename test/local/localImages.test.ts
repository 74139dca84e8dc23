import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { lintCommand } from '../../cli/src/lint';
import { inspectImageConfig, inspectLocalImages, lintJobDockerfile, loadTrainingJob, readLocalImages, type LocalImageRead } from '../../core/src';
import { LocalImageCache } from '../../server/src/features/localImages';
import { codes, TestClient } from '../helpers/lspClient';
import { SMCT } from '../helpers/smctProcess';
import { tempProject } from '../helpers/tempDir';
import { BUSYBOX, dockerBuild, dockerMissing, writeJob } from './dockerFixtures';

const missing = dockerMissing();
/** This test process's own base image, removed when it ends. */
const BASE = `smct-test-local-base-${randomBytes(4).toString('hex')}:1`;

describe('base images read from the real Docker engine', { skip: missing ?? false }, () => {
  let project: string;

  before(() => {
    const base = tempProject({
      busybox: { content: fs.readFileSync(BUSYBOX), mode: 0o755 },
      Dockerfile:
        'FROM scratch\nCOPY busybox /bin/busybox\nENV PATH=/opt/tools/bin:/bin SMCT_BASE=yes\nUSER 1000\nWORKDIR /work\nENTRYPOINT ["/bin/busybox", "sh", "-c", "exec \\"$@\\"", "--"]\nCMD ["train"]\n',
    });
    dockerBuild(base, BASE);
    project = tempProject({ Dockerfile: `FROM ${BASE}\nCMD ["python", "train.py"]\n` });
  });
  after(() => spawnSync('docker', ['image', 'rm', '--force', BASE]));

  test('docker image inspect gives the configuration the base was built with', async () => {
    const config = await inspectImageConfig(BASE);
    assert.ok(config);
    assert.deepEqual(config.entrypoint, ['/bin/busybox', 'sh', '-c', 'exec "$@"', '--']);
    assert.deepEqual(config.cmd, ['train']);
    assert.deepEqual(config.path, ['/opt/tools/bin', '/bin']);
    assert.equal(config.env.SMCT_BASE, 'yes');
    assert.equal(config.user, '1000');
    assert.equal(config.workdir, '/work');
    assert.deepEqual(config.platforms, [`linux/${process.arch === 'arm64' ? 'arm64' : 'amd64'}`]);
    assert.equal(await inspectImageConfig(`${BASE}-absent`), undefined);
  });

  test('the reader finds the Dockerfile’s base and answers its configuration; an absent image is unknown', async () => {
    const read = await readLocalImages([{ text: fs.readFileSync(path.join(project, 'Dockerfile'), 'utf8') }, { text: `FROM ${BASE}-absent\n` }]);
    assert.equal(read.unavailable, undefined);
    assert.deepEqual(read.lookup(BASE), await inspectImageConfig(BASE));
    assert.equal(read.lookup(`${BASE}-absent`), undefined);
    assert.deepEqual([...read.answered].sort(), [BASE, `${BASE}-absent`]);
  });

  test('smct lint reads it: the lint is given what docker answered', async () => {
    const reads: LocalImageRead[] = [];
    const output = await lintCommand([path.join(project, 'Dockerfile')], {
      inspectLocalImages: async (references, options) => {
        const read = await inspectLocalImages(references, options);
        reads.push(read);
        return read;
      },
    });
    assert.equal(output.stderr, '');
    assert.equal(reads.length, 1);
    assert.deepEqual(reads[0].found.get(BASE)?.path, ['/opt/tools/bin', '/bin']);

    await lintCommand(['--no-docker', path.join(project, 'Dockerfile')], { inspectLocalImages: async () => assert.fail('--no-docker read images') });
  });

  test('smct lint with Docker knows what the base sets (its USER 1000: SM402 on the FROM); with --no-docker it does not', () => {
    const run = (args: string[]) => spawnSync(process.execPath, [SMCT, 'lint', '--fail-on', 'none', ...args], { cwd: project, encoding: 'utf8' });
    assert.match(run(['Dockerfile']).stdout, new RegExp(`^Dockerfile:1:6: warning SM402 The base image ${BASE} runs as "1000"`, 'm'));
    assert.doesNotMatch(run(['--no-docker', 'Dockerfile']).stdout, /SM402/);
  });

  test('the lint gate before a build (smct build, smct submit, VS Code) reads it as smct lint does', async () => {
    writeJob(project, { image: `${BASE}-job` });
    const gate = await lintJobDockerfile(loadTrainingJob(path.join(project, 'sagemaker-job.json')));
    const fromBase = gate.findings.find((finding) => finding.rule === 'SM402');
    assert.equal(fromBase?.range.start.line, 0, JSON.stringify(gate.findings.map((finding) => finding.rule)));
  });

  test('smct lint --no-docker with no docker on PATH, and smct lint with the daemon unreachable: the output of a run without Docker', () => {
    const run = (args: string[], env: NodeJS.ProcessEnv) => spawnSync(process.execPath, [SMCT, 'lint', ...args], { cwd: project, encoding: 'utf8', env });
    const noDocker = run(['--no-docker', 'Dockerfile'], { ...process.env, PATH: '/nonexistent' });
    const unreachable = run(['Dockerfile'], { ...process.env, DOCKER_HOST: 'unix:///nonexistent/docker.sock' });
    assert.equal(noDocker.stderr, '');
    assert.deepEqual([unreachable.status, unreachable.stdout, unreachable.stderr], [noDocker.status, noDocker.stdout, noDocker.stderr]);
  });

  test('the language server reads it in the background: diagnostics published again, the hover on FROM says where the facts come from', async () => {
    const client = TestClient.inProcess();
    try {
      await client.initialize(project, { debounceMs: 0, readLocalImages: true });
      const uri = `file://${path.join(project, 'Dockerfile')}`;
      await client.open(uri, fs.readFileSync(path.join(project, 'Dockerfile'), 'utf8'));
      const diagnostics = await client.diagnostics(uri, (found) => codes(found).includes('SM402'));
      assert.equal(diagnostics.find((diagnostic) => diagnostic.code === 'SM402')?.range.start.line, 0);
      const hover = await client.connection.sendRequest<{ contents: { value: string } } | null>('textDocument/hover', {
        textDocument: { uri },
        position: { line: 0, character: 7 },
      });
      assert.match(hover?.contents.value ?? '', new RegExp(`Read from the image \`${BASE}\` in the local Docker engine`));
    } finally {
      await client.shutdown();
    }
  });

  test('the language server’s cache reads it in the background', async () => {
    const changed: string[] = [];
    const cache = new LocalImageCache((reference) => changed.push(reference), { debounceMs: 0, log: () => undefined });
    try {
      cache.want(BASE);
      const deadline = Date.now() + 10_000;
      while (changed.length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
      assert.deepEqual(changed, [BASE]);
      assert.deepEqual(cache.lookup(BASE)?.entrypoint, ['/bin/busybox', 'sh', '-c', 'exec "$@"', '--']);
    } finally {
      cache.dispose();
    }
  });
});
