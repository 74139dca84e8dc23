import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { engineRuntimes, gpuPlan, gpuStartFailure } from '../../core/src/local/gpus';
import { tempProject } from '../helpers/tempDir';
import { BUSYBOX, dockerBuild, dockerMissing } from './dockerFixtures';

const missing = dockerMissing();
/** This engine has the NVIDIA runtime: the refusals cannot be seen here. */
const nvidiaHere =
  !missing && /"nvidia/.test(spawnSync('docker', ['info', '--format', '{{json .Runtimes}}'], { encoding: 'utf8' }).stdout)
    ? 'this Docker engine has the NVIDIA runtime, so it does not refuse GPU instance types'
    : false;
const own = randomBytes(4).toString('hex');
/** This test process's own image and container names, removed when it ends. */
const IMAGE = `smct-test-gpus-${own}:1`;
const containers: string[] = [];

function dockerCli(args: string[]): { status: number | null; stdout: string; stderr: string } {
  return spawnSync('docker', args, { encoding: 'utf8' });
}

/** Creates a container of this test's own with `args`, then starts it and waits for it. */
function createAndStart(args: readonly string[], command: string[]): { created: boolean; status: number | null; stdout: string; stderr: string } {
  const name = `smct-test-gpus-${own}-${containers.length}`;
  const created = dockerCli(['create', '--name', name, ...args, IMAGE, ...command]);
  if (created.status !== 0) return { created: false, ...created };
  containers.push(name);
  return { created: true, ...dockerCli(['start', '--attach', name]) };
}

describe('GPU plans on the real Docker engine', { skip: missing ?? false }, () => {
  let runtimes: string[];

  before(async () => {
    const project = tempProject({
      busybox: { content: fs.readFileSync(BUSYBOX), mode: 0o755 },
      Dockerfile: 'FROM scratch\nCOPY busybox /bin/busybox\nRUN ["/bin/busybox", "--install", "-s", "/bin"]\n',
    });
    dockerBuild(project, IMAGE);
    runtimes = await engineRuntimes();
  });
  after(() => {
    if (containers.length) dockerCli(['rm', '--force', ...containers]);
    dockerCli(['image', 'rm', '--force', IMAGE]);
  });

  test('engineRuntimes reads the runtimes docker info lists', () => {
    const listed = Object.keys(JSON.parse(dockerCli(['info', '--format', '{{json .Runtimes}}']).stdout) as object).sort();
    assert.deepEqual(runtimes, listed);
    assert.ok(runtimes.includes('runc'), runtimes.join(', '));
  });

  test('ml.g5.xlarge is refused on this engine, naming its runtimes and --cpu', { skip: nvidiaHere }, () => {
    assert.throws(
      () => gpuPlan('ml.g5.xlarge', runtimes),
      (error: { code?: string; message?: string }) =>
        error.code === 'ACCELERATOR_UNAVAILABLE' &&
        error.message ===
          `ml.g5.xlarge has 1 NVIDIA GPU, but this Docker engine has no NVIDIA runtime (docker info lists ${runtimes.join(', ')}): install the NVIDIA Container Toolkit, or run on the CPU with --cpu`,
    );
  });

  test('with --cpu, a container created with the plan runs and its /dev/shm has the planned size', () => {
    const plan = gpuPlan('ml.g5.xlarge', runtimes, { cpu: true });
    assert.deepEqual(plan.args.slice(0, 1), ['--shm-size']);
    const run = createAndStart(plan.args, ['stat', '-f', '-c', '%b %S', '/dev/shm']);
    assert.equal(run.status, 0, run.stderr);
    const [blocks, blockSize] = run.stdout.trim().split(' ').map(Number);
    assert.equal(blocks * blockSize, 8 * 1024 ** 3);
  });

  test('without the plan, Docker gives its 64 MB /dev/shm (what the plan exists to change)', () => {
    const run = createAndStart([], ['stat', '-f', '-c', '%b %S', '/dev/shm']);
    assert.equal(run.status, 0, run.stderr);
    const [blocks, blockSize] = run.stdout.trim().split(' ').map(Number);
    assert.equal(blocks * blockSize, 64 * 1024 ** 2);
  });

  test("the Docker CLI takes a GPU plan's arguments; this engine then cannot start them, and says so in one line", { skip: nvidiaHere }, () => {
    const plan = gpuPlan('ml.p3.8xlarge', [...runtimes, 'nvidia'], { gpus: 1 });
    assert.deepEqual(plan.args.slice(0, 2), ['--gpus', '1']);
    const run = createAndStart(plan.args, ['true']);
    assert.ok(run.created, run.stderr);
    assert.notEqual(run.status, 0);
    assert.match(run.stderr, /could not select device driver .* capabilities: \[\[gpu\]\]/);
    assert.match(
      gpuStartFailure('ml.p3.8xlarge', plan, run.stderr) ?? '',
      /^ml\.p3\.8xlarge: Docker could not give the container 1 NVIDIA GPU \(could not select device driver/,
    );
  });
});
