import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { loadTrainingJob } from '../../core/src/job/trainingJob';
import { runLocalTraining, type LocalTrainingOptions, type LocalTrainingResult } from '../../core/src/local/localTraining';
import { BUSYBOX_DOCKERFILE, dockerBuild, dockerMissing, leftovers, ownJobPrefix, SPOT_SCRIPT, trainingProject, writeJob } from './dockerFixtures';
import { isSmctError } from '../../core/src/errors';

const missing = dockerMissing();
const IMAGE = 'smct-test-checkpoints:latest';
const JOBS = ownJobPrefix('smct-test-ckpt');

describe('checkpoints and spot interruptions, against the real Docker engine', { skip: missing ?? false }, () => {
  let project: string;
  let output: string;

  before(() => {
    project = trainingProject(BUSYBOX_DOCKERFILE, { train: { content: SPOT_SCRIPT, mode: 0o755 } });
    dockerBuild(project, IMAGE);
  });

  after(() => {
    fs.rmSync(project, { recursive: true, force: true });
  });

  async function run(job: Record<string, unknown>, options: LocalTrainingOptions = {}): Promise<LocalTrainingResult & { logs: string[]; warnings: string[] }> {
    output = fs.mkdtempSync(path.join(os.tmpdir(), 'smct-test-ckpt-out-'));
    const logs: string[] = [];
    const warnings: string[] = [];
    const file = writeJob(project, { image: IMAGE, baseJobName: JOBS, spot: true, checkpoints: { s3Uri: 's3://bucket/runs/ck/' }, ...job });
    const result = await runLocalTraining(loadTrainingJob(file), {
      outputDir: output,
      onLog: (host, line) => logs.push(`[${host}] ${line}`),
      onWarning: (message) => warnings.push(message),
      ...options,
    });
    return { ...result, logs, warnings };
  }

  test('the checkpoints are restored from the local store before the start and saved back after, deletions too', async () => {
    const store = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'smct-test-ckpt-out-')), 'checkpoints', 'bucket', 'runs', 'ck');
    fs.mkdirSync(store, { recursive: true });
    fs.writeFileSync(path.join(store, 'epoch'), '2\n');
    fs.writeFileSync(path.join(store, 'stale'), 'old\n');
    const result = await run({}, { outputDir: path.dirname(path.dirname(path.dirname(path.dirname(store)))) });
    try {
      assert.equal(result.status, 'Completed', result.failureReason);
      assert.ok(result.logs.includes('[algo-1] RESUMED at epoch 2'), result.logs.join('\n'));
      assert.equal(result.checkpoints?.store, store);
      assert.deepEqual(result.checkpoints?.restored, { files: 2, bytes: 6 });
      assert.equal(fs.readFileSync(path.join(store, 'epoch'), 'utf8'), '4\n');
      assert.equal(fs.existsSync(path.join(store, 'stale')), false, 'a checkpoint the program deleted is deleted from the store');
    } finally {
      fs.rmSync(path.dirname(path.dirname(path.dirname(path.dirname(store)))), { recursive: true, force: true });
    }
  });

  test('a rehearsed spot interruption: SIGTERM, the checkpoints saved, a restart that resumes from them', async () => {
    const statuses: string[] = [];
    const result = await run(
      { hyperparameters: { save: 'yes' }, stopping: { stopTimeoutSeconds: 10 } },
      { interruptAfterSeconds: 1, onStatus: (transition) => statuses.push(transition.status) },
    );
    try {
      assert.equal(result.status, 'Completed', result.failureReason);
      assert.deepEqual(statuses, ['Starting', 'Downloading', 'Training', 'Interrupted', 'Restarting', 'Training', 'Uploading', 'Completed']);
      const first = result.logs.indexOf('[algo-1] GOT SIGTERM');
      assert.ok(first >= 0, 'the first run got SIGTERM');
      assert.ok(result.logs.indexOf('[algo-1] RESUMED at epoch 3') > first, result.logs.join('\n'));
      assert.deepEqual(result.interruption, { afterSeconds: 1, checkpointsSaved: { files: 1, bytes: 2 }, resumed: true });
      assert.deepEqual(result.warnings, []);
      assert.ok(fs.existsSync(result.artifacts?.model ?? ''), 'the second run packed its model');
      assert.deepEqual(leftovers(JOBS), { containers: '', networks: '', folders: [] });
    } finally {
      fs.rmSync(output, { recursive: true, force: true });
    }
  });

  test('a program that saved no checkpoint starts over after the interruption, and is told so', async () => {
    const result = await run({ stopping: { stopTimeoutSeconds: 10, maxRuntimeSeconds: 4 } }, { interruptAfterSeconds: 1 });
    try {
      assert.equal(result.status, 'Stopped');
      assert.equal(result.secondaryStatus, 'MaxRuntimeExceeded');
      assert.equal(result.interruption?.resumed, false);
      assert.equal(result.logs.filter((line) => line === '[algo-1] READY').length, 2, 'both runs started from the beginning');
      assert.match(
        result.warnings.join('\n'),
        /saved no checkpoint in \/opt\/ml\/checkpoints\/ when it was interrupted: on SageMaker an interrupted spot job starts over/,
      );
      assert.deepEqual(leftovers(JOBS), { containers: '', networks: '', folders: [] });
    } finally {
      fs.rmSync(output, { recursive: true, force: true });
    }
  });

  test('only spot jobs are interrupted', async () => {
    await assert.rejects(
      run({ spot: false }, { interruptAfterSeconds: 5 }),
      (error) => isSmctError(error, 'USAGE') && /Only spot jobs are interrupted: set "spot": true/.test(error.message),
    );
    fs.rmSync(output, { recursive: true, force: true });
  });

  test('the default output folder is kept out of the build context through .dockerignore, once', async () => {
    const notices: string[] = [];
    const file = writeJob(project, { image: IMAGE, baseJobName: JOBS, hyperparameters: {} });
    fs.rmSync(path.join(project, '.dockerignore'), { force: true });
    try {
      for (let i = 0; i < 2; i++) {
        const job = loadTrainingJob(file);
        // The program trains until SIGTERM without checkpoints: stop it once it is ready.
        const stop = new AbortController();
        const result = await runLocalTraining(job, {
          signal: stop.signal,
          stopTimeoutSeconds: 5,
          onNotice: (message) => notices.push(message),
          onLog: (_host, line) => line === 'READY' && stop.abort(),
        });
        assert.equal(result.status, 'Stopped');
      }
      assert.deepEqual(notices, ['Added /output to .dockerignore: local runs write there, and docker build leaves it out of the image.']);
      assert.match(fs.readFileSync(path.join(project, '.dockerignore'), 'utf8'), /^# Local training runs \(smct train --local\) write here\.\n\/output\n$/);
    } finally {
      fs.rmSync(path.join(project, 'output'), { recursive: true, force: true });
    }
  });
});
