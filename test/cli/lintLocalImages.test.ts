import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { SMCT, startSmct } from '../helpers/smctProcess';
import { tempProject } from '../helpers/tempDir';

// smct lint reads base images with `docker image inspect`. Here a fake `docker` on PATH stands for
// the engine (no Docker needed): it records every call and answers as an engine would.

const BROKEN = 'FROM python:3.11\nENV PYTHONUNBUFFERED=1\nCMD ["python", "train.py"]\n';

/** The fake's answers: no such image, a stopped daemon, or a call that never ends (it records its pid). */
const ANSWERS = {
  absent: 'echo "Error response from daemon: no such image: $6: No such image: $6" >&2\nexit 1',
  stopped: 'echo "Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?" >&2\nexit 1',
  hangs: 'echo "$$" > "$PID_FILE"\nexec /bin/sleep 60',
};

function fakeDocker(answer: keyof typeof ANSWERS): { bin: string; calls: () => string[]; pid: () => number | undefined } {
  const bin = tempProject({});
  const log = path.join(bin, 'calls');
  // PATH holds this folder only (no other docker may answer): the script uses builtins and full paths.
  const script = `#!/bin/sh\nPID_FILE='${path.join(bin, 'pid')}'\nprintf '%s\\n' "$*" >> '${log}'\n${ANSWERS[answer]}\n`;
  fs.writeFileSync(path.join(bin, 'docker'), script, { mode: 0o755 });
  const read = (file: string): string => (fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '');
  return {
    bin,
    calls: () => read(log).split('\n').filter(Boolean),
    pid: () => Number(read(path.join(bin, 'pid')).trim()) || undefined,
  };
}

const root = tempProject({ 'a/Dockerfile': BROKEN, 'b/Dockerfile': BROKEN, 'scratch/Dockerfile': 'FROM scratch\nCOPY train /train\n' });

function lint(args: string[], PATH: string): { stdout: string; stderr: string; status: number | null } {
  const result = spawnSync(process.execPath, [SMCT, 'lint', ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, PATH } });
  return { stdout: result.stdout, stderr: result.stderr, status: result.status };
}

describe('smct lint and the base images on this machine', () => {
  const withoutDocker = lint(['--no-docker', 'a/Dockerfile', 'b/Dockerfile'], tempProject({}));

  test('each base image is inspected once, never pulled; none for scratch', () => {
    const docker = fakeDocker('absent');
    const result = lint(['a/Dockerfile', 'b/Dockerfile', 'scratch/Dockerfile'], docker.bin);
    assert.deepEqual(docker.calls(), ['image inspect --format {{json .}} -- python:3.11']);
    assert.equal(result.stderr, '');
  });

  test('--no-docker runs no docker', () => {
    const docker = fakeDocker('absent');
    const result = lint(['--no-docker', 'a/Dockerfile', 'b/Dockerfile'], docker.bin);
    assert.deepEqual(docker.calls(), []);
    assert.deepEqual(result, withoutDocker);
  });

  for (const [what, PATH] of [
    ['no docker command (CI without Docker)', () => tempProject({})],
    ['a stopped daemon', () => fakeDocker('stopped').bin],
    ['an image that is not on this machine', () => fakeDocker('absent').bin],
  ] as const) {
    test(`${what}: the same output and exit code as --no-docker, no message`, () => {
      const result = lint(['a/Dockerfile', 'b/Dockerfile'], PATH());
      assert.equal(withoutDocker.status, 1);
      assert.match(withoutDocker.stdout, /error SM101/);
      assert.deepEqual(result, withoutDocker);
    });
  }

  test('Ctrl-C while docker does not answer: smct ends at once with 130 and stops docker', { skip: process.platform !== 'linux' && 'signals' }, async () => {
    const docker = fakeDocker('hangs');
    const running = startSmct(['lint', 'a/Dockerfile'], { cwd: root, env: { ...process.env, PATH: docker.bin } });
    const started = Date.now() + 20_000;
    while (docker.pid() === undefined && Date.now() < started) await new Promise((resolve) => setTimeout(resolve, 10));
    assert.ok(docker.pid(), `smct never ran docker (${running.stderr})`);
    const pid = docker.pid() as number;
    running.child.kill('SIGINT');
    const outcome = await running.done;
    assert.equal(outcome.code, 130);
    assert.equal(outcome.stdout, '');
    // The docker process was told to stop before smct exited; it is gone once the system has reaped it.
    const deadline = Date.now() + 5000;
    while (alive(pid) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    assert.ok(!alive(pid), `docker (pid ${pid}) still runs after smct ended`);
  });
});

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    const state = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0];
    return state !== 'Z';
  } catch {
    return false;
  }
}
