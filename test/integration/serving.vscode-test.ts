import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { SmctError } from '../../core/src';
import { AwsSession } from '../../client/src/aws/awsSession';
import { EndpointCommands, EndpointsProvider, type EndpointsTreeView } from '../../client/src/serving/endpointsView';
import { LocalServing } from '../../client/src/serving/localServing';
import { endpointsBackend } from '../../client/src/serving/engineAdapter';
import type { InvocationOutcome } from '../../client/src/serving/invocationUi';
import type {
  DeletedEndpoint,
  EndpointRow,
  EndpointsBackend,
  InvocationRequest,
  InvocationResponse,
  LocalEndpoint,
  LocalEndpointOptions,
  ServingEngine,
} from '../../client/src/serving/servingTypes';
import { pythonBaseMissing } from '../local/dockerFixtures';
import { EXTENSION_ID, waitFor, workspaceFile } from './helpers';

const ROOT = path.resolve(__dirname, '../../..');
/** The harness (test/vscode/integration.test.ts) runs an AWS emulator and gives code-server its control URL. */
const CONTROL = process.env.SMCT_AWS_EMULATOR_CONTROL;

/** The parts of the extension's API these tests use. */
interface Api {
  readonly serving: {
    readonly local: { endpoints(): readonly { readonly jobFile: string; readonly statusText: string; readonly port: number }[] };
    readonly endpoints: {
      refresh(): void;
      getChildren(): Promise<unknown[]>;
      getTreeItem(node: unknown): vscode.TreeItem;
      readonly endpoints: readonly { readonly row: { readonly name: string; readonly status: string }; readonly ref: { name: string; region: string } }[];
      readonly message?: { readonly label: string };
    };
  };
}

/** A job project in the workspace; `serving` is its serving section. */
function writeServingJob(name: string, serving: Record<string, unknown>, image = 'smct-unused:latest'): vscode.Uri {
  const folder = workspaceFile(name).fsPath;
  fs.mkdirSync(path.join(folder, 'model'), { recursive: true });
  fs.writeFileSync(path.join(folder, 'model', 'prefix.txt'), 'echo:');
  fs.writeFileSync(path.join(folder, 'rows.csv'), 'a,b\n1,2\n');
  fs.writeFileSync(path.join(folder, 'request.json'), '{"x": [1]}\n');
  const job = { baseJobName: name, image, inputs: {}, serving: { model: 'model', ...serving } };
  fs.writeFileSync(path.join(folder, 'sagemaker-job.json'), JSON.stringify(job, null, 2));
  return vscode.Uri.file(path.join(folder, 'sagemaker-job.json'));
}

async function openPayload(jobFile: vscode.Uri, file: string): Promise<vscode.TextDocument> {
  const document = await vscode.workspace.openTextDocument(vscode.Uri.file(path.join(path.dirname(jobFile.fsPath), file)));
  await vscode.window.showTextDocument(document);
  return document;
}

/** A stand-in for the engine: records what it is asked, answers as told. */
class FakeEngine implements ServingEngine {
  readonly starts: { readonly job: string; readonly options: LocalEndpointOptions }[] = [];
  readonly requests: InvocationRequest[] = [];
  readonly stops: (number | undefined)[] = [];
  startFailure?: Error;
  /** Starts wait until they are cancelled (a container that takes its time to answer /ping). */
  hold = false;
  answer: InvocationResponse = { status: 200, contentType: 'application/json', body: Buffer.from('{"y": [2]}'), milliseconds: 7 };
  private readonly ends: ((end: { exitCode: number; lastLines: readonly string[] }) => void)[] = [];

  async startLocalEndpoint(job: { readonly file: string }, options: LocalEndpointOptions): Promise<LocalEndpoint> {
    this.starts.push({ job: job.file, options });
    for (const status of ['Starting', 'Waiting', 'InService'] as const) options.onStatus?.(status);
    options.onLog?.('listening on 8080');
    if (this.startFailure) throw this.startFailure;
    if (this.hold) {
      await new Promise((_resolve, reject) =>
        options.signal?.addEventListener('abort', () => reject(new SmctError('CANCELLED', 'The local endpoint was not started: cancelled.'))),
      );
    }
    let end: (value: { exitCode: number; lastLines: readonly string[] }) => void = () => undefined;
    const ended = new Promise<{ exitCode: number; lastLines: readonly string[] }>((resolve) => (end = resolve));
    this.ends.push(end);
    const port = 18_000 + this.starts.length;
    return {
      url: `http://127.0.0.1:${port}`,
      containerName: `fake-${this.starts.length}`,
      image: 'fake:latest',
      multiModel: false,
      ended,
      stop: async (graceSeconds?: number) => {
        this.stops.push(graceSeconds);
        end({ exitCode: 0, lastLines: [] });
      },
    };
  }

  async invokeLocal(url: string, request: InvocationRequest): Promise<InvocationResponse> {
    void url;
    this.requests.push(request);
    return this.answer;
  }

  /** The container of the `index`-th endpoint started ends by itself. */
  crash(index: number): void {
    this.ends[index]({ exitCode: 3, lastLines: ['Traceback', 'ValueError: no model'] });
  }
}

suite('Serving from VS Code', () => {
  test('the serving commands are contributed, registered and need a trusted workspace; the Endpoints view sits beside Training Jobs', async () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension);
    await extension.activate();
    const contributed = extension.packageJSON.contributes.commands as { command: string; category?: string; enablement?: string }[];
    const registered = await vscode.commands.getCommands(true);
    const ids = [
      'serveLocally',
      'invokeLocalEndpoint',
      'stopLocalEndpoint',
      'refreshEndpoints',
      'invokeEndpoint',
      'deleteEndpoint',
      'openEndpointLogs',
      'copyEndpointName',
    ].map((id) => `sagemakerContainerTools.${id}`);
    for (const id of ids) {
      assert.ok(registered.includes(id), `${id} is registered`);
      const command = contributed.find((entry) => entry.command === id);
      assert.equal(command?.category, 'SageMaker', id);
      assert.equal(command?.enablement, 'isWorkspaceTrusted', id);
    }
    const views = extension.packageJSON.contributes.views.sagemakerContainerTools as { id: string }[];
    assert.deepEqual(
      views.map((view) => view.id),
      ['sagemakerContainerTools.trainingJobs', 'sagemakerContainerTools.endpoints'],
    );
    assert.ok((extension.packageJSON.activationEvents as string[]).includes('onView:sagemakerContainerTools.endpoints'));
  });

  test('a job file has a "Serve Locally" CodeLens that serves that file', async () => {
    const job = writeServingJob(`lens-${randomBytes(3).toString('hex')}`, {});
    await vscode.window.showTextDocument(job);
    const lenses = await waitFor(
      'the CodeLenses of the job file',
      () => Promise.resolve(vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', job)),
      (found) => found.some((lens) => lens.command?.command === 'sagemakerContainerTools.serveLocally'),
    );
    const serve = lenses.find((lens) => lens.command?.command === 'sagemakerContainerTools.serveLocally');
    assert.equal(serve?.command?.title, '$(radio-tower) Serve Locally');
    assert.equal((serve?.command?.arguments?.[0] as vscode.Uri).fsPath, job.fsPath);
  });

  suite('with a stand-in engine', () => {
    let engine: FakeEngine;
    let serving: LocalServing;

    setup(() => {
      engine = new FakeEngine();
      serving = new LocalServing(engine);
    });

    teardown(async () => {
      await serving.stopAll();
      serving.dispose();
    });

    test('serving shows the endpoint in the status bar; the active CSV file is the payload; the answer opens as JSON; Stop stops it with the grace', async () => {
      const job = writeServingJob(`fake-${randomBytes(3).toString('hex')}`, {});
      const served = await serving.serve(job);
      assert.ok(served);
      assert.equal(served.statusText, `$(radio-tower) SageMaker: ${path.basename(path.dirname(job.fsPath))} on :18001`);
      assert.equal(engine.starts[0].job, job.fsPath);
      assert.equal(engine.starts[0].options.port, undefined, "the first endpoint takes the job's port");
      await openPayload(job, 'rows.csv');
      const outcome = await serving.invoke(job);
      assert.ok(outcome?.document, 'a 2xx answer opens in an editor');
      assert.equal(engine.requests[0].contentType, 'text/csv');
      assert.equal(engine.requests[0].body.toString(), 'a,b\n1,2\n');
      const answer = vscode.workspace.textDocuments.find((document) => document.uri.toString() === outcome.document?.toString());
      assert.equal(answer?.getText(), '{"y": [2]}');
      assert.equal(answer?.languageId, 'json');
      assert.equal(await serving.stop(job), true);
      assert.deepEqual(engine.stops, [undefined], "Stop leaves the grace to the engine (SageMaker's 30 s)");
      assert.deepEqual(serving.endpoints(), []);
    });

    test("the job's transform content type wins over the extension; unsaved text is sent as the editor shows it; a 500 opens no editor", async () => {
      const job = writeServingJob(`fake-${randomBytes(3).toString('hex')}`, { transform: { input: 'rows.csv', contentType: 'application/jsonlines' } });
      await serving.serve(job);
      const document = await openPayload(job, 'request.json');
      const editor = await vscode.window.showTextDocument(document);
      await editor.edit((edit) => edit.insert(new vscode.Position(0, 0), 'FAIL '));
      engine.answer = { status: 500, contentType: 'text/plain', body: Buffer.from('Traceback\nboom'), milliseconds: 3 };
      const outcome = (await serving.invoke(job)) as InvocationOutcome;
      assert.equal(engine.requests[0].contentType, 'application/jsonlines');
      assert.equal(engine.requests[0].body.toString(), 'FAIL {"x": [1]}\n');
      assert.equal(outcome.status, 500);
      assert.equal(outcome.document, undefined);
      await vscode.commands.executeCommand('workbench.action.files.revert');
    });

    test('two job files serve at once (the second on a free port); closing the window stops both at once', async () => {
      const first = writeServingJob(`fake-a-${randomBytes(3).toString('hex')}`, {});
      const second = writeServingJob(`fake-b-${randomBytes(3).toString('hex')}`, { port: 18001 });
      await serving.serve(first);
      await serving.serve(second);
      assert.equal(engine.starts[1].options.port, 0, 'the port of the first endpoint is not asked for twice');
      assert.equal(serving.endpoints().length, 2);
      await serving.stopAll();
      assert.deepEqual(engine.stops, [0, 0]);
      assert.deepEqual(serving.endpoints(), []);
    });

    test('closing the window cancels a start under way and waits for it; a Stop under way is not repeated', async () => {
      const slow = writeServingJob(`fake-slow-${randomBytes(3).toString('hex')}`, {});
      engine.hold = true;
      const starting = serving.serve(slow);
      await waitFor(
        'the start to begin',
        () => engine.starts.length,
        (count) => count === 1,
      );
      await serving.stopAll();
      assert.ok(engine.starts[0].options.signal?.aborted, 'the start was cancelled');
      assert.equal(await starting, undefined);
      engine.hold = false;
      const job = writeServingJob(`fake-${randomBytes(3).toString('hex')}`, {});
      await serving.serve(job);
      await Promise.all([serving.stop(job), serving.stopAll()]);
      assert.equal(engine.stops.length, 1, 'stopped once, by whichever asked first');
      assert.deepEqual(serving.endpoints(), []);
    });

    test('a SERVE_FAILED start leaves no endpoint; a container that ends by itself is forgotten and stopped (which removes it)', async () => {
      const job = writeServingJob(`fake-${randomBytes(3).toString('hex')}`, {});
      engine.startFailure = new SmctError('SERVE_FAILED', 'The container did not answer GET /ping within 240 s.');
      assert.equal(await serving.serve(job), undefined);
      assert.deepEqual(serving.endpoints(), []);
      engine.startFailure = undefined;
      assert.ok(await serving.serve(job));
      engine.crash(0);
      await waitFor(
        'the crashed endpoint to be forgotten',
        () => serving.endpoints().length,
        (count) => count === 0,
      );
      await waitFor(
        'the crashed endpoint to be stopped',
        () => engine.stops,
        (stops) => stops.length > 0,
      );
      assert.deepEqual(engine.stops, [0], 'stopped once, at once: stopping is what removes its container and folders');
    });
  });

  suite('with the engine', () => {
    let tag: string;

    suiteSetup(function () {
      if (pythonBaseMissing()) this.skip();
      tag = `smct-test-serving-vscode:${randomBytes(4).toString('hex')}`;
      const built = spawnSync('docker', ['build', '-q', '--label', 'smct.test=serving-vscode', '-t', tag, path.join(ROOT, 'test', 'fixtures', 'serving')], {
        encoding: 'utf8',
      });
      assert.equal(built.status, 0, built.stderr);
    });

    suiteTeardown(() => {
      if (tag) spawnSync('docker', ['image', 'rm', '-f', tag]);
    });

    /** Containers of this suite's image, whatever their state: none may be left. */
    function containersOfImage(): string {
      return spawnSync('docker', ['ps', '--all', '--quiet', '--filter', `ancestor=${tag}`], { encoding: 'utf8' }).stdout.trim();
    }

    test('"Serve Model Locally" serves the fixture image, "Invoke Local Endpoint with Active File" echoes the open file through the model, "Stop" leaves nothing', async () => {
      const port = await freePort();
      const job = writeServingJob(`served-${randomBytes(3).toString('hex')}`, { image: tag, port, startupHealthCheckTimeoutSeconds: 60 }, tag);
      const served = await vscode.commands.executeCommand<{ url: string; statusText: string } | undefined>('sagemakerContainerTools.serveLocally', job);
      assert.ok(served, 'the endpoint started');
      assert.equal(served.url, `http://127.0.0.1:${port}`);
      const api = (await vscode.extensions.getExtension<Api>(EXTENSION_ID)?.activate()) as Api;
      assert.ok(api.serving.local.endpoints().some((endpoint) => endpoint.jobFile === job.fsPath && endpoint.statusText.endsWith(`on :${port}`)));
      await openPayload(job, 'rows.csv');
      const outcome = await vscode.commands.executeCommand<InvocationOutcome | undefined>('sagemakerContainerTools.invokeLocalEndpoint', job);
      assert.equal(outcome?.status, 200);
      assert.equal(outcome?.text, 'echo:A,B\n1,2\n');
      assert.equal(await vscode.commands.executeCommand('sagemakerContainerTools.stopLocalEndpoint', job), true);
      assert.deepEqual(api.serving.local.endpoints(), []);
      assert.equal(containersOfImage(), '', 'no container of the image is left');
    });

    test('a container that ends by itself after InService leaves no container and no run folder', async () => {
      const base = `ends-${randomBytes(3).toString('hex')}`;
      const job = writeServingJob(base, { image: tag, port: await freePort(), startupHealthCheckTimeoutSeconds: 60 }, tag);
      const served = await vscode.commands.executeCommand<{ containerName: string } | undefined>('sagemakerContainerTools.serveLocally', job);
      assert.ok(served, 'the endpoint started');
      const runFolders = (): string[] => fs.readdirSync(os.tmpdir()).filter((entry) => entry.startsWith('smct-job-') && entry.includes(base));
      assert.notDeepEqual(runFolders(), [], 'the run folder exists while it serves');
      // The container dies as a crash would: not through the endpoint's stop.
      assert.equal(spawnSync('docker', ['kill', served.containerName]).status, 0);
      const containers = () =>
        spawnSync('docker', ['ps', '--all', '--quiet', '--filter', 'label=smct.managed=true', '--filter', `name=${served.containerName}`], {
          encoding: 'utf8',
        }).stdout.trim();
      await waitFor('the ended container to be removed', containers, (left) => left === '');
      await waitFor('its run folder to be removed', runFolders, (left) => left.length === 0);
      assert.equal(containersOfImage(), '', 'no container of the image is left');
    });

    test('a container that crashes before it listens fails to start, and leaves nothing', async () => {
      const job = writeServingJob(
        `never-${randomBytes(3).toString('hex')}`,
        { image: tag, port: await freePort(), startupHealthCheckTimeoutSeconds: 60, environment: { SERVE_MODE: 'crash' } },
        tag,
      );
      assert.equal(await vscode.commands.executeCommand('sagemakerContainerTools.serveLocally', job), undefined);
      assert.equal(containersOfImage(), '', 'no container of the image is left');
    });
  });

  suite('the Endpoints view with a stand-in backend', () => {
    let session: AwsSession;
    let backend: FakeBackend;
    let view: EndpointsProvider;
    let commands: EndpointCommands;
    let asked: string[];

    suiteSetup(function () {
      // The view asks the session for clients first; the harness's emulator gives it a region and credentials.
      if (!CONTROL) this.skip();
    });

    setup(() => {
      session = new AwsSession();
      backend = new FakeBackend();
      view = new EndpointsProvider(session, backend, () => visibleView());
      asked = [];
      commands = new EndpointCommands(session, view, backend, { confirmDeletion: async (ref) => (asked.push(ref.name), true) });
    });

    teardown(() => {
      view.dispose();
      session.dispose();
    });

    test('each endpoint shows its status icon, capacity and tooltip; a failed one its reason; the list is read again while one is changing', async () => {
      backend.rows = [
        { name: 'line', status: 'InService', instance: { type: 'ml.m5.large', count: 1 } },
        { name: 'line-canary', status: 'Failed', failureReason: 'The primary container did not pass the ping health check.' },
        { name: 'line-next', status: 'Creating', serverless: { memorySizeInMB: 2048, maxConcurrency: 5 } },
      ];
      await view.getChildren();
      const items = view.endpoints.map((node) => view.getTreeItem(node));
      assert.deepEqual(
        items.map((item) => [item.label, (item.iconPath as vscode.ThemeIcon).id, item.contextValue]),
        [
          ['line', 'pass', 'endpoint.InService'],
          ['line-canary', 'error', 'endpoint.Failed'],
          ['line-next', 'loading~spin', 'endpoint.Creating'],
        ],
      );
      assert.equal(items[0].description, 'InService · ml.m5.large × 1');
      assert.match(String(items[1].tooltip), /\nFailure reason: The primary container did not pass the ping health check\./);
      assert.ok(view.autoRefreshing, 'Creating: read again');
      backend.rows = [{ name: 'line', status: 'InService' }];
      view.refresh();
      await view.getChildren();
      assert.equal(view.autoRefreshing, false, 'nothing changing: no timer');
    });

    test("a listing that fails is the view's one message, with Refresh as its command", async () => {
      backend.listFailure = new SmctError('USAGE', 'Listing endpoints is not available yet.');
      await view.getChildren();
      assert.equal(view.endpoints.length, 0);
      assert.equal(view.message?.label, 'Listing endpoints is not available yet.');
      assert.equal(view.message?.command?.command, 'sagemakerContainerTools.refreshEndpoints');
    });

    test('Invoke sends the active file to the endpoint; Delete (confirmed) deletes it and reads the list again; Copy Name names it', async () => {
      backend.rows = [{ name: 'line', status: 'InService' }];
      await view.getChildren();
      const [node] = view.endpoints;
      const job = writeServingJob(`endpoint-${randomBytes(3).toString('hex')}`, {});
      await openPayload(job, 'request.json');
      const outcome = await commands.invoke(node);
      assert.equal(outcome?.status, 200);
      assert.deepEqual(
        backend.invoked.map(([name, request]) => [name, request.contentType, request.body.toString()]),
        [['line', 'application/json', '{"x": [1]}\n']],
      );
      const lists = backend.lists;
      assert.deepEqual(await commands.delete(node), { deleted: ['endpoint line', 'endpoint configuration line', 'model line'], notes: [] });
      assert.deepEqual(asked, ['line'], 'asked first');
      assert.deepEqual(backend.deleted, ['line']);
      await view.getChildren();
      assert.ok(backend.lists > lists, 'the list was read again after the deletion');
      assert.equal(await commands.copyName(node), 'line');
    });
  });

  suite('the Endpoints view against the AWS emulator', () => {
    suiteSetup(function () {
      if (!CONTROL) this.skip();
    });

    test('lists the endpoints of the region with their status, and Delete removes one', async () => {
      const api = (await vscode.extensions.getExtension<Api>(EXTENSION_ID)?.activate()) as Api;
      const name = `vscode-${randomBytes(3).toString('hex')}`;
      await createEndpoint(name);
      const view = api.serving.endpoints;
      view.refresh();
      await view.getChildren();
      assert.equal(view.message, undefined, view.message?.label);
      const node = view.endpoints.find((endpoint) => endpoint.row.name === name);
      assert.ok(node, `${name} is listed`);
      const item = view.getTreeItem(node);
      assert.match(String(item.contextValue), /^endpoint\./);
      assert.match(String(item.tooltip), new RegExp(`^${name}: `));
      const url = await vscode.commands.executeCommand<string>('sagemakerContainerTools.copyEndpointName', node);
      assert.equal(url, name);
      // A command link can pass only plain values: a name and region, and any options, delete nothing.
      const linked = await vscode.commands.executeCommand<DeletedEndpoint>('sagemakerContainerTools.deleteEndpoint', node.ref, { confirm: false });
      assert.equal(linked, undefined);
      view.refresh();
      await view.getChildren();
      const status = view.endpoints.find((endpoint) => endpoint.row.name === name)?.row.status;
      assert.ok(status !== undefined && status !== 'Deleting', `not deleted (${status})`);
      // Deleting through the view's commands, with the confirmation answered by the test.
      const session = new AwsSession();
      const ownView = new EndpointsProvider(session, endpointsBackend(), () => visibleView());
      try {
        await ownView.getChildren();
        const own = ownView.endpoints.find((endpoint) => endpoint.row.name === name);
        assert.ok(own, `${name} is listed`);
        const commands = new EndpointCommands(session, ownView, endpointsBackend(), { confirmDeletion: async () => true });
        const deleted = await commands.delete(own);
        assert.equal(deleted?.deleted[0], `endpoint ${name}`);
      } finally {
        ownView.dispose();
        session.dispose();
      }
      view.refresh();
      await waitFor(
        `${name} to be gone or deleting`,
        async () => (await view.getChildren(), view.endpoints.find((endpoint) => endpoint.row.name === name)?.row.status),
        (status) => status === undefined || status === 'Deleting',
      );
    });
  });
});

/** A tree view that is always visible, so that the provider polls as it would on screen. */
function visibleView(): EndpointsTreeView {
  return { visible: true, description: undefined, onDidChangeVisibility: () => ({ dispose: () => undefined }), dispose: () => undefined };
}

/** A stand-in for the AWS half's endpoint calls. */
class FakeBackend implements EndpointsBackend {
  rows: EndpointRow[] = [];
  listFailure?: Error;
  lists = 0;
  readonly deleted: string[] = [];
  readonly invoked: [string, InvocationRequest][] = [];

  async list(): Promise<EndpointRow[]> {
    this.lists += 1;
    if (this.listFailure) throw this.listFailure;
    return this.rows;
  }

  async delete(_clients: unknown, name: string): Promise<DeletedEndpoint> {
    this.deleted.push(name);
    return { deleted: [`endpoint ${name}`, `endpoint configuration ${name}`, `model ${name}`], notes: [] };
  }

  async invoke(_clients: unknown, name: string, request: InvocationRequest): Promise<InvocationResponse> {
    this.invoked.push([name, request]);
    return { status: 200, contentType: 'application/json', body: Buffer.from('{"y": 1}'), milliseconds: 5 };
  }

  logsUrl(region: string, name: string): string {
    return `https://example.invalid/${region}/${name}`;
  }
}

/** Creates a model, an endpoint configuration and an endpoint in the emulator, as a deployment would. */
async function createEndpoint(name: string): Promise<void> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the SDK is loaded only by the test that needs it
  const sdk = require('@aws-sdk/client-sagemaker') as typeof import('@aws-sdk/client-sagemaker');
  const client = new sdk.SageMakerClient({ region: process.env.AWS_REGION });
  const account = '123456789012';
  await client.send(
    new sdk.CreateModelCommand({
      ModelName: name,
      ExecutionRoleArn: `arn:aws:iam::${account}:role/SageMakerExecutionRole`,
      PrimaryContainer: { Image: `${account}.dkr.ecr.${process.env.AWS_REGION}.amazonaws.com/serving:latest` },
    }),
  );
  await client.send(
    new sdk.CreateEndpointConfigCommand({
      EndpointConfigName: name,
      ProductionVariants: [{ VariantName: 'AllTraffic', ModelName: name, InstanceType: 'ml.m5.large', InitialInstanceCount: 1 }],
    }),
  );
  await client.send(new sdk.CreateEndpointCommand({ EndpointName: name, EndpointConfigName: name }));
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
