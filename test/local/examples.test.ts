import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import * as tar from 'tar';
import { loadTrainingJob } from '../../core/src/job/trainingJob';
import { buildImage } from '../../core/src/local/build';
import { runLocalTraining } from '../../core/src/local/localTraining';
import { exampleCopy, leftovers, ownJobPrefix, pythonBaseMissing } from './dockerFixtures';

/** The jobs whose leftovers a test checks are named from it, so that it sees its own runs only. */
const JOBS = ownJobPrefix('smct-test-example');

describe('the examples, built and trained locally', { skip: pythonBaseMissing() ?? false }, () => {
  test('examples/training builds and trains to Completed, and its model is in model.tar.gz', async () => {
    const file = exampleCopy('training');
    try {
      const job = loadTrainingJob(file);
      await buildImage(job);
      const logs: string[] = [];
      const result = await runLocalTraining(job, { onLog: (_host, line) => logs.push(line) });
      assert.equal(result.status, 'Completed', `${result.failureReason}\n${logs.join('\n')}`);
      assert.ok(
        logs.some((line) => /^trained on 200 rows: y = 2\.\d+ \* x \+ /.test(line)),
        logs.join('\n'),
      );
      const entries: string[] = [];
      tar.list({ file: result.artifacts?.model, sync: true, onReadEntry: (entry) => entries.push(entry.path) });
      assert.deepEqual(entries, ['model.json']);
    } finally {
      fs.rmSync(path.dirname(file), { recursive: true, force: true });
    }
  });

  test('examples/spot-training survives a rehearsed spot interruption: it resumes from its checkpoint and completes', async () => {
    const file = exampleCopy('spot-training');
    const output = path.join(path.dirname(file), 'output');
    try {
      const job = loadTrainingJob(file);
      await buildImage(job);
      const logs: string[] = [];
      const result = await runLocalTraining(job, { jobName: `${JOBS}-spot`, interruptAfterSeconds: 3, onLog: (_host, line) => logs.push(line) });
      assert.equal(result.status, 'Completed', `${result.failureReason}\n${logs.join('\n')}`);
      assert.equal(result.interruption?.resumed, true, logs.join('\n'));
      const stopped = logs.indexOf('SIGTERM received: saving a checkpoint and stopping');
      const resumed = logs.findIndex((line) => /^resuming from the checkpoint of epoch \d+$/.test(line));
      assert.ok(stopped >= 0 && resumed > stopped, logs.join('\n'));
      assert.ok(
        logs.some((line) => /^trained on 200 rows: y = 2\.\d+ \* x \+ /.test(line)),
        logs.join('\n'),
      );
      const store = path.join(output, 'checkpoints', 'my-sagemaker-bucket', 'linear-fit-spot', 'checkpoints');
      assert.equal(result.checkpoints?.store, store);
      assert.equal(JSON.parse(fs.readFileSync(path.join(store, 'checkpoint.json'), 'utf8')).epoch, 40);
    } finally {
      fs.rmSync(path.dirname(file), { recursive: true, force: true });
    }
    assert.deepEqual(leftovers(JOBS), { containers: '', networks: '', folders: [] });
  });

  test('examples/broken-training, the CMD mistake, fails locally as on SageMaker: "train" is not found', async () => {
    const file = exampleCopy('broken-training');
    try {
      const job = loadTrainingJob(file);
      await buildImage(job);
      const result = await runLocalTraining(job, { jobName: `${JOBS}-broken` });
      assert.equal(result.status, 'Failed');
      assert.match(result.failureReason ?? '', /^ClientError: .*exec: "train": executable file not found in \$PATH/);
    } finally {
      fs.rmSync(path.dirname(file), { recursive: true, force: true });
    }
    assert.deepEqual(leftovers(JOBS), { containers: '', networks: '', folders: [] });
  });
});
