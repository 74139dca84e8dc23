import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import * as tar from 'tar';
import { loadTrainingJob } from '../../core/src/job/trainingJob';
import { cleanUpLeftovers } from '../../core/src/local/leftovers';
import { runLocalTraining, stopTimeoutHint, type LocalTrainingResult } from '../../core/src/local/localTraining';
import { BUSYBOX_DOCKERFILE, dockerBuild, dockerMissing, leftovers, ownJobPrefix, trainingProject, writeJob } from './dockerFixtures';
import { isSmctError } from '../../core/src/errors';

const missing = dockerMissing();
const IMAGE = 'smct-test-trainer:latest';
/** Every job of this file is named from it, so that its checks see its own runs only. */
const JOBS = ownJobPrefix('smct-test');

/** Runs a job file's job, collecting each host's log lines. */
async function run(
  project: string,
  job: Record<string, unknown>,
  signal?: AbortSignal,
  onLine?: (line: string) => void,
): Promise<LocalTrainingResult & { logs: string[] }> {
  const logs: string[] = [];
  const result = await runLocalTraining(loadTrainingJob(writeJob(project, { image: IMAGE, baseJobName: JOBS, ...job })), {
    onLog: (host, line) => {
      logs.push(`[${host}] ${line}`);
      onLine?.(`[${host}] ${line}`);
    },
    signal,
  });
  return { ...result, logs };
}

function archiveEntries(file: string): string[] {
  const entries: string[] = [];
  tar.list({ file, sync: true, onReadEntry: (entry) => entries.push(entry.path) });
  return entries.sort();
}

function line(logs: readonly string[], prefix: string, host = 'algo-1'): string | undefined {
  return logs.find((entry) => entry.startsWith(`[${host}] ${prefix}`))?.slice(`[${host}] ${prefix}`.length);
}

test('the stop hint: only for hosts killed after a grace period, naming each', () => {
  assert.equal(stopTimeoutHint({ 'algo-1': 0 }, 120), undefined, 'a host that exited on SIGTERM');
  assert.equal(stopTimeoutHint({ 'algo-1': 143 }, 120), undefined, 'a host that died of SIGTERM');
  assert.equal(stopTimeoutHint({ 'algo-1': 137 }, 0), undefined, 'no grace period: SIGKILL follows at once');
  assert.match(
    stopTimeoutHint({ 'algo-1': 137, 'algo-2': 0, 'algo-3': 137 }, 120) ?? '',
    /^algo-1, algo-3 did not exit within the 120 s stop timeout after SIGTERM and were killed/,
  );
});

describe('smct train --local against the real Docker engine', { skip: missing ?? false }, () => {
  let project: string;

  before(() => {
    project = trainingProject(BUSYBOX_DOCKERFILE);
    dockerBuild(project, IMAGE);
  });

  after(() => {
    assert.deepEqual(leftovers(JOBS), { containers: '', networks: '', folders: [] }, 'nothing is left behind');
  });

  test("/opt/ml is laid out as SageMaker lays it out, train is the argument, and the environment is SageMaker's", async () => {
    const result = await run(project, {
      hyperparameters: { epochs: 3, lr: 0.1, optimizer: 'adam', flags: { a: true } },
      environment: { CUSTOM: 'yes' },
      inputs: { training: { source: 'data/training', contentType: 'text/csv' } },
      checkpoints: { s3Uri: 's3://bucket/checkpoints' },
      region: 'eu-west-1',
    });
    assert.equal(result.status, 'Completed', result.logs.join('\n'));
    const logs = result.logs;
    assert.equal(line(logs, 'ARGV0='), '/usr/local/bin/train');
    assert.equal(line(logs, 'ARGS='), '');
    assert.equal(line(logs, 'HOSTNAME='), 'algo-1');
    assert.equal(line(logs, 'TRAINING_JOB_NAME='), result.jobName);
    assert.equal(line(logs, 'TRAINING_JOB_ARN='), `arn:aws:sagemaker:eu-west-1:000000000000:training-job/${result.jobName.toLowerCase()}`);
    assert.equal(line(logs, 'AWS_REGION='), 'eu-west-1');
    assert.equal(line(logs, 'CUSTOM='), 'yes');
    assert.equal(line(logs, 'TTY='), 'no', 'no TTY: Python buffers as on SageMaker');
    assert.deepEqual(JSON.parse(line(logs, 'CONFIG hyperparameters.json ') ?? ''), { epochs: '3', lr: '0.1', optimizer: 'adam', flags: '{"a":true}' });
    assert.deepEqual(JSON.parse(line(logs, 'CONFIG inputdataconfig.json ') ?? ''), {
      training: { ContentType: 'text/csv', TrainingInputMode: 'File', S3DistributionType: 'FullyReplicated', RecordWrapperType: 'None' },
    });
    assert.deepEqual(JSON.parse(line(logs, 'CONFIG resourceconfig.json ') ?? ''), {
      current_host: 'algo-1',
      current_instance_type: 'ml.m5.xlarge',
      current_group_name: 'homogeneousCluster',
      hosts: ['algo-1'],
      instance_groups: [{ instance_group_name: 'homogeneousCluster', instance_type: 'ml.m5.xlarge', hosts: ['algo-1'] }],
      network_interface_name: 'eth0',
    });
    assert.deepEqual(JSON.parse(line(logs, 'CONFIG checkpointconfig.json ') ?? ''), { LocalPath: '/opt/ml/checkpoints/', S3Path: 's3://bucket/checkpoints' });
    const tree = logs.filter((entry) => entry.startsWith('[algo-1] TREE ')).map((entry) => entry.slice('[algo-1] TREE '.length));
    for (const folder of ['/opt/ml/input/config', '/opt/ml/input/data/training/rows.csv', '/opt/ml/model', '/opt/ml/output/data', '/opt/ml/checkpoints']) {
      assert.ok(tree.includes(folder), `${folder} in ${tree.join(', ')}`);
    }
    assert.ok(result.artifacts);
    assert.equal(result.artifacts.model, path.join(project, 'output', result.jobName, 'output', 'model.tar.gz'));
    assert.deepEqual(archiveEntries(result.artifacts.model), ['model-algo-1.txt']);
    assert.deepEqual(archiveEntries(result.artifacts.output), ['metrics.txt']);
  });

  test('several instances: one container per host named algo-1 … algo-N, each reaching the others, logs prefixed by host', async () => {
    const result = await run(project, { resources: { instanceCount: 3 } });
    assert.equal(result.status, 'Completed', result.logs.join('\n'));
    for (const host of ['algo-1', 'algo-2', 'algo-3']) {
      assert.equal(line(result.logs, 'HOSTNAME=', host), host);
      for (const other of ['algo-1', 'algo-2', 'algo-3']) assert.equal(line(result.logs, `REACH ${other} `, host), 'yes', `${host} reaches ${other}`);
    }
    assert.deepEqual(JSON.parse(line(result.logs, 'CONFIG resourceconfig.json ', 'algo-2') ?? '').current_host, 'algo-2');
    assert.deepEqual(archiveEntries(result.artifacts?.model ?? ''), ['model-algo-1.txt', 'model-algo-2.txt', 'model-algo-3.txt']);
  });

  test('a failure file becomes the FailureReason as SageMaker words it ("AlgorithmError: " and the file, 1024 characters at most), and artifacts are still packed', async () => {
    const result = await run(project, { hyperparameters: { mode: 'failfile' } });
    assert.equal(result.status, 'Failed');
    assert.equal(result.failureReason?.length, 1024);
    assert.match(result.failureReason ?? '', /^AlgorithmError: Custom failure: 0+$/);
    assert.deepEqual(archiveEntries(result.artifacts?.model ?? ''), ['model-algo-1.txt']);
  });

  test('a non-zero exit without a failure file is SageMaker\'s "AlgorithmError: , exit code: N"', async () => {
    const result = await run(project, { hyperparameters: { mode: 'exit' } });
    assert.equal(result.status, 'Failed');
    assert.equal(result.failureReason, 'AlgorithmError: , exit code: 7');
    assert.deepEqual(result.exitCodes, { 'algo-1': 7 });
  });

  test('the seed mistake, CMD ["python", "train.py"], fails locally as SageMaker fails it: train is not found', async () => {
    const seed = trainingProject('FROM scratch\nCOPY busybox /bin/busybox\nCMD ["python", "train.py"]\n');
    dockerBuild(seed, 'smct-test-seed:latest');
    const result = await runLocalTraining(loadTrainingJob(writeJob(seed, { image: 'smct-test-seed:latest', baseJobName: JOBS })));
    assert.equal(result.status, 'Failed');
    assert.match(result.failureReason ?? '', /^ClientError: .*exec: "train": executable file not found in \$PATH/);
  });

  test('ContainerEntrypoint and ContainerArguments are applied as Docker applies them', async () => {
    const both = await run(project, { containerEntrypoint: ['/usr/local/bin/train', 'first'], containerArguments: ['--epochs', '2'] });
    assert.equal(line(both.logs, 'ARGS='), 'first --epochs 2');
    // Without an ENTRYPOINT in the image, the arguments are the command itself, in place of "train".
    const argumentsOnly = await run(project, { containerArguments: ['train', '--extra'] });
    assert.equal(line(argumentsOnly.logs, 'ARGS='), '--extra');
  });

  test('an exec-form ENTRYPOINT receives train as its argument', async () => {
    const entry = trainingProject(`${BUSYBOX_DOCKERFILE}ENTRYPOINT ["/usr/local/bin/train", "--from-entrypoint"]\n`);
    dockerBuild(entry, 'smct-test-entry:latest');
    const logs: string[] = [];
    const result = await runLocalTraining(loadTrainingJob(writeJob(entry, { image: 'smct-test-entry:latest', baseJobName: JOBS })), {
      onLog: (host, text) => logs.push(`[${host}] ${text}`),
    });
    assert.equal(result.status, 'Completed');
    assert.equal(line(logs, 'ARGS='), '--from-entrypoint train');
  });

  test('a shell-form ENTRYPOINT runs under /bin/sh -c and loses train, as on SageMaker', async () => {
    const shell = trainingProject(`${BUSYBOX_DOCKERFILE}ENTRYPOINT /usr/local/bin/train --shell-form\n`);
    dockerBuild(shell, 'smct-test-shell:latest');
    const logs: string[] = [];
    const result = await runLocalTraining(loadTrainingJob(writeJob(shell, { image: 'smct-test-shell:latest', baseJobName: JOBS })), {
      onLog: (host, text) => logs.push(`[${host}] ${text}`),
    });
    assert.equal(result.status, 'Completed');
    assert.equal(line(logs, 'ARGS='), '--shell-form', '"train" never reaches the program');
  });

  test('stopping sends SIGTERM: a program that handles it saves its model, and the job is Stopped with artifacts', async () => {
    const abort = new AbortController();
    const logs: string[] = [];
    const warnings: string[] = [];
    const running = runLocalTraining(loadTrainingJob(writeJob(project, { image: IMAGE, baseJobName: JOBS, hyperparameters: { mode: 'term' } })), {
      onLog: (_host, text) => {
        logs.push(text);
        if (text === 'READY') abort.abort();
      },
      onWarning: (message) => warnings.push(message),
      signal: abort.signal,
      stopTimeoutSeconds: 30,
    });
    const result = await running;
    assert.equal(result.status, 'Stopped');
    assert.equal(result.secondaryStatus, undefined, 'a stop asked for is not MaxRuntimeExceeded');
    assert.ok(logs.includes('GOT SIGTERM'), logs.join('\n'));
    assert.deepEqual(warnings, [], 'a program that handles SIGTERM gets no hint');
    assert.ok(archiveEntries(result.artifacts?.model ?? '').includes('on-term.txt'));
  });

  test('a program that ignores SIGTERM is killed (SIGKILL) after the stop timeout, with a hint that points to SM107', async () => {
    const abort = new AbortController();
    const warnings: string[] = [];
    const result = await runLocalTraining(loadTrainingJob(writeJob(project, { image: IMAGE, baseJobName: JOBS, hyperparameters: { mode: 'ignore' } })), {
      onLog: (_host, text) => text === 'READY' && abort.abort(),
      onWarning: (message) => warnings.push(message),
      signal: abort.signal,
      stopTimeoutSeconds: 1,
    });
    assert.equal(result.status, 'Stopped');
    assert.deepEqual(result.exitCodes, { 'algo-1': 137 });
    assert.equal(warnings.length, 1, warnings.join('\n'));
    assert.match(
      warnings[0],
      /^algo-1 did not exit within the 1 s stop timeout after SIGTERM and was killed: .*ignores SIGTERM.*tini or dumb-init \(rule SM107\)\.$/,
    );
  });

  test('a failing host ends the job: the other hosts are stopped, and the failure is its exit code', async () => {
    let running: ReturnType<typeof leftovers> | undefined;
    const result = await run(
      project,
      { hyperparameters: { mode: 'hostfail' }, resources: { instanceCount: 2 }, stopping: { stopTimeoutSeconds: 30 } },
      undefined,
      (text) => {
        if (text === '[algo-1] READY') running = leftovers(JOBS);
      },
    );
    assert.equal(result.status, 'Failed');
    assert.equal(result.failureReason, 'AlgorithmError: , exit code: 5');
    assert.ok(result.logs.includes('[algo-1] GOT SIGTERM'), result.logs.join('\n'));
    // While the job ran, the leftover check saw its two containers, its network and its folder: it looks where the runs are.
    assert.equal(running?.containers.split(' ').filter(Boolean).length, 2, JSON.stringify(running));
    assert.notEqual(running?.networks, '');
    assert.equal(running?.folders.length, 1);
  });

  test('a last line without a newline is still logged', async () => {
    const result = await run(project, { hyperparameters: { mode: 'nonewline' } });
    assert.equal(result.logs[result.logs.length - 1], '[algo-1] last line without a newline');
  });

  test('a job stopped before it starts does not run', async () => {
    const abort = new AbortController();
    abort.abort();
    const result = await run(project, {}, abort.signal);
    assert.equal(result.status, 'Stopped');
    assert.deepEqual(result.logs, []);
  });

  test('reaching maxRuntimeSeconds stops the job as StopTrainingJob does', async () => {
    const result = await run(project, { hyperparameters: { mode: 'term' }, stopping: { maxRuntimeSeconds: 1, stopTimeoutSeconds: 30 } });
    assert.equal(result.status, 'Stopped');
    assert.equal(result.secondaryStatus, 'MaxRuntimeExceeded');
    assert.equal(result.statusMessage, 'The job stopped because it exceeded the maximum allowed runtime.');
    assert.ok(result.logs.includes('[algo-1] GOT SIGTERM'), result.logs.join('\n'));
  });

  test('bad input gives a clear message and leaves nothing behind', async () => {
    await assert.rejects(run(project, { inputs: { training: 'no/such/folder' } }), (error: Error) => {
      assert.ok(isSmctError(error, 'LOCAL_RUN_FAILED'));
      assert.match(error.message, /Input channel "training": the folder .*no\/such\/folder does not exist/);
      return true;
    });
    await assert.rejects(
      runLocalTraining(loadTrainingJob(writeJob(project, { image: 'smct-no-such-image:1', baseJobName: JOBS }))),
      /is not on this machine: build it first \(smct build\)/,
    );
    assert.throws(
      () => loadTrainingJob(writeJob(project, { image: IMAGE, resources: { instanceCount: 0 } })),
      (error: Error) => {
        assert.ok(isSmctError(error, 'JOB_FILE_INVALID'));
        assert.match(error.message, /sagemaker-job\.json: `resources\.instanceCount` must be at least 1, got 0$/);
        return true;
      },
    );
    assert.deepEqual(leftovers(JOBS), { containers: '', networks: '', folders: [] });
  });

  test('leftovers of a crashed run (its process gone) are removed by the next run', async () => {
    const dead = 999_999;
    const crashed = `${JOBS}-crashed`;
    const labels = ['--label', 'smct.managed=true', '--label', `smct.job=${crashed}`, '--label', `smct.pid=${dead}`, '--label', `smct.host=${os.hostname()}`];
    const made = (args: string[]): void => assert.equal(spawnSync('docker', args, { encoding: 'utf8' }).status, 0, `docker ${args.join(' ')}`);
    made(['network', 'create', ...labels, `${crashed}-net`]);
    made(['create', ...labels, '--name', crashed, IMAGE, 'train']);
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), `smct-job-${crashed}-`));
    fs.writeFileSync(path.join(folder, 'owner.pid'), `${dead} ${os.hostname()}`);
    // A run of another machine sharing the daemon: its pid means nothing here, so it is left alone.
    const other = `${JOBS}-other-host`;
    made([
      'create',
      '--label',
      'smct.managed=true',
      '--label',
      `smct.job=${other}`,
      '--label',
      `smct.pid=${dead}`,
      '--label',
      'smct.host=another-machine',
      '--name',
      other,
      IMAGE,
      'train',
    ]);
    // (Another process's run may clean these up first, as it should: so they are not asserted present here.)
    await cleanUpLeftovers();
    assert.deepEqual(leftovers(crashed), { containers: '', networks: '', folders: [] });
    assert.notEqual(leftovers(other).containers, '', "another machine's run is not touched");
    spawnSync('docker', ['rm', '--force', other]);
    assert.deepEqual(leftovers(JOBS), { containers: '', networks: '', folders: [] });
  });

  test('a GPU instance type: refused before any container when the engine has no NVIDIA runtime, run on the CPU with cpu', async (t) => {
    const runtimes = spawnSync('docker', ['info', '--format', '{{json .Runtimes}}'], { encoding: 'utf8' }).stdout;
    if (/"nvidia/.test(runtimes)) {
      t.skip('this Docker engine has the NVIDIA runtime: the refusal cannot happen here');
      return;
    }
    const file = writeJob(project, { image: IMAGE, baseJobName: JOBS, resources: { instanceType: 'ml.g5.xlarge' } });
    await assert.rejects(
      runLocalTraining(loadTrainingJob(file)),
      (error) =>
        isSmctError(error, 'ACCELERATOR_UNAVAILABLE') &&
        /^ml\.g5\.xlarge has 1 NVIDIA GPU, but this Docker engine has no NVIDIA runtime \(docker info lists .*\): install the NVIDIA Container Toolkit, or run on the CPU with --cpu$/.test(
          error.message,
        ),
    );
    assert.deepEqual(leftovers(JOBS), { containers: '', networks: '', folders: [] });
    const notices: string[] = [];
    const result = await runLocalTraining(loadTrainingJob(file), { cpu: true, onNotice: (message) => notices.push(message) });
    assert.equal(result.status, 'Completed', result.failureReason);
    assert.ok(notices.includes('running ml.g5.xlarge on the CPU: the program sees no GPU'), notices.join('\n'));
    fs.rmSync(path.join(project, 'output'), { recursive: true, force: true });
  });
});
