import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { loadTrainingJob } from '../../core/src/job/trainingJob';
import { engineRuntimes, gpuPlan } from '../../core/src/local/gpus';
import { runLocalTraining } from '../../core/src/local/localTraining';
import { BUSYBOX_DOCKERFILE, dockerBuild, dockerMissing, ownJobPrefix, trainingProject, writeJob } from './dockerFixtures';
import { isSmctError } from '../../core/src/errors';

// The GPU decision on an engine that has the NVIDIA runtime, as `docker info` reports it: a second
// Docker engine of the test's own (in a network namespace of its own), its "nvidia" runtime being runc (this machine has no GPU and no
// NVIDIA toolkit). Such an engine lists the runtime but cannot hand out GPUs, as Docker Desktop
// does without an NVIDIA card: the run must say so in one line, and --cpu must still run.
const IMAGE = 'smct-test-gpu-engine:latest';
const JOBS = ownJobPrefix('smct-test-gpu');

function engineMissing(): string | undefined {
  const docker = dockerMissing();
  if (docker) return docker;
  if (process.getuid?.() !== 0) return 'a second Docker engine needs root (CI runs as root)';
  if (spawnSync('dockerd', ['--version']).error) return 'dockerd is not installed: run "npm run setup"';
  if (spawnSync('unshare', ['--version']).error) return 'unshare (util-linux) is not installed';
  return undefined;
}

describe('the GPU decision on an engine with the NVIDIA runtime', { skip: engineMissing() ?? false }, () => {
  let folder: string;
  let engine: ChildProcess;
  let project: string;
  let saved: string | undefined;

  before(async () => {
    folder = fs.mkdtempSync(path.join(os.tmpdir(), 'smct-gpu-engine-'));
    const socket = `unix://${path.join(folder, 'docker.sock')}`;
    // In a network namespace of its own: its bridge and firewall rules never touch this machine's engine's.
    engine = spawn(
      'unshare',
      [
        ...['--net', 'dockerd'],
        ...['--data-root', path.join(folder, 'data'), '--exec-root', path.join(folder, 'exec'), '--pidfile', path.join(folder, 'dockerd.pid')],
        ...['-H', socket, '--add-runtime', 'nvidia=runc'],
      ],
      { stdio: ['ignore', 'ignore', fs.openSync(path.join(folder, 'dockerd.log'), 'w')] },
    );
    await until(() => spawnSync('docker', ['-H', socket, 'info'], { stdio: 'ignore' }).status === 0, 30_000, 'the second Docker engine never answered');
    project = trainingProject(BUSYBOX_DOCKERFILE);
    dockerBuild(project, IMAGE);
    // The image goes from this machine's engine to the test's: no registry, no pull.
    const saving = spawnSync('docker', ['save', IMAGE], { maxBuffer: 64 << 20 });
    const loaded = spawnSync('docker', ['-H', socket, 'load'], { input: saving.stdout, encoding: 'utf8' });
    assert.equal(loaded.status, 0, loaded.stderr);
    saved = process.env.DOCKER_HOST;
    process.env.DOCKER_HOST = socket;
  });

  after(async () => {
    if (saved === undefined) delete process.env.DOCKER_HOST;
    else process.env.DOCKER_HOST = saved;
    if (engine && engine.exitCode === null) {
      const exited = new Promise((resolve) => engine.once('exit', resolve));
      engine.kill('SIGTERM');
      await exited;
    }
    spawnSync('docker', ['rmi', IMAGE], { stdio: 'ignore' });
    fs.rmSync(folder, { recursive: true, force: true });
    fs.rmSync(project, { recursive: true, force: true });
  });

  test('docker info lists the runtime, and the plan gives the instance its GPUs and shared memory', async () => {
    const runtimes = await engineRuntimes();
    assert.ok(runtimes.includes('nvidia'), runtimes.join(', '));
    assert.deepEqual(gpuPlan('ml.g5.xlarge', runtimes).args, ['--gpus', '1', '--shm-size', String(8 * 1024 ** 3)]);
  });

  test('a GPU job on an engine that lists the runtime but has no GPU fails before training, in one line with the fixes', async () => {
    const file = writeJob(project, { image: IMAGE, baseJobName: JOBS, resources: { instanceType: 'ml.g5.xlarge' } });
    await assert.rejects(
      runLocalTraining(loadTrainingJob(file), { outputDir: path.join(folder, 'output') }),
      (error: Error) =>
        isSmctError(error, 'LOCAL_RUN_FAILED') &&
        /^ml\.g5\.xlarge: Docker could not give the container 1 NVIDIA GPU \(.*could not select device driver.*\): .*--cpu$/.test(error.message),
    );
    const left = spawnSync('docker', ['ps', '--all', '--quiet', '--filter', `label=smct.job`], { encoding: 'utf8' });
    assert.equal(left.stdout.trim(), '', 'no container is left on the engine');
  });

  test('with cpu the same job runs on the CPU and completes', async () => {
    const file = writeJob(project, { image: IMAGE, baseJobName: JOBS, resources: { instanceType: 'ml.g5.xlarge' } });
    const result = await runLocalTraining(loadTrainingJob(file), { cpu: true, outputDir: path.join(folder, 'output') });
    assert.equal(result.status, 'Completed', result.failureReason);
  });
});

async function until(condition: () => boolean, timeoutMs: number, message: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(message);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
