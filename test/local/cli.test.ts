import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { BUSYBOX_DOCKERFILE, dockerBuild, dockerMissing, leftovers, ownJobPrefix, trainingProject, writeJob } from './dockerFixtures';
import { smctSync } from '../helpers/smctProcess';

const SMCT = path.resolve(__dirname, '../../../bin/smct.js');
const missing = dockerMissing();
/** The jobs whose leftovers a test checks are named from it, so that it sees its own runs only. */
const JOBS = ownJobPrefix('smct-test-cli');

const smct = (args: string[], cwd: string): ReturnType<typeof smctSync> => smctSync(args, cwd);

describe('smct build and smct train --local as child processes', { skip: missing ?? false }, () => {
  test('smct build lints, then builds the job image; smct train --local runs it to Completed', () => {
    const project = trainingProject(`${BUSYBOX_DOCKERFILE}ENV PYTHONUNBUFFERED=1\n`);
    writeJob(project, { image: 'smct-test-cli:latest', inputs: { training: 'data/training' } });
    const built = smct(['build'], project);
    assert.equal(built.status, 0, built.stderr + built.stdout);
    assert.match(built.stdout, /Building smct-test-cli:latest for linux\/amd64 from Dockerfile/);
    assert.match(built.stdout, /Built smct-test-cli:latest\./);
    const trained = smct(['train', '--local'], project);
    assert.equal(trained.status, 0, trained.stderr + trained.stdout);
    assert.match(trained.stdout, /^\[algo-1\] HOSTNAME=algo-1$/m);
    assert.match(trained.stdout, /Training job smct-test-cli-\d{4}-\d\d-\d\d-\d\d-\d\d-\d\d-\d{3}: Completed/);
    assert.match(trained.stdout, /Model artifacts: .*\/output\/smct-test-cli-.*\/output\/model\.tar\.gz/);
  });

  test('lint errors stop smct build unless --force', () => {
    const project = trainingProject('FROM scratch\nCOPY busybox /bin/busybox\nCMD ["python", "train.py"]\n');
    writeJob(project, { image: 'smct-test-seed-cli:latest' });
    const refused = smct(['build'], project);
    assert.equal(refused.status, 1);
    assert.match(refused.stderr, /error SM101/);
    assert.match(refused.stderr, /1 error in Dockerfile will make the job fail on SageMaker\. Fix it first, or build anyway with --force\./);
    const forced = smct(['build', '--force'], project);
    assert.equal(forced.status, 0, forced.stderr);
    const trained = smct(['train', '--local'], project);
    assert.equal(trained.status, 1);
    assert.match(trained.stdout, /FailureReason: ClientError: .*exec: "train": executable file not found in \$PATH/);
  });

  test('Docker missing or its daemon down: a message that says how to fix it, no stack trace', () => {
    const project = trainingProject(BUSYBOX_DOCKERFILE);
    writeJob(project, { image: 'smct-test-cli:latest' });
    const noDocker = spawnSync(process.execPath, [SMCT, 'train', '--local'], { cwd: project, encoding: 'utf8', env: { ...process.env, PATH: '/nonexistent' } });
    assert.equal(noDocker.status, 1);
    assert.equal(noDocker.stderr, 'smct: Docker is not installed (no "docker" command on PATH). Install Docker Engine or Docker Desktop, then try again.\n');
    const noDaemon = spawnSync(process.execPath, [SMCT, 'build'], {
      cwd: project,
      encoding: 'utf8',
      env: { ...process.env, DOCKER_HOST: 'unix:///nonexistent/docker.sock' },
    });
    assert.equal(noDaemon.status, 1);
    assert.match(
      noDaemon.stderr,
      /^smct: The Docker daemon is not running\. Start it \(Docker Desktop, "sudo systemctl start docker", or "sudo dockerd &"\), then try again\.\n$/,
    );
  });

  test('Ctrl-C in the terminal stops the job as StopTrainingJob does: the program gets SIGTERM, artifacts are packed', async () => {
    const project = trainingProject(BUSYBOX_DOCKERFILE);
    dockerBuild(project, 'smct-test-cli-stop:latest');
    writeJob(project, { image: 'smct-test-cli-stop:latest', baseJobName: JOBS, hyperparameters: { mode: 'term' }, stopping: { stopTimeoutSeconds: 30 } });
    // Its own process group, as a terminal gives a foreground job: Ctrl-C goes to the whole group.
    const child = spawn(process.execPath, [SMCT, 'train', '--local'], { cwd: project, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      if (chunk.includes('[algo-1] READY') && child.pid) process.kill(-child.pid, 'SIGINT');
    });
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    assert.equal(code, 1, stdout);
    assert.match(stdout, /\[algo-1\] GOT SIGTERM/);
    assert.match(stdout, /: Stopped\n/);
    assert.match(stdout, /Model artifacts: /);
    assert.deepEqual(leftovers(JOBS), { containers: '', networks: '', folders: [] });
  });

  test("a failing docker build reports Docker's last lines in one message, no stack trace", () => {
    const project = trainingProject('FROM scratch\nCOPY no-such-file /x\nENTRYPOINT ["/x"]\n');
    writeJob(project, { image: 'smct-test-broken-build:latest' });
    const built = smct(['build'], project);
    assert.equal(built.status, 1);
    assert.match(built.stderr, /^smct: docker build failed \(exit code 1\):\n/);
    assert.match(built.stderr, /no-such-file/);
    assert.doesNotMatch(built.stderr, /\n\s+at /);
  });

  test('usage and job file errors exit 2 with one line', () => {
    const project = trainingProject(BUSYBOX_DOCKERFILE);
    const noLocal = smct(['train'], project);
    assert.equal(noLocal.status, 2);
    assert.match(noLocal.stderr, /^smct: smct train runs jobs locally: add --local/);
    const noJob = smct(['train', '--local'], project);
    assert.equal(noJob.status, 2);
    assert.match(noJob.stderr, /sagemaker-job\.json: no such job file/);
    writeJob(project, { image: 'x', baseJobName: JOBS, inputs: { training: { source: 'data', inputMode: 'Stream' } } });
    const badJob = smct(['train', '--local'], project);
    assert.equal(badJob.status, 2);
    assert.match(badJob.stderr, /^smct: sagemaker-job\.json: `inputs\.training\.inputMode` must be one of File, FastFile, Pipe, got "Stream"\n$/);
    assert.doesNotMatch(badJob.stderr, /\n\s+at /);
    assert.deepEqual(leftovers(JOBS), { containers: '', networks: '', folders: [] });
  });
});
