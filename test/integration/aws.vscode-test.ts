import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { BUSYBOX, BUSYBOX_DOCKERFILE, dockerMissing, TRAIN_SCRIPT } from '../local/dockerFixtures';
import { EXTENSION_ID, waitFor, workspaceFile } from './helpers';

/** The harness (test/vscode/integration.test.ts) runs an AWS emulator and gives code-server its environment and this control URL. */
const CONTROL = process.env.SMCT_AWS_EMULATOR_CONTROL;
const REGION = process.env.AWS_REGION ?? 'eu-west-1';
const ACCOUNT = '123456789012';
/** An image already in a registry: submitting it builds and pushes nothing, so no Docker is needed. */
const REMOTE_IMAGE = `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/smct-integration:latest`;

interface JobRef {
  readonly name: string;
  readonly region: string;
  readonly profile?: string;
}

/** The parts of the extension's API (what activate() returns) these tests use. */
interface Api {
  readonly aws: {
    readonly session: { statusBar(): { text: string; tooltip: string; backgroundColor?: string; command?: string } };
    readonly trainingJobs: {
      refresh(): void;
      getChildren(): Promise<unknown[]>;
      getTreeItem(node: unknown): vscode.TreeItem;
      resolveTreeItem(item: vscode.TreeItem, node: unknown, token: vscode.CancellationToken): Promise<vscode.TreeItem>;
      readonly jobs: readonly { readonly ref: JobRef; readonly status: string }[];
      readonly message?: { readonly label: string; readonly tooltip: string; readonly command?: vscode.Command };
      readonly autoRefreshing: boolean;
      readonly visible: boolean;
    };
    readonly watcher: {
      pollIntervals: { logMs: number; statusMs: number };
      watched(): JobRef[];
      channelNames(): string[];
      transcript(ref: JobRef): readonly string[] | undefined;
      isFollowing(ref: JobRef): boolean;
      stopFollowing(): Promise<void>;
      resume(): Promise<void>;
    };
    readonly commands: {
      stop(job: JobRef, options: { confirm: boolean }): Promise<{ stopping: boolean; status?: string } | undefined>;
      download(job: JobRef, folder: string): Promise<string | undefined>;
      copyArn(job: JobRef): Promise<string | undefined>;
    };
  };
}

async function control(method: 'GET' | 'POST', route: string, body?: unknown): Promise<unknown> {
  const response = await fetch(`${CONTROL}${route}`, { method, body: body === undefined ? undefined : JSON.stringify(body) });
  assert.equal(response.status, 200, `${method} ${route}`);
  return response.json();
}

/** A job project in the workspace whose job runs the emulator's scripted scenario. */
function writeJob(name: string, scenario: 'complete' | 'fail' | 'until-stopped', options: { delayMs?: number; instances?: number } = {}): vscode.Uri {
  const folder = workspaceFile(`aws-${name}`).fsPath;
  fs.mkdirSync(path.join(folder, 'data'), { recursive: true });
  fs.writeFileSync(path.join(folder, 'data', 'rows.csv'), 'x,y\n1,2\n2,4\n');
  const job = {
    baseJobName: name,
    image: REMOTE_IMAGE,
    roleArn: `arn:aws:iam::${ACCOUNT}:role/SageMakerTraining`,
    hyperparameters: { smct_scenario: scenario, smct_delay_ms: options.delayMs ?? 100 },
    inputs: { training: 'data' },
    resources: { instanceType: 'ml.m5.large', instanceCount: options.instances ?? 1 },
  };
  fs.writeFileSync(path.join(folder, 'sagemaker-job.json'), JSON.stringify(job, null, 2));
  return vscode.Uri.file(path.join(folder, 'sagemaker-job.json'));
}

/** A job project whose image is built here FROM scratch with busybox (no registry to pull from), as the local jobs' tests do. */
function writeLocalImageJob(name: string, image: string): vscode.Uri {
  const uri = writeJob(name, 'complete');
  const folder = path.dirname(uri.fsPath);
  fs.writeFileSync(path.join(folder, 'Dockerfile'), BUSYBOX_DOCKERFILE);
  fs.copyFileSync(BUSYBOX, path.join(folder, 'busybox'));
  fs.chmodSync(path.join(folder, 'busybox'), 0o755);
  fs.writeFileSync(path.join(folder, 'train'), TRAIN_SCRIPT, { mode: 0o755 });
  const job = JSON.parse(fs.readFileSync(uri.fsPath, 'utf8')) as Record<string, unknown>;
  fs.writeFileSync(uri.fsPath, JSON.stringify({ ...job, image }, null, 2));
  return uri;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function count(lines: readonly string[], line: string): number {
  return lines.filter((candidate) => candidate === line).length;
}

suite('AWS from VS Code', () => {
  let api: Api;
  let aws: Api['aws'];

  suiteSetup(async () => {
    const extension = vscode.extensions.getExtension<Api>(EXTENSION_ID);
    assert.ok(extension, `${EXTENSION_ID} is installed`);
    api = await extension.activate();
    aws = api.aws;
  });

  test('activation does not load the AWS SDK, and the AWS status bar item shows the profile and region from the settings', () => {
    const loaded = Object.keys(require.cache).filter((file) => file.endsWith(`${path.sep}dist${path.sep}aws.js`));
    assert.deepEqual(loaded, [], 'dist/aws.js is loaded on first use only');
    const status = aws.session.statusBar();
    assert.equal(status.text, CONTROL ? `$(cloud) AWS: environment (${REGION})` : status.text);
    assert.match(status.text, /^\$\(cloud\) AWS: /);
    assert.equal(status.backgroundColor, undefined);
    assert.equal(status.command, 'sagemakerContainerTools.selectAwsProfile');
  });

  test('the AWS commands are contributed and registered, and need a trusted workspace', async () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID)!;
    const contributed = extension.packageJSON.contributes.commands as { command: string; enablement?: string }[];
    const registered = await vscode.commands.getCommands(true);
    const ids = [
      'selectAwsProfile',
      'selectAwsRegion',
      'fixAwsCredentials',
      'awsSsoLogin',
      'pushImage',
      'submitTrainingJob',
      'refreshTrainingJobs',
      'showTrainingJobLogs',
      'stopTrainingJob',
      'copyTrainingJobArn',
      'openTrainingJobInConsole',
      'downloadModelArtifact',
    ].map((id) => `sagemakerContainerTools.${id}`);
    for (const id of ids) {
      assert.ok(registered.includes(id), `${id} is registered`);
      assert.ok(
        contributed.some((command) => command.command === id),
        `${id} is contributed`,
      );
    }
    // AWS commands run programs (docker, credential_process, aws sso login) and act as the user's AWS identity.
    for (const id of ids) assert.equal(contributed.find((command) => command.command === id)?.enablement, 'isWorkspaceTrusted', id);
    const settings = extension.packageJSON.contributes.configuration.properties;
    assert.equal(settings['sagemakerContainerTools.aws.profile'].scope, 'machine', 'a workspace never chooses the credentials');
  });

  test('Preview Training Job Request opens the request the job file makes, valid for the official model, and calls no AWS', async () => {
    const returned = await vscode.commands.executeCommand<Record<string, unknown> | undefined>(
      'sagemakerContainerTools.previewTrainingJobRequest',
      workspaceFile('training/sagemaker-job.json'),
    );
    const document = vscode.window.activeTextEditor?.document;
    assert.ok(returned && document, 'a request, shown in an editor');
    assert.equal(document.languageId, 'json');
    assert.equal(document.isUntitled, true);
    const request = JSON.parse(document.getText()) as {
      TrainingJobName: string;
      HyperParameters: Record<string, string>;
      AlgorithmSpecification: { TrainingImage: string };
    };
    assert.deepEqual(request, returned);
    assert.match(request.TrainingJobName, /^linear-fit-\d{4}-/);
    assert.deepEqual(request.HyperParameters, { epochs: '200', learning_rate: '0.01' });
    assert.match(request.AlgorithmSpecification.TrainingImage, /^000000000000\.dkr\.ecr\.[a-z0-9-]+\.amazonaws\.com\/smct-example-training@sha256:0{64}$/);
    // An untitled editor with text would ask whether to save it.
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });

  test('a job file shows the "Submit to SageMaker" CodeLens', async () => {
    // The provider runs on an open document only.
    const document = await vscode.workspace.openTextDocument(workspaceFile('training/sagemaker-job.json'));
    const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', document.uri);
    const lens = lenses.find((candidate) => candidate.command?.title === '$(cloud-upload) Submit to SageMaker');
    assert.ok(lens, lenses.map((candidate) => candidate.command?.title).join(', '));
    assert.equal(lens.command?.command, 'sagemakerContainerTools.submitTrainingJob');
  });

  suite('with the AWS emulator', () => {
    const finished: JobRef[] = [];

    suiteSetup(function () {
      if (!CONTROL) this.skip();
      aws.watcher.pollIntervals = { logMs: 200, statusMs: 400 };
    });

    suiteTeardown(async () => {
      if (!CONTROL) return;
      await control('POST', '/expire-credentials', { expired: false });
      const settings = vscode.workspace.getConfiguration('sagemakerContainerTools.aws');
      await settings.update('profile', undefined, vscode.ConfigurationTarget.Global);
      await settings.update('region', REGION, vscode.ConfigurationTarget.Global);
    });

    test('submitting follows the job in its own output channel: status lines, each log line once, the summary; then the job is no longer watched', async () => {
      const submitted = await vscode.commands.executeCommand<{ name: string; arn: string; region: string } | undefined>(
        'sagemakerContainerTools.submitTrainingJob',
        writeJob('complete', 'complete', { delayMs: 300 }),
      );
      assert.ok(submitted, 'the job was submitted');
      assert.match(submitted.name, /^complete-\d{4}-\d{2}-\d{2}-\d{2}-\d{2}-\d{2}-\d{3}$/);
      assert.equal(submitted.region, REGION);
      const ref: JobRef = { name: submitted.name, region: REGION };
      assert.deepEqual(
        aws.watcher.watched().filter((job) => job.name === ref.name),
        [ref],
        'kept in the workspace state while followed',
      );
      assert.deepEqual(
        aws.watcher.channelNames().filter((name) => name === `SageMaker Job: ${ref.name}`),
        [`SageMaker Job: ${ref.name}`],
      );
      const lines = await waitFor(
        'the summary',
        () => aws.watcher.transcript(ref) ?? [],
        (transcript) => transcript.includes(`Training job ${ref.name}: Completed`),
      );
      for (const line of ['algo-1: starting training', 'epoch 1: loss=0.90', 'epoch 2: loss=0.45', 'epoch 3: loss=0.21', 'training finished']) {
        assert.equal(count(lines, line), 1, `"${line}" once, without a host prefix (one instance):\n${lines.join('\n')}`);
      }
      assert.ok(
        lines.some((line) => / Training - Training image download completed\. Training in progress\.$/.test(line)),
        lines.join('\n'),
      );
      assert.ok(
        lines.some((line) => line.startsWith(`Model artifact: s3://sagemaker-${REGION}-${ACCOUNT}/`)),
        lines.join('\n'),
      );
      await waitFor(
        'the job to be forgotten',
        () => aws.watcher.watched().some((job) => job.name === ref.name),
        (watched) => !watched,
      );
      // Following again (Show Logs) prints nothing twice, in the same channel.
      const length = lines.length;
      await vscode.commands.executeCommand('sagemakerContainerTools.showTrainingJobLogs', ref);
      assert.equal(aws.watcher.transcript(ref)?.length, length);
      assert.equal(aws.watcher.channelNames().filter((name) => name === `SageMaker Job: ${ref.name}`).length, 1);
      finished.push(ref);
    });

    test('the Training Jobs view lists the jobs with their status icons, newest first', async () => {
      assert.ok(finished.length > 0, 'a job was submitted');
      aws.trainingJobs.refresh();
      const nodes = await aws.trainingJobs.getChildren();
      const index = aws.trainingJobs.jobs.findIndex((job) => job.ref.name === finished[0].name);
      assert.ok(index >= 0, `${finished[0].name} is listed`);
      const item = aws.trainingJobs.getTreeItem(nodes[index]);
      assert.equal(item.label, finished[0].name);
      assert.equal(item.contextValue, 'trainingJob.Completed');
      assert.match(String(item.description), /^Completed · (just now|\d+ min ago)$/);
      const icon = item.iconPath as vscode.ThemeIcon;
      assert.equal(icon.id, 'pass');
      assert.equal((icon.color as unknown as { id: string }).id, 'testing.iconPassed');
      assert.match((item.tooltip as vscode.MarkdownString).value, new RegExp(`arn:aws:sagemaker:${REGION}:${ACCOUNT}:training-job/`));
    });

    test('a failed job on two instances: lines prefixed with their host, the reason in the summary and the tooltip, the error icon', async () => {
      const submitted = await vscode.commands.executeCommand<{ name: string } | undefined>(
        'sagemakerContainerTools.submitTrainingJob',
        writeJob('fails', 'fail', { instances: 2 }),
      );
      assert.ok(submitted);
      const ref: JobRef = { name: submitted.name, region: REGION };
      const lines = await waitFor(
        'the summary',
        () => aws.watcher.transcript(ref) ?? [],
        (transcript) => transcript.includes(`Training job ${ref.name}: Failed`),
      );
      assert.equal(count(lines, '[algo-1] epoch 1: loss=0.90'), 1, lines.join('\n'));
      assert.equal(count(lines, '[algo-2] epoch 1: loss=0.90'), 1, lines.join('\n'));
      assert.ok(lines.includes('FailureReason: AlgorithmError: scripted failure, exit code 1'), lines.join('\n'));
      aws.trainingJobs.refresh();
      const nodes = await aws.trainingJobs.getChildren();
      const index = aws.trainingJobs.jobs.findIndex((job) => job.ref.name === ref.name);
      const node = nodes[index];
      const item = aws.trainingJobs.getTreeItem(node);
      assert.equal((item.iconPath as vscode.ThemeIcon).id, 'error');
      assert.equal(((item.iconPath as vscode.ThemeIcon).color as unknown as { id: string }).id, 'testing.iconFailed');
      const resolved = await aws.trainingJobs.resolveTreeItem(item, node, new vscode.CancellationTokenSource().token);
      assert.match((resolved.tooltip as vscode.MarkdownString).value, /FailureReason: AlgorithmError: scripted failure/);
    });

    test('stopping a running job: InProgress, then Stopping or Stopped; stopping an ended job says so and is not an error', async () => {
      const submitted = await vscode.commands.executeCommand<{ name: string } | undefined>(
        'sagemakerContainerTools.submitTrainingJob',
        writeJob('runs', 'until-stopped', { delayMs: 20 }),
      );
      assert.ok(submitted);
      const ref: JobRef = { name: submitted.name, region: REGION };
      await waitFor(
        'the job to train',
        () => aws.watcher.transcript(ref) ?? [],
        (lines) => lines.includes('training finished'),
      );
      aws.trainingJobs.refresh();
      const nodes = await aws.trainingJobs.getChildren();
      const running = nodes[aws.trainingJobs.jobs.findIndex((job) => job.ref.name === ref.name)];
      const runningItem = aws.trainingJobs.getTreeItem(running);
      assert.equal(runningItem.contextValue, 'trainingJob.InProgress');
      assert.equal((runningItem.iconPath as vscode.ThemeIcon).id, 'sync~spin');

      assert.deepEqual(await aws.commands.stop(ref, { confirm: false }), { stopping: true });
      const seen = new Set<string>();
      await waitFor(
        'Stopped in the view',
        async () => {
          aws.trainingJobs.refresh();
          await aws.trainingJobs.getChildren();
          const status = aws.trainingJobs.jobs.find((job) => job.ref.name === ref.name)?.status ?? '';
          seen.add(status);
          return status;
        },
        (status) => status === 'Stopped',
      );
      assert.ok(
        [...seen].every((status) => ['InProgress', 'Stopping', 'Stopped'].includes(status)),
        [...seen].join(', '),
      );
      const stoppedNode = (await aws.trainingJobs.getChildren())[aws.trainingJobs.jobs.findIndex((job) => job.ref.name === ref.name)];
      assert.equal((aws.trainingJobs.getTreeItem(stoppedNode).iconPath as vscode.ThemeIcon).id, 'debug-stop');
      const lines = await waitFor(
        'the summary',
        () => aws.watcher.transcript(ref) ?? [],
        (transcript) => transcript.some((line) => line.startsWith(`Training job ${ref.name}: Stopped`)),
      );
      assert.ok(lines.includes('Received SIGTERM: stopping'), lines.join('\n'));

      assert.deepEqual(await aws.commands.stop(ref, { confirm: false }), { stopping: false, status: 'Stopped' });
    });

    test('watched jobs survive a reload: kept in the workspace state, followed again without a line printed twice', async () => {
      const submitted = await vscode.commands.executeCommand<{ name: string } | undefined>(
        'sagemakerContainerTools.submitTrainingJob',
        writeJob('resumes', 'until-stopped', { delayMs: 400 }),
      );
      assert.ok(submitted);
      const ref: JobRef = { name: submitted.name, region: REGION };
      await waitFor(
        'the first lines',
        () => aws.watcher.transcript(ref) ?? [],
        (lines) => lines.includes('epoch 1: loss=0.90'),
      );
      // What closing the window does: following stops, the job stays in the workspace state.
      await aws.watcher.stopFollowing();
      assert.equal(aws.watcher.isFollowing(ref), false);
      assert.ok(aws.watcher.watched().some((job) => job.name === ref.name));
      // What the next window's activation does.
      const resumed = aws.watcher.resume();
      assert.equal(aws.watcher.isFollowing(ref), true);
      await waitFor(
        'the last line',
        () => aws.watcher.transcript(ref) ?? [],
        (lines) => lines.includes('training finished'),
      );
      assert.deepEqual(await aws.commands.stop(ref, { confirm: false }), { stopping: true });
      await resumed;
      const lines = aws.watcher.transcript(ref) ?? [];
      assert.ok(
        lines.some((line) => line.startsWith(`Training job ${ref.name}: Stopped`)),
        lines.join('\n'),
      );
      const printed = lines.filter((line) => line !== '');
      assert.deepEqual(
        printed.filter((line, index) => printed.indexOf(line) !== index),
        [],
        `no line twice:\n${lines.join('\n')}`,
      );
      assert.equal(
        aws.watcher.watched().some((job) => job.name === ref.name),
        false,
        'forgotten once ended',
      );
    });

    test("a completed job's model artifact downloads into the folder given, and its ARN is copied", async () => {
      const ref = finished[0];
      assert.ok(ref, 'a job completed');
      const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'smct-download-'));
      try {
        const file = await aws.commands.download(ref, folder);
        assert.equal(file, path.join(folder, `${ref.name}-model.tar.gz`));
        assert.ok(fs.statSync(file).size > 0);
        assert.deepEqual(fs.readdirSync(folder), [path.basename(file)], 'no partial file left');
      } finally {
        fs.rmSync(folder, { recursive: true, force: true });
      }
      const arn = await aws.commands.copyArn(ref);
      assert.equal(arn, `arn:aws:sagemaker:${REGION}:${ACCOUNT}:training-job/${ref.name.toLowerCase()}`);
    });

    test('the view reads the list again every 15 s only while it is visible and a job is in progress', async () => {
      const submitted = await vscode.commands.executeCommand<{ name: string } | undefined>(
        'sagemakerContainerTools.submitTrainingJob',
        writeJob('refreshes', 'until-stopped', { delayMs: 20 }),
      );
      assert.ok(submitted);
      const ref: JobRef = { name: submitted.name, region: REGION };
      try {
        await vscode.commands.executeCommand('workbench.view.extension.sagemakerContainerTools');
        await waitFor(
          'the view to be shown',
          () => aws.trainingJobs.visible,
          (visible) => visible,
        );
        aws.trainingJobs.refresh();
        await waitFor(
          'the refresh timer',
          () => aws.trainingJobs.autoRefreshing,
          (on) => on,
        );
        await vscode.commands.executeCommand('workbench.view.explorer');
        await waitFor(
          'the timer to stop when the view is hidden',
          () => aws.trainingJobs.autoRefreshing,
          (on) => !on,
        );
      } finally {
        assert.deepEqual(await aws.commands.stop(ref, { confirm: false }), { stopping: true });
      }
      await waitFor(
        'the job to stop',
        () => aws.watcher.transcript(ref) ?? [],
        (lines) => lines.some((line) => line.startsWith(`Training job ${ref.name}: Stopped`)),
      );
      await vscode.commands.executeCommand('workbench.view.extension.sagemakerContainerTools');
      await waitFor(
        'the list to show the job stopped',
        async () => {
          await aws.trainingJobs.getChildren();
          return aws.trainingJobs.jobs.find((job) => job.ref.name === ref.name)?.status;
        },
        (status) => status === 'Stopped',
      );
      assert.equal(aws.trainingJobs.autoRefreshing, false, 'no job in progress: no timer');
      await vscode.commands.executeCommand('workbench.view.explorer');
    });

    test('expired credentials: the view shows one item with the fix, the status bar item warns, a failing command is not an exception; then it recovers', async () => {
      await control('POST', '/expire-credentials', { expired: true });
      try {
        aws.trainingJobs.refresh();
        const nodes = await aws.trainingJobs.getChildren();
        assert.equal(nodes.length, 1);
        const item = aws.trainingJobs.getTreeItem(nodes[0]);
        assert.match(String(item.label), /credentials/i);
        assert.equal(item.command?.command, 'sagemakerContainerTools.awsSsoLogin');
        assert.match(String(item.tooltip), /expired/);
        const status = aws.session.statusBar();
        assert.match(status.text, /^\$\(warning\) AWS: environment/);
        assert.equal(status.backgroundColor, 'statusBarItem.warningBackground');
        assert.equal(status.command, 'sagemakerContainerTools.fixAwsCredentials');
        assert.match(status.tooltip, /expired/);
        assert.equal(await aws.commands.stop(finished[0], { confirm: false }), undefined, 'the failure is shown, not thrown');
      } finally {
        await control('POST', '/expire-credentials', { expired: false });
      }
      aws.trainingJobs.refresh();
      await aws.trainingJobs.getChildren();
      assert.ok(aws.trainingJobs.jobs.length > 0);
      const status = aws.session.statusBar();
      assert.match(status.text, /^\$\(cloud\) AWS: environment/);
      assert.equal(status.backgroundColor, undefined);
    });

    test('an SSO profile without a login: the view and the status bar offer "aws sso login --profile"', async () => {
      const settings = vscode.workspace.getConfiguration('sagemakerContainerTools.aws');
      await settings.update('profile', 'dev-sso', vscode.ConfigurationTarget.Global);
      try {
        await waitFor(
          'the status bar to show the profile',
          () => aws.session.statusBar().text,
          (text) => text.includes('dev-sso'),
        );
        aws.trainingJobs.refresh();
        await aws.trainingJobs.getChildren();
        const message = aws.trainingJobs.message;
        assert.ok(message, 'one message item instead of the jobs');
        assert.equal(message.command?.command, 'sagemakerContainerTools.awsSsoLogin');
        assert.match(message.tooltip, /aws sso login --profile dev-sso/);
        assert.equal(aws.session.statusBar().text, `$(warning) AWS: dev-sso (${REGION})`);
      } finally {
        await settings.update('profile', undefined, vscode.ConfigurationTarget.Global);
      }
    });

    test("Select AWS Region offers the profile's region first and remembers the pick in the setting", async () => {
      const settings = vscode.workspace.getConfiguration('sagemakerContainerTools.aws');
      await settings.update('profile', 'research', vscode.ConfigurationTarget.Global);
      await settings.update('region', undefined, vscode.ConfigurationTarget.Global);
      try {
        let done = false;
        const picking = Promise.resolve(vscode.commands.executeCommand<string | undefined>('sagemakerContainerTools.selectAwsRegion')).finally(
          () => (done = true),
        );
        // Accept the first (active) item, as Enter does, once the quick pick is open.
        while (!done) {
          await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
          await new Promise((resolve) => setTimeout(resolve, 200));
        }
        assert.equal(await picking, 'us-west-2', 'the region of profile "research"');
        assert.equal(vscode.workspace.getConfiguration('sagemakerContainerTools.aws').get('region'), 'us-west-2');
      } finally {
        await settings.update('profile', undefined, vscode.ConfigurationTarget.Global);
        await settings.update('region', REGION, vscode.ConfigurationTarget.Global);
      }
    });

    suite('with a registry standing in for ECR (Docker)', () => {
      const images = ['smct-integration-push:latest', 'smct-integration-submit:latest'];
      let registry = '';

      suiteSetup(async function () {
        registry = ((await control('GET', '/info')) as { registry: string | null }).registry ?? '';
        if (dockerMissing() || !registry) this.skip();
      });

      suiteTeardown(() => {
        if (!registry) return;
        const tagged = spawnSync('docker', ['image', 'ls', '--format', '{{.Repository}}:{{.Tag}}', `${registry}/*`], { encoding: 'utf8' }).stdout.split('\n');
        spawnSync('docker', ['image', 'rm', '--force', ...images, ...tagged.filter(Boolean)]);
      });

      test('Push Image to ECR builds the image first when it is not on this machine, then pushes it and answers its digest URI', async () => {
        const image = images[0];
        spawnSync('docker', ['image', 'rm', '--force', image]);
        const pushed = await vscode.commands.executeCommand<{ digestUri: string; createdRepository: boolean } | undefined>(
          'sagemakerContainerTools.pushImage',
          writeLocalImageJob('push', image),
        );
        assert.ok(pushed, 'pushed');
        assert.match(pushed.digestUri, new RegExp(`^${escapeRegExp(registry)}/smct-integration-push@sha256:[0-9a-f]{64}$`));
        assert.equal(pushed.createdRepository, true);
        assert.equal(spawnSync('docker', ['image', 'inspect', image]).status, 0, 'built first');
      });

      test('submitting a job with a local image builds it, pushes it, and the job runs it by digest', async () => {
        const submitted = await vscode.commands.executeCommand<{ name: string } | undefined>(
          'sagemakerContainerTools.submitTrainingJob',
          writeLocalImageJob('local-image', images[1]),
        );
        assert.ok(submitted, 'submitted');
        const requests = (await control('GET', '/requests')) as {
          operation: string;
          input?: { TrainingJobName: string; AlgorithmSpecification: { TrainingImage: string } };
        }[];
        const created = requests.find((request) => request.operation === 'CreateTrainingJob' && request.input?.TrainingJobName === submitted.name);
        assert.match(
          created?.input?.AlgorithmSpecification.TrainingImage ?? '',
          new RegExp(`^${escapeRegExp(registry)}/smct-integration-submit@sha256:[0-9a-f]{64}$`),
        );
        const ref: JobRef = { name: submitted.name, region: REGION };
        await waitFor(
          'the summary',
          () => aws.watcher.transcript(ref) ?? [],
          (transcript) => transcript.includes(`Training job ${ref.name}: Completed`),
        );
      });
      test('the training example: one Submit builds, lints, pushes, submits and follows it to Completed, its image run for real', async function () {
        if (spawnSync('docker', ['image', 'inspect', 'smct-debian-python:bookworm']).status !== 0) this.skip();
        const file = workspaceFile('training/sagemaker-job.json');
        const job = JSON.parse(fs.readFileSync(file.fsPath, 'utf8'));
        fs.writeFileSync(file.fsPath, JSON.stringify({ ...job, build: { ...job.build, buildArgs: { BASE_IMAGE: 'smct-debian-python:bookworm' } } }, null, 2));
        const submitted = await vscode.commands.executeCommand<{ name: string } | undefined>('sagemakerContainerTools.submitTrainingJob', file);
        assert.ok(submitted, 'submitted');
        assert.match(submitted.name, /^linear-fit-\d{4}-/);
        const ref: JobRef = { name: submitted.name, region: REGION };
        const transcript = await waitFor(
          'the summary',
          () => aws.watcher.transcript(ref) ?? [],
          (lines) => lines.some((line) => line.startsWith(`Training job ${ref.name}: `)),
          120_000,
        );
        assert.ok(transcript.includes(`Training job ${ref.name}: Completed`), transcript.join('\n'));
        assert.equal(transcript.filter((line) => /^trained on 200 rows: y = 2\.\d+ \* x \+ /.test(line)).length, 1, transcript.join('\n'));
        assert.ok(transcript.includes(`Model artifact: s3://sagemaker-${REGION}-${ACCOUNT}/${ref.name}/output/model.tar.gz`), transcript.join('\n'));
      });
    });

    suite('at the end', () => {
      test('every request the extension sent was valid for the official AWS models', async () => {
        const requests = (await control('GET', '/requests')) as { operation: string; valid: boolean; issues: string[] }[];
        assert.ok(requests.length > 0);
        assert.deepEqual(
          requests.filter((request) => !request.valid),
          [],
        );
      });
    });
  });
});
