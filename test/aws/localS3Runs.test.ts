import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { AwsClients } from '../../core/src/aws/awsClients';
import { s3Reader } from '../../core/src/aws/s3Reader';
import { loadTrainingJob } from '../../core/src/job/trainingJob';
import { runLocalTraining, type LocalTrainingResult } from '../../core/src/local/localTraining';
import { startSmct } from '../helpers/smctProcess';
import {
  BUSYBOX_DOCKERFILE,
  dockerBuild,
  dockerMissing,
  exampleCopy,
  leftovers,
  ownJobPrefix,
  pythonBaseMissing,
  trainingProject,
  writeJob,
} from '../local/dockerFixtures';
import { startAwsEmulator, type AwsEmulator } from './emulator';
import { isSmctError } from '../../core/src/errors';

// Local runs of jobs whose channels live in S3 (the emulator's), on the real Docker engine: the
// channel as SageMaker gives it in each input mode and distribution, and the cache between runs.
const IMAGE = 'smct-test-s3-channels:latest';
const JOBS = ownJobPrefix('smct-test-s3run');
const BUCKET = 'smct-local-channels';

/** Prints what the host gets of the "train" channel, as the "mode" hyperparameter asks. */
const CHANNEL_SCRIPT = `#!/bin/sh
data=/opt/ml/input/data
mode=$(sed -n 's/.*"mode":"\\([a-z]*\\)".*/\\1/p' /opt/ml/input/config/hyperparameters.json)
case "$mode" in
  files) find $data/train -type f | sort | while read -r f; do echo "FILE \${f#$data/train/} $(cat "$f")"; done ;;
  pipe)
    for epoch in 0 1; do
      until [ -p $data/train_$epoch ]; do sleep 0.1; done
      echo "EPOCH $epoch $(cat $data/train_$epoch | tr '\\n' ' ')"
    done ;;
  list) ls $data/train ;;
  resume) echo "RESUMED $(cat /opt/ml/checkpoints/epoch)"; echo 8 > /opt/ml/checkpoints/epoch ;;
esac
`;

describe('local runs of S3 channels, against the AWS emulator and the real Docker engine', { skip: dockerMissing() ?? false }, () => {
  let emulator: AwsEmulator;
  let saved: NodeJS.ProcessEnv;
  let clients: AwsClients;
  let project: string;
  let cache: string;

  before(async () => {
    emulator = await startAwsEmulator();
    saved = process.env;
    cache = fs.mkdtempSync(path.join(os.tmpdir(), 'smct-test-s3run-cache-'));
    process.env = { ...saved, ...emulator.env, AWS_CONFIG_FILE: '/nonexistent', AWS_SHARED_CREDENTIALS_FILE: '/nonexistent', SMCT_CACHE_DIR: cache };
    clients = new AwsClients({ region: emulator.region });
    emulator.s3.createBucket(BUCKET, emulator.region);
    for (const name of ['a', 'b', 'c', 'd', 'e']) emulator.s3.putObject(BUCKET, `rows/part-${name}.csv`, Buffer.from(`row-${name}\n`));
    emulator.s3.putObject(BUCKET, 'lists/train.manifest', Buffer.from(JSON.stringify([{ prefix: `s3://${BUCKET}/rows/` }, 'part-b.csv', 'part-d.csv'])));
    project = trainingProject(BUSYBOX_DOCKERFILE, { train: { content: CHANNEL_SCRIPT, mode: 0o755 } });
    dockerBuild(project, IMAGE);
  });

  after(async () => {
    clients?.destroy();
    process.env = saved;
    await emulator?.close();
    fs.rmSync(cache, { recursive: true, force: true });
    fs.rmSync(project, { recursive: true, force: true });
  });

  async function run(mode: string, train: Record<string, unknown>, instanceCount = 1): Promise<LocalTrainingResult & { logs: string[] }> {
    const logs: string[] = [];
    const file = writeJob(project, {
      ...{ image: IMAGE, baseJobName: JOBS, hyperparameters: { mode } },
      ...{ inputs: { train }, resources: { instanceType: 'ml.m5.large', instanceCount } },
    });
    const result = await runLocalTraining(loadTrainingJob(file), {
      s3: () => s3Reader(clients),
      outputDir: path.join(project, 'output'),
      onLog: (host, line) => logs.push(`[${host}] ${line}`),
    });
    return { ...result, logs };
  }

  test('ShardedByS3Key across 3 hosts: each object on exactly one host, every object on one', async () => {
    const result = await run('files', { source: `s3://${BUCKET}/rows/`, distribution: 'ShardedByS3Key' }, 3);
    assert.equal(result.status, 'Completed', result.failureReason);
    const files = result.logs.filter((line) => / FILE /.test(line));
    const where = new Map<string, string[]>();
    for (const line of files) {
      const [, host, name] = /^\[(algo-\d)\] FILE (\S+)/.exec(line) ?? [];
      where.set(name, [...(where.get(name) ?? []), host]);
    }
    assert.deepEqual([...where.keys()].sort(), ['part-a.csv', 'part-b.csv', 'part-c.csv', 'part-d.csv', 'part-e.csv']);
    for (const [name, hosts] of where) assert.equal(hosts.length, 1, `${name} is on ${hosts.join(', ')}`);
    assert.equal(new Set([...where.values()].flat()).size, 3, 'every host got a share');
    assert.deepEqual(leftovers(JOBS), { containers: '', networks: '', folders: [] });
    assert.deepEqual(fs.readdirSync(path.join(cache, 'runs')), [], 'the channel folders in the cache go with the run');
  });

  test('a manifest channel holds the objects the manifest lists, at their relative keys', async () => {
    const result = await run('files', { source: `s3://${BUCKET}/lists/train.manifest`, s3DataType: 'ManifestFile' });
    assert.equal(result.status, 'Completed', result.failureReason);
    assert.deepEqual(
      result.logs.filter((line) => line.includes(' FILE ')),
      ['[algo-1] FILE part-b.csv row-b', '[algo-1] FILE part-d.csv row-d'],
    );
  });

  test('Pipe mode: the program reads two epochs from FIFOs train_0 and train_1, each the whole channel in order', async () => {
    const result = await run('pipe', { source: `s3://${BUCKET}/rows/`, inputMode: 'Pipe' });
    assert.equal(result.status, 'Completed', result.failureReason);
    const epoch = 'row-a row-b row-c row-d row-e ';
    assert.deepEqual(
      result.logs.filter((line) => line.includes('EPOCH')),
      [`[algo-1] EPOCH 0 ${epoch}`, `[algo-1] EPOCH 1 ${epoch}`],
    );
    assert.deepEqual(leftovers(JOBS), { containers: '', networks: '', folders: [] });
  });

  test('Pipe mode: a program that lists the channel as a folder fails, as on SageMaker', async () => {
    const result = await run('list', { source: `s3://${BUCKET}/rows/`, inputMode: 'Pipe' });
    assert.equal(result.status, 'Failed');
    assert.match(result.failureReason ?? '', /^AlgorithmError: , exit code: [1-9]/);
    assert.ok(
      result.logs.some((line) => /No such file or directory/.test(line)),
      result.logs.join('\n'),
    );
  });

  test('Pipe mode: a channel file that disappears while it is fed fails the run in one line, not a wait for the next epoch', async () => {
    const folder = path.join(project, 'pipe-data');
    fs.mkdirSync(folder, { recursive: true });
    fs.writeFileSync(path.join(folder, 'a.csv'), 'row-a\n');
    fs.writeFileSync(path.join(folder, 'b.csv'), 'row-b\n');
    const file = writeJob(project, {
      ...{ image: IMAGE, baseJobName: JOBS, hyperparameters: { mode: 'pipe' } },
      inputs: { train: { source: 'pipe-data', inputMode: 'Pipe' } },
    });
    try {
      await assert.rejects(
        runLocalTraining(loadTrainingJob(file), {
          outputDir: path.join(project, 'output'),
          stopTimeoutSeconds: 2,
          // Gone after the channel was listed, before the container reads it.
          onStatus: (transition) => transition.status === 'Training' && fs.rmSync(path.join(folder, 'b.csv')),
        }),
        (error: Error) => isSmctError(error, 'LOCAL_RUN_FAILED') && /b\.csv/.test(error.message) && !error.message.includes('\n'),
      );
      assert.deepEqual(leftovers(JOBS), { containers: '', networks: '', folders: [] });
    } finally {
      fs.rmSync(folder, { recursive: true, force: true });
    }
  });

  test('the cache: a second run transfers nothing, a changed object alone is fetched again', async () => {
    const first = await run('files', { source: `s3://${BUCKET}/rows/` });
    assert.equal(first.status, 'Completed', first.failureReason);
    const second = await run('files', { source: `s3://${BUCKET}/rows/` });
    assert.deepEqual(second.downloads, { objectsFetched: 0, bytesFetched: 0, objectsCached: 5, bytesCached: 30 });
    emulator.s3.putObject(BUCKET, 'rows/part-c.csv', Buffer.from('row-c changed\n'));
    const third = await run('files', { source: `s3://${BUCKET}/rows/` });
    assert.deepEqual(third.downloads, { objectsFetched: 1, bytesFetched: 14, objectsCached: 4, bytesCached: 24 });
    assert.ok(third.logs.includes('[algo-1] FILE part-c.csv row-c changed'), third.logs.join('\n'));
    emulator.s3.putObject(BUCKET, 'rows/part-c.csv', Buffer.from('row-c\n'));
  });

  test('checkpoints from S3: the store becomes what the URI holds, and the program resumes from it', async () => {
    emulator.s3.putObject(BUCKET, 'ck/job-1/epoch', Buffer.from('7\n'));
    const output = fs.mkdtempSync(path.join(os.tmpdir(), 'smct-test-s3run-out-'));
    const logs: string[] = [];
    try {
      const file = writeJob(project, {
        image: IMAGE,
        baseJobName: JOBS,
        hyperparameters: { mode: 'resume' },
        checkpoints: { s3Uri: `s3://${BUCKET}/ck/job-1/` },
      });
      const result = await runLocalTraining(loadTrainingJob(file), {
        ...{ s3: () => s3Reader(clients), outputDir: output, checkpointsFromS3: true },
        onLog: (host, line) => logs.push(`[${host}] ${line}`),
      });
      assert.equal(result.status, 'Completed', result.failureReason);
      assert.ok(logs.includes('[algo-1] RESUMED 7'), logs.join('\n'));
      assert.deepEqual(result.checkpoints?.fromS3, { files: 1, bytes: 2 });
      assert.equal(fs.readFileSync(path.join(output, 'checkpoints', BUCKET, 'ck', 'job-1', 'epoch'), 'utf8'), '8\n', "the program's new checkpoint is saved");
    } finally {
      fs.rmSync(output, { recursive: true, force: true });
    }
  });

  test(
    'smct train --local runs the S3 example job, uploads its artifacts with --upload, and a second run downloads nothing',
    { skip: pythonBaseMissing() ?? false },
    async () => {
      const file = exampleCopy('training', 's3-job.json');
      const folder = path.dirname(file);
      const home = fs.mkdtempSync(path.join(os.tmpdir(), 'smct-home-'));
      const env = { ...process.env, HOME: home, SMCT_CACHE_DIR: path.join(home, 'cache') };
      try {
        emulator.s3.createBucket('my-sagemaker-bucket', emulator.region);
        emulator.s3.putObject('my-sagemaker-bucket', 'linear-fit/train/train.csv', fs.readFileSync(path.join(folder, 'data', 'train.csv')));
        const build = await startSmct(['build', '--job', 's3-job.json'], { cwd: folder, env }).done;
        assert.equal(build.code, 0, build.stderr);
        const first = await startSmct(['train', '--local', '--job', 's3-job.json', '--upload'], { cwd: folder, env }).done;
        assert.equal(first.code, 0, first.stderr + first.stdout);
        assert.match(first.stdout, /^Downloading - Downloading input data$/m);
        assert.match(first.stdout, /^S3 channels: 1 object downloaded \(\d+(\.\d)? KB\), 0 from the cache \(0 bytes\)$/m);
        const uploaded = /^Uploaded: s3:\/\/my-sagemaker-bucket\/linear-fit\/output\/(linear-fit-s3-[\w-]+)\/output\/model\.tar\.gz$/m.exec(first.stdout);
        assert.ok(uploaded, first.stdout);
        assert.ok(emulator.s3.getObject('my-sagemaker-bucket', `linear-fit/output/${uploaded[1]}/output/model.tar.gz`).bytes.length > 0);
        const second = await startSmct(['train', '--local', '--job', 's3-job.json'], { cwd: folder, env }).done;
        assert.equal(second.code, 0, second.stderr);
        assert.match(second.stdout, /^S3 channels: 0 objects downloaded \(0 bytes\), 1 from the cache \(\d+(\.\d)? KB\)$/m);
      } finally {
        fs.rmSync(folder, { recursive: true, force: true });
        fs.rmSync(home, { recursive: true, force: true });
      }
    },
  );
});
