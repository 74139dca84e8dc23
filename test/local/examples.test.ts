import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import * as tar from 'tar';
import { loadTrainingJob } from '../../server/src/job/trainingJob';
import { buildImage } from '../../server/src/local/build';
import { runLocalTraining } from '../../server/src/local/localTraining';
import { dockerMissing, leftovers } from './dockerFixtures';

const ROOT = path.resolve(__dirname, '../../..');
/** Made by scripts/setup-python-image.sh (npm run setup): Debian's python3, no registry needed. */
const BASE = 'smct-debian-python:bookworm';

function missing(): string | undefined {
  const docker = dockerMissing();
  if (docker) return docker;
  return spawnSync('docker', ['image', 'inspect', BASE]).status === 0 ? undefined : `the local Python base image ${BASE} is missing: run "npm run setup"`;
}

/** A copy of an example whose job file builds on the local Python image. */
function exampleCopy(name: string): string {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), `smct-example-${name}-`));
  fs.cpSync(path.join(ROOT, 'examples', name), folder, { recursive: true });
  const file = path.join(folder, 'sagemaker-job.json');
  const job = JSON.parse(fs.readFileSync(file, 'utf8'));
  job.build = { ...job.build, buildArgs: { BASE_IMAGE: BASE } };
  fs.writeFileSync(file, JSON.stringify(job));
  return file;
}

describe('the examples, built and trained locally', { skip: missing() ?? false }, () => {
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

  test('examples/broken-training, the CMD mistake, fails locally as on SageMaker: "train" is not found', async () => {
    const file = exampleCopy('broken-training');
    try {
      const job = loadTrainingJob(file);
      await buildImage(job);
      const result = await runLocalTraining(job);
      assert.equal(result.status, 'Failed');
      assert.match(result.failureReason ?? '', /^ClientError: .*exec: "train": executable file not found in \$PATH/);
    } finally {
      fs.rmSync(path.dirname(file), { recursive: true, force: true });
    }
    assert.deepEqual(leftovers(), { containers: '', networks: '', folders: [] });
  });
});
