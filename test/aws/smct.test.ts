import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { registryMissing, startRegistry, type Registry } from '../helpers/registry';
import { startSmct, type RunningSmct, type SmctRun } from '../helpers/smctProcess';
import * as tar from 'tar';
import { BUSYBOX_DOCKERFILE, exampleCopy, pythonBaseMissing, trainingProject, writeJob } from '../local/dockerFixtures';
import { dockerRunner, startAwsEmulator, type AwsEmulator } from './emulator';

// smct itself, as users run it (bin/smct.js over the bundles), against the AWS emulator, a real
// registry standing in for ECR and the real Docker engine: build, push, submit, follow, stop.
const IMAGE = 'smct-cloud-test:latest';

type Run = SmctRun;

describe('smct push, submit, logs, stop and jobs against the AWS emulator', { skip: registryMissing() ?? false }, () => {
  let registry: Registry;
  let emulator: AwsEmulator;
  let project: string;
  // No ~/.aws of the developer's: the emulator's keys only.
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'smct-home-'));

  /** smct as a user runs it, with the emulator's endpoint and keys; `child` lets a test press Ctrl-C. */
  const start = (args: string[], options: { cwd?: string; env?: Record<string, string> } = {}): RunningSmct =>
    startSmct(args, { cwd: options.cwd ?? project, env: { ...process.env, ...emulator.env, HOME: home, ...options.env } });
  const smct = (args: string[], cwd = project): Promise<Run> => start(args, { cwd }).done;

  /** Nothing secret in anything smct printed. */
  const assertNoSecrets = (run: Run): void => {
    for (const secret of [registry.password, emulator.credentials.secretAccessKey, Buffer.from(`AWS:${registry.password}`).toString('base64')]) {
      assert.ok(!run.stdout.includes(secret) && !run.stderr.includes(secret), 'a secret was printed');
    }
    assert.doesNotMatch(run.stderr, /^\s+at .+\(.+:\d+:\d+\)$/m, 'a stack trace was printed');
  };

  const job = (extra: Record<string, unknown> = {}): void => {
    writeJob(project, {
      baseJobName: 'cloud-test',
      image: IMAGE,
      roleArn: 'arn:aws:iam::123456789012:role/SageMakerRole',
      hyperparameters: { mode: 'ok', epochs: 3 },
      inputs: { training: { source: 'data/training', contentType: 'text/csv' } },
      resources: { instanceType: 'ml.m5.large', instanceCount: 1 },
      stopping: { maxRuntimeSeconds: 600 },
      ...extra,
    });
  };

  before(async () => {
    registry = await startRegistry();
    emulator = await startAwsEmulator({ registry, runner: dockerRunner({ stopTimeoutSeconds: 5 }) });
    project = trainingProject(BUSYBOX_DOCKERFILE);
    job();
  });

  after(async () => {
    await emulator?.close();
    // The tags smct made for the registry of this run (its port is new each run).
    if (registry) {
      const tags = spawnSync('docker', ['image', 'ls', '--format', '{{.Repository}}:{{.Tag}}', `${registry.endpoint}/*`], { encoding: 'utf8' })
        .stdout.split('\n')
        .filter(Boolean);
      if (tags.length > 0) spawnSync('docker', ['image', 'rm', '--force', ...tags]);
    }
    await registry?.close();
    fs.rmSync(home, { recursive: true, force: true });
  });

  test('submit --wait builds, pushes, uploads, submits and follows the job to Completed, each log line once', async () => {
    const run = await smct(['submit', '--wait', '--poll-interval', '0.2']);
    assert.equal(run.code, 0, run.stderr + run.stdout);
    assertNoSecrets(run);
    const name = /^Submitted training job (\S+)$/m.exec(run.stdout)?.[1] ?? '';
    assert.match(name, /^cloud-test-\d{4}-\d{2}-\d{2}-\d{2}-\d{2}-\d{2}-\d{3}$/);
    // The steps, in order.
    const steps = [
      'Checking the AWS credentials',
      `Building ${IMAGE}`,
      'Created ECR repository',
      'Pushed ',
      'Uploading 1 input channel',
      'training: uploaded',
      `Creating training job ${name}`,
    ];
    let at = 0;
    for (const step of steps) {
      const found = run.stderr.indexOf(step, at);
      assert.ok(found >= at, `"${step}" missing or out of order in:\n${run.stderr}`);
      at = found;
    }
    // The container's lines, once each: what SageMaker would start, with its config.
    for (const line of ['ARGV0=/usr/local/bin/train', `TRAINING_JOB_NAME=${name}`, 'DONE']) {
      assert.equal(run.stdout.split('\n').filter((text) => text === line).length, 1, `${line} in:\n${run.stdout}`);
    }
    assert.match(run.stdout, /^CONFIG hyperparameters\.json \{"mode":"ok","epochs":"3"\}$/m);
    assert.match(run.stdout, /^TREE \/opt\/ml\/input\/data\/training\/rows\.csv$/m);
    // Status transitions, then the summary.
    assert.match(run.stderr, /Training - Training image download completed\. Training in progress\./);
    assert.match(run.stdout, new RegExp(`^Training job ${name}: Completed$`, 'm'));
    assert.match(run.stdout, /^Billable seconds: \d+$/m);
    const artifact = `s3://sagemaker-eu-west-1-123456789012/${name}/output/model.tar.gz`;
    assert.match(run.stdout, new RegExp(`^Model artifact: ${artifact.replace(/[./]/g, '\\$&')}$`, 'm'));
    assert.ok(emulator.s3.getObject('sagemaker-eu-west-1-123456789012', `${name}/output/model.tar.gz`).bytes.length > 0);
    // Every request the official models accept; the image sent by digest, from the registry standing in for ECR.
    assert.deepEqual(emulator.invalidRequests(), []);
    const created = emulator.requests.find((request) => request.operation === 'CreateTrainingJob');
    const input = created?.input as { AlgorithmSpecification: { TrainingImage: string }; HyperParameters: Record<string, string> };
    assert.equal(
      input.AlgorithmSpecification.TrainingImage.startsWith(`${registry.endpoint}/smct-cloud-test@sha256:`),
      true,
      input.AlgorithmSpecification.TrainingImage,
    );
    assert.deepEqual(input.HyperParameters, { mode: 'ok', epochs: '3' });
  });

  test('a second submission finds the unchanged input already uploaded, and logs, jobs and stop answer for the jobs', async () => {
    const puts = (): number => emulator.requests.filter((request) => request.operation === 'PutObject' || request.operation === 'CreateMultipartUpload').length;
    const before = puts();
    const run = await smct(['submit']);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stderr, /training: unchanged, already at s3:\/\/sagemaker-eu-west-1-123456789012\/smct\/inputs\/cloud-test\/training\/[0-9a-f]{32}\//);
    assert.equal(puts(), before, 'the unchanged input was uploaded again');
    const name = /^Submitted training job (\S+)$/m.exec(run.stdout)?.[1] ?? '';
    await emulator.waitForJob(name);

    const logs = await smct(['logs', name]);
    assert.equal(logs.code, 0, logs.stderr);
    assert.equal(logs.stdout.split('\n').filter((line) => line === 'DONE').length, 1, logs.stdout);

    const jobs = await smct(['jobs']);
    assert.equal(jobs.code, 0, jobs.stderr);
    assert.match(jobs.stdout.split('\n')[0], new RegExp(`^${name}\\s+Completed\\s+\\d{4}-`));
    assert.equal(jobs.stdout.trim().split('\n').length >= 2, true, jobs.stdout);

    const stop = await smct(['stop', name]);
    assert.equal(stop.code, 0, stop.stderr);
    assert.equal(stop.stdout, `Training job ${name} has already ended: Completed. Nothing to stop.\n`);
    assert.deepEqual(emulator.invalidRequests(), []);
  });

  test('an image that would fail to start (smct check) is not pushed or submitted, unless --force', async () => {
    // Fine for the linter (RUN makes "train"), but what RUN writes has no #! line.
    const broken = trainingProject(`${BUSYBOX_DOCKERFILE}RUN printf 'echo trained\\n' > /usr/local/bin/train && chmod 755 /usr/local/bin/train\n`);
    const image = `smct-cloud-test-check-${process.pid}:latest`;
    writeJob(broken, { image, roleArn: 'arn:aws:iam::123456789012:role/SageMakerRole', resources: { instanceType: 'ml.m5.large' } });
    try {
      const run = await smct(['submit'], broken);
      assert.equal(run.code, 1, run.stderr);
      assert.match(run.stderr, new RegExp(`^${image}: error exec-format exec /usr/local/bin/train: exec format error: `, 'm'));
      assert.match(run.stderr, /^smct: .* has an error that will make the job fail when SageMaker starts it\. .*submit anyway with --force\.$/m);
      assert.doesNotMatch(run.stderr, /Pushing/);
      assert.doesNotMatch(run.stdout, /Submitted training job/);
    } finally {
      spawnSync('docker', ['image', 'rm', '--force', image]);
    }
  });

  test('smct stop sends SIGTERM to a running job; logs --follow ends with Stopped and exit code 1', async () => {
    job({ hyperparameters: { mode: 'term' } });
    const run = await smct(['submit']);
    assert.equal(run.code, 0, run.stderr);
    const name = /^Submitted training job (\S+)$/m.exec(run.stdout)?.[1] ?? '';
    const follow = smct(['logs', name, '--follow', '--poll-interval', '0.2']);
    await waitFor(() => emulator.trainingJob(name).secondaryStatus === 'Training' && emulatorLines(emulator, name).includes('READY'));
    const stop = await smct(['stop', name]);
    assert.equal(stop.code, 0, stop.stderr);
    assert.match(stop.stdout, new RegExp(`^Stopping training job ${name}`));
    const followed = await follow;
    assert.equal(followed.code, 1, followed.stderr);
    assert.match(followed.stdout, /^GOT SIGTERM$/m);
    assert.match(followed.stdout, new RegExp(`^Training job ${name}: Stopped$`, 'm'));
    job();
  });

  test('a failing job ends submit --wait with its FailureReason and exit code 1', async () => {
    job({ hyperparameters: { mode: 'failfile' } });
    const run = await smct(['submit', '--wait', '--poll-interval', '0.2']);
    assert.equal(run.code, 1, run.stderr);
    assert.match(run.stdout, /: Failed$/m);
    assert.match(run.stdout, /^FailureReason: AlgorithmError: Custom failure: 0{10}/m);
    job();
  });

  test('smct push prints the image by digest, the same the registry holds', async () => {
    const run = await smct(['push', '--tag', 'v1']);
    assert.equal(run.code, 0, run.stderr);
    assertNoSecrets(run);
    const uri = run.stdout.trim();
    assert.match(uri, new RegExp(`^${registry.endpoint.replace(/\./g, '\\.')}/smct-cloud-test@sha256:[0-9a-f]{64}$`));
    const manifest = await fetch(`http://${registry.endpoint}/v2/smct-cloud-test/manifests/v1`, {
      headers: {
        Authorization: `Basic ${Buffer.from(`AWS:${registry.password}`).toString('base64')}`,
        Accept: 'application/vnd.docker.distribution.manifest.v2+json',
      },
    });
    assert.equal(manifest.headers.get('docker-content-digest'), uri.split('@')[1]);
    // Nothing of the login was left in the user's Docker config.
    assert.equal(fs.existsSync(path.join(home, '.docker', 'config.json')), false);
  });

  test(
    'examples/training: one smct submit --wait builds, pushes, submits and follows it to Completed; its model is in S3',
    { skip: pythonBaseMissing() ?? false },
    async () => {
      const file = exampleCopy('training');
      try {
        const run = await smct(['submit', '--wait', '--poll-interval', '0.2'], path.dirname(file));
        assert.equal(run.code, 0, run.stderr + run.stdout);
        assertNoSecrets(run);
        assert.equal(run.stdout.split('\n').filter((line) => /^trained on 200 rows: y = 2\.\d+ \* x \+ /.test(line)).length, 1, run.stdout);
        const name = /^Submitted training job (linear-fit-\S+)$/m.exec(run.stdout)?.[1] ?? '';
        assert.match(run.stdout, new RegExp(`^Training job ${name}: Completed$`, 'm'));
        const model = emulator.s3.getObject('sagemaker-eu-west-1-123456789012', `${name}/output/model.tar.gz`).bytes;
        const unpacked = fs.mkdtempSync(path.join(os.tmpdir(), 'smct-model-'));
        try {
          fs.writeFileSync(path.join(unpacked, 'model.tar.gz'), model);
          await tar.extract({ file: path.join(unpacked, 'model.tar.gz'), cwd: unpacked });
          assert.match(fs.readFileSync(path.join(unpacked, 'model.json'), 'utf8'), /^\{"a": 2\.\d+, "b": /);
        } finally {
          fs.rmSync(unpacked, { recursive: true, force: true });
        }
        assert.deepEqual(emulator.invalidRequests(), []);
      } finally {
        fs.rmSync(path.dirname(file), { recursive: true, force: true });
      }
    },
  );

  test('errors say what to do: expired credentials, a missing role, access denied, a quota, an unknown job', async () => {
    emulator.expireCredentials(true);
    try {
      const expired = await smct(['jobs']);
      assert.equal(expired.code, 1);
      assert.match(expired.stderr, /^smct: The AWS credentials of the default profile have expired \(ListTrainingJobs\)\. Log in again/m);
      assertNoSecrets(expired);
    } finally {
      emulator.expireCredentials(false);
    }
    job({ roleArn: undefined });
    const noRole = await smct(['submit']);
    assert.equal(noRole.code, 2);
    assert.match(noRole.stderr, /^smct: No execution role for the job: add "roleArn"/m);
    job();
    // The image already in ECR: no build, no push; the faults come from the emulator as AWS sends them.
    job({ image: `${emulator.accountId}.dkr.ecr.${emulator.region}.amazonaws.com/smct-cloud-test:latest` });
    emulator.failNext({
      operation: 'CreateTrainingJob',
      code: 'AccessDeniedException',
      message: 'User: arn:aws:iam::123456789012:user/ci is not authorized to perform: iam:PassRole',
    });
    const denied = await smct(['submit']);
    assert.equal(denied.code, 1);
    assert.match(
      denied.stderr,
      /^smct: Access denied to CreateTrainingJob for the default profile in eu-west-1: User: .* It needs sagemaker:CreateTrainingJob and iam:PassRole on the execution role\.$/m,
    );
    emulator.failNext({
      operation: 'CreateTrainingJob',
      code: 'ResourceLimitExceeded',
      message: "The account-level service limit 'ml.m5.large for training job usage' is 0 Instances",
    });
    const quota = await smct(['submit']);
    assert.equal(quota.code, 1);
    assert.match(
      quota.stderr,
      /^smct: CreateTrainingJob: The account-level service limit .* Request a higher quota for eu-west-1: https:\/\/console\.aws\.amazon\.com\/servicequotas\//m,
    );
    job();
    const unknown = await smct(['logs', 'no-such-job']);
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /^smct: No training job named no-such-job in eu-west-1/m);
  });

  test('the dry run shows exactly the request submit sends, but for the stand-ins of what only AWS knows', async () => {
    // An s3:// output path moves the uploads to its bucket: the preview must say so too.
    job({ output: { path: 's3://team-models/cloud-test' } });
    const preview = await smct(['submit', '--dry-run']);
    assert.equal(preview.code, 0, preview.stderr);
    const run = await smct(['submit']);
    assert.equal(run.code, 0, run.stderr);
    const name = /^Submitted training job (\S+)$/m.exec(run.stdout)?.[1] ?? '';
    const sent = emulator.requests.find(
      (request) => request.operation === 'CreateTrainingJob' && (request.input as { TrainingJobName?: string }).TrainingJobName === name,
    );
    assert.ok(sent, `no CreateTrainingJob for ${name}`);
    const shown = JSON.parse(preview.stdout) as { TrainingJobName: string; AlgorithmSpecification: { TrainingImage: string } };
    assert.match(shown.TrainingJobName, /^cloud-test-\d{4}(-\d{2}){5}-\d{3}$/);
    assert.equal(shown.AlgorithmSpecification.TrainingImage, `000000000000.dkr.ecr.eu-west-1.amazonaws.com/smct-cloud-test@sha256:${'0'.repeat(64)}`);
    // What only AWS knows, put in the preview's place: the name's time, the registry and digest, the content hash.
    const real = JSON.parse(JSON.stringify(sent.input)) as typeof shown & { InputDataConfig: { DataSource: { S3DataSource: { S3Uri: string } } }[] };
    assert.match(real.AlgorithmSpecification.TrainingImage, new RegExp(`^${registry.endpoint}/smct-cloud-test@sha256:[0-9a-f]{64}$`));
    real.TrainingJobName = shown.TrainingJobName;
    real.AlgorithmSpecification.TrainingImage = shown.AlgorithmSpecification.TrainingImage;
    const uri = real.InputDataConfig[0].DataSource.S3DataSource;
    assert.match(uri.S3Uri, /^s3:\/\/team-models\/cloud-test\/smct-inputs\/cloud-test\/training\/[0-9a-f]{32}\/$/);
    uri.S3Uri = uri.S3Uri.replace(/[0-9a-f]{32}\/$/, `${'0'.repeat(32)}/`);
    assert.deepEqual(real, shown);
    job();
  });

  test('Ctrl-C while following (submit --wait, logs --follow) says the job goes on and how to come back; exit 130, no stack trace', async () => {
    job({ hyperparameters: { mode: 'term' } });
    const submit = start(['submit', '--wait', '--poll-interval', '0.2']);
    await waitFor(() => /^READY$/m.test(submit.stdout));
    const name = /^Submitted training job (\S+)$/m.exec(submit.stdout)?.[1] ?? '';
    submit.child.kill('SIGINT');
    const submitted = await submit.done;
    const says = (run: Run): void => {
      assert.equal(run.code, 130, run.stderr);
      assert.match(
        run.stderr,
        new RegExp(
          `^smct: stopped following ${name}; the job goes on in SageMaker\\. Follow it again: smct logs ${name} --follow; stop it: smct stop ${name}$`,
          'm',
        ),
      );
      assert.doesNotMatch(run.stderr, /internal error|TypeError|^\s+at /m);
    };
    says(submitted);
    assert.equal(emulator.trainingJob(name).status, 'InProgress', 'Ctrl-C stopped the job itself');
    const logs = start(['logs', name, '--follow', '--poll-interval', '0.2']);
    await waitFor(() => /^READY$/m.test(logs.stdout));
    logs.child.kill('SIGINT');
    says(await logs.done);
    assert.equal((await smct(['stop', name])).code, 0);
    await emulator.waitForJob(name);
    job();
  });

  test('submit with a missing Dockerfile, and push or submit with the Docker daemon down: one line that says what to do', async () => {
    job({ build: { dockerfile: 'Missing.Dockerfile' } });
    const missing = await smct(['submit']);
    assert.equal(missing.code, 2);
    assert.equal(
      missing.stderr.split('\n').filter(Boolean).pop(),
      'smct: Missing.Dockerfile: no such Dockerfile ("build.dockerfile" in sagemaker-job.json). Fix the path.',
    );
    job();
    const down = { env: { DOCKER_HOST: 'unix:///nonexistent/docker.sock' } };
    for (const args of [['push'], ['submit']]) {
      const run = await start(args, down).done;
      assert.equal(run.code, 1, run.stderr);
      assert.match(run.stderr, /^smct: The Docker daemon is not running\. Start it .*, then try again\.$/m);
      assert.doesNotMatch(run.stderr, /internal error|^\s+at /m);
    }
  });
});

/** Every line the job's containers wrote to the emulator's CloudWatch. */
function emulatorLines(emulator: AwsEmulator, name: string): string[] {
  const group = '/aws/sagemaker/TrainingJobs';
  return emulator.logs
    .streamNames(group)
    .filter((stream) => stream.startsWith(`${name}/`))
    .flatMap((stream) => emulator.logs.events(group, stream).map((event) => event.message));
}

async function waitFor(condition: () => boolean, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out waiting for a condition');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
