import * as path from 'node:path';
import * as vscode from 'vscode';
import { isSmctError, type TrainingJob } from '../../../core/src';
import { awsSettings } from '../aws/awsSession';
import { loadJob, pickJobFile } from '../commands/jobFiles';
import { trusted } from '../commands/localJobs';
import { activeFileRequest, showInvocation, type InvocationOutcome } from './invocationUi';
import type { LocalEndpoint, LocalEndpointStatus, ServingEngine } from './servingTypes';

/** What the progress notification says in each phase of a start. */
const PHASES: Readonly<Record<LocalEndpointStatus, string>> = {
  Downloading: 'Downloading the model',
  Starting: 'Starting the container',
  Waiting: 'Waiting for GET /ping to answer 200',
  InService: 'In service',
};

/** A local endpoint as the commands and the tests see it. */
export interface LocalEndpointInfo {
  readonly jobFile: string;
  readonly name: string;
  readonly url: string;
  readonly port: number;
  readonly containerName: string;
  readonly image: string;
  readonly statusText: string;
}

interface Served {
  readonly job: TrainingJob;
  readonly endpoint: LocalEndpoint;
  readonly item: vscode.StatusBarItem;
  readonly info: LocalEndpointInfo;
  /** Set when we stop it (so that its end is not reported as a crash), and shared by whoever stops it too. */
  stopped?: Promise<void>;
}

/** What the command arguments name: a job file's Uri (CodeLens, explorer, status bar), its path, or nothing. */
type EndpointArgument = vscode.Uri | string | undefined;

/**
 * "SageMaker: Serve Model Locally", "Invoke Local Endpoint with Active File" and "Stop Local
 * Endpoint": one serving container per job file, several at once, each with a status bar item;
 * the containers' logs in one output channel. The work is the engine's (ServingEngine).
 */
export class LocalServing implements vscode.Disposable {
  readonly output = vscode.window.createOutputChannel('SageMaker Local Endpoints');
  private readonly served = new Map<string, Served>();
  /** Starts under way, by job file: how to cancel each, and when it has settled. */
  private readonly starting = new Map<string, { readonly controller: AbortController; readonly settled: Promise<unknown> }>();

  constructor(private readonly engine: ServingEngine) {}

  /** The endpoints serving now, by job file. */
  endpoints(): LocalEndpointInfo[] {
    return [...this.served.values()].map((entry) => entry.info);
  }

  async serve(target?: vscode.Uri): Promise<LocalEndpointInfo | undefined> {
    if (!trusted('Serving models')) return undefined;
    const uri = await pickJobFile(target);
    const job = uri && (await loadJob(uri));
    if (!job) return undefined;
    const existing = this.served.get(path.resolve(job.file));
    if (existing) {
      void this.offerActions(existing, `${existing.info.name} is already serving on ${existing.info.url}.`);
      return existing.info;
    }
    if (this.starting.has(job.file)) {
      void vscode.window.showInformationMessage(`${job.serving.endpointName} is starting already.`);
      return undefined;
    }
    const controller = new AbortController();
    const serving = this.startAndTrack(job, controller);
    this.starting.set(job.file, { controller, settled: serving });
    try {
      return await serving;
    } finally {
      this.starting.delete(job.file);
    }
  }

  private async startAndTrack(job: TrainingJob, controller: AbortController): Promise<LocalEndpointInfo | undefined> {
    try {
      const endpoint = await this.start(job, controller);
      // The window closed while the container came up: it goes at once.
      if (controller.signal.aborted) {
        await endpoint.stop(0);
        return undefined;
      }
      return this.track(job, endpoint);
    } catch (error) {
      this.showError(error);
      return undefined;
    }
  }

  private start(job: TrainingJob, controller: AbortController): Thenable<LocalEndpoint> {
    const name = job.serving.endpointName;
    this.output.show(true);
    this.output.appendLine(`Serving ${job.serving.image} as ${name} (${job.file})`);
    return vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Serving ${name} locally`, cancellable: true },
      (progress, token) => {
        token.onCancellationRequested(() => controller.abort());
        return this.engine.startLocalEndpoint(job, {
          signal: controller.signal,
          // Several job files may keep serving.port's default (8080): a second one takes a free port.
          port: this.endpoints().some((info) => info.port === job.serving.port) ? 0 : undefined,
          aws: awsSettings(),
          onStatus: (status) => {
            this.output.appendLine(`${status} - ${PHASES[status]}`);
            progress.report({ message: PHASES[status] });
          },
          onLog: (line) => this.output.appendLine(`[${name}] ${line}`),
          onWarning: (message) => this.output.appendLine(`Warning: ${message}`),
        });
      },
    );
  }

  /** Keeps a started endpoint: its status bar item, and a message if it ends by itself. */
  private track(job: TrainingJob, endpoint: LocalEndpoint): LocalEndpointInfo {
    const name = job.serving.endpointName;
    const port = Number(new URL(endpoint.url).port);
    const item = vscode.window.createStatusBarItem(vscode.StatusBarAlignment.Left, 49);
    item.text = `$(radio-tower) SageMaker: ${name} on :${port}`;
    item.tooltip = `Local endpoint ${endpoint.url} (${endpoint.image}, container ${endpoint.containerName}): click to invoke it, show its logs or stop it`;
    item.command = { title: 'Local Endpoint Actions', command: 'sagemakerContainerTools.localEndpointActions', arguments: [vscode.Uri.file(job.file)] };
    item.show();
    const info = { jobFile: job.file, name, url: endpoint.url, port, containerName: endpoint.containerName, image: endpoint.image, statusText: item.text };
    const entry: Served = { job, endpoint, item, info };
    this.served.set(path.resolve(job.file), entry);
    this.updateContext();
    this.output.appendLine(`InService - ${name} answers on ${endpoint.url} (POST /invocations)`);
    void endpoint.ended
      .then(
        ({ exitCode, lastLines }) => this.ended(entry, exitCode, lastLines),
        (error: unknown) => this.ended(entry, -1, [String((error as Error)?.message ?? error)]),
      )
      .catch((error: unknown) => this.output.appendLine(`Could not clean up after ${name}: ${String((error as Error)?.message ?? error)}`));
    void this.offerActions(entry, `${name} is serving on ${endpoint.url}.`);
    return info;
  }

  private async ended(entry: Served, exitCode: number, lastLines: readonly string[]): Promise<void> {
    const byItself = entry.stopped === undefined;
    this.forget(entry);
    // A container that ended by itself is still there (it runs without --rm), as are its model
    // and env-file folders; the leftover sweep skips them while this extension host lives. Stopping
    // it removes them all (at once: it is not running).
    await this.halt(entry, 0);
    if (!byItself) return;
    const last = lastLines.length > 0 ? `: ${lastLines[lastLines.length - 1]}` : '';
    this.output.appendLine(`${entry.info.name} ended with exit code ${exitCode}`);
    void vscode.window
      .showErrorMessage(`The local endpoint ${entry.info.name} stopped by itself (exit code ${exitCode})${last}`, 'Show Logs')
      .then((choice) => choice && this.output.show());
  }

  private forget(entry: Served): void {
    const key = path.resolve(entry.job.file);
    if (this.served.get(key) === entry) this.served.delete(key);
    entry.item.dispose();
    this.updateContext();
  }

  /** The context key that shows the Invoke and Stop commands only while something serves. */
  private updateContext(): void {
    void vscode.commands.executeCommand('setContext', 'sagemakerContainerTools.localEndpointServing', this.served.size > 0);
  }

  /** The status bar item's click: Invoke with Active File, Show Logs or Stop. */
  async actions(target?: EndpointArgument): Promise<void> {
    const entry = await this.pick(target, 'Which local endpoint?');
    if (!entry) return;
    const choice = await vscode.window.showQuickPick(['Invoke with Active File', 'Show Logs', 'Stop'], { title: `${entry.info.name} on ${entry.info.url}` });
    await this.act(entry, choice);
  }

  private async offerActions(entry: Served, message: string): Promise<void> {
    const choice = await vscode.window.showInformationMessage(message, 'Invoke with Active File', 'Show Logs', 'Stop');
    await this.act(entry, choice);
  }

  private async act(entry: Served, choice: string | undefined): Promise<void> {
    if (choice === 'Invoke with Active File') await this.invoke(entry.job.file);
    if (choice === 'Show Logs') this.output.show();
    if (choice === 'Stop') await this.stop(entry.job.file);
  }

  /** "Invoke Local Endpoint with Active File": the active editor's content to POST /invocations. */
  async invoke(target?: EndpointArgument): Promise<InvocationOutcome | undefined> {
    if (!trusted('Invoking local endpoints')) return undefined;
    const entry = await this.pick(target, 'Send the active file to which local endpoint?');
    if (!entry) return undefined;
    const request = await activeFileRequest(entry.job.serving.transform);
    if (!request) return undefined;
    try {
      const response = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `Invoking ${entry.info.name}`, cancellable: true },
        (_progress, token) => {
          const controller = new AbortController();
          token.onCancellationRequested(() => controller.abort());
          return this.engine.invokeLocal(entry.info.url, request, { signal: controller.signal });
        },
      );
      this.output.appendLine(`POST ${entry.info.url}/invocations (${request.contentType}, ${request.body.length} bytes): ${response.status}`);
      return await showInvocation(entry.info.name, response, { title: 'Show Logs', open: () => this.output.show() });
    } catch (error) {
      this.showError(error);
      return undefined;
    }
  }

  /** "Stop Local Endpoint": SIGTERM, SIGKILL after SageMaker's grace, the container and its model folder removed. */
  async stop(target?: EndpointArgument): Promise<boolean> {
    const entry = await this.pick(target, 'Stop which local endpoint?');
    if (!entry) return false;
    try {
      await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Stopping ${entry.info.name}` }, () => this.halt(entry));
      this.output.appendLine(`Stopped ${entry.info.name}`);
      return true;
    } catch (error) {
      this.showError(error);
      return false;
    }
  }

  /** Stops an endpoint once, whoever asks (Stop, then closing the window): `graceSeconds` as LocalEndpoint.stop takes it. */
  private halt(entry: Served, graceSeconds?: number): Promise<void> {
    entry.stopped ??= entry.endpoint.stop(graceSeconds).finally(() => this.forget(entry));
    return entry.stopped;
  }

  /** Closing the window: starts are cancelled, endpoints stopped at once, and this waits until their containers are gone. */
  async stopAll(): Promise<void> {
    const starts = [...this.starting.values()];
    for (const start of starts) start.controller.abort();
    await Promise.allSettled([...starts.map((start) => start.settled), ...[...this.served.values()].map((entry) => this.halt(entry, 0))]);
  }

  /** The endpoint an argument names; without one, the only one or a pick. */
  private async pick(target: EndpointArgument, question: string): Promise<Served | undefined> {
    const file = typeof target === 'string' ? target : target instanceof vscode.Uri ? target.fsPath : undefined;
    const named = file ? this.served.get(path.resolve(file)) : undefined;
    if (named) return named;
    const all = [...this.served.values()];
    if (all.length === 0) {
      void vscode.window
        .showErrorMessage('No local endpoint is serving: start one with "SageMaker: Serve Model Locally".', 'Serve Model Locally')
        .then((choice) => choice && vscode.commands.executeCommand('sagemakerContainerTools.serveLocally', file ? vscode.Uri.file(file) : undefined));
      return undefined;
    }
    if (all.length === 1 && !file) return all[0];
    const picked = await vscode.window.showQuickPick(
      all.map((entry) => ({ label: entry.info.name, description: entry.info.url, detail: vscode.workspace.asRelativePath(entry.job.file), entry })),
      { placeHolder: question },
    );
    return picked?.entry;
  }

  /** Says what went wrong; never awaits the notification, so that a command's caller gets its result at once. */
  private showError(error: unknown): void {
    const showLogs = (choice: string | undefined) => choice && this.output.show();
    // A start that failed as SageMaker would fail it: its one line, and the logs that say why.
    if (isSmctError(error, 'SERVE_FAILED')) {
      void vscode.window.showErrorMessage(error.message, 'Show Logs').then(showLogs);
    } else if (isSmctError(error, 'CANCELLED') || (error as Error)?.name === 'AbortError') {
      this.output.appendLine('Cancelled.');
    } else if (isSmctError(error)) {
      void vscode.window.showErrorMessage(error.message);
    } else {
      this.output.appendLine(String((error as Error)?.stack ?? error));
      void vscode.window.showErrorMessage((error as Error)?.message ?? String(error), 'Show Logs').then(showLogs);
    }
  }

  dispose(): void {
    void this.stopAll();
    this.output.dispose();
  }
}
