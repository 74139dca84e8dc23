import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { loadJob, pickJobFile } from './jobFiles';
import {
  buildImage,
  checkImage,
  imageCheckErrors,
  imageCheckLines,
  imageExists,
  isSmctError,
  lintErrorSummary,
  lintJobDockerfile,
  runLocalTraining,
  type LocalTrainingResult,
  type TrainingJob,
} from '../../../core/src';

/**
 * "SageMaker: Build Image", "SageMaker: Run Training Job Locally" and "SageMaker: Stop Local
 * Training Job": progress with cancel, container output in one output channel, a status bar item
 * while a job runs, and the outcome as a notification. The work itself is the engine's.
 */
export class LocalJobs implements vscode.Disposable {
  private readonly output = vscode.window.createOutputChannel('SageMaker Local Jobs');
  private readonly status = vscode.window.createStatusBarItem(vscode.StatusBarAlignment.Left, 50);
  /** Running jobs: how to stop each (gracefully, or at once) and when it has cleaned up. */
  private readonly running = new Set<{ stop: AbortController; kill: AbortController; done: Promise<unknown> }>();

  async build(target?: vscode.Uri): Promise<boolean> {
    if (!trusted()) return false;
    const uri = await pickJobFile(target);
    const job = uri && (await loadJob(uri));
    return job ? this.buildJob(job) : false;
  }

  async run(target?: vscode.Uri): Promise<LocalTrainingResult | undefined> {
    if (!trusted()) return undefined;
    const uri = await pickJobFile(target);
    const job = uri && (await loadJob(uri));
    if (!job) return undefined;
    try {
      if (!(await imageExists(job.image))) {
        const choice = await vscode.window.showErrorMessage(`The image ${job.image} is not on this machine.`, 'Build Image');
        if (choice !== 'Build Image' || !(await this.buildJob(job))) return undefined;
      }
      return await this.runJob(job);
    } catch (error) {
      await this.showError(error);
      return undefined;
    }
  }

  /** Stops every running local job as StopTrainingJob does (SIGTERM, then SIGKILL after the stop timeout). */
  stop(): void {
    for (const job of this.running) job.stop.abort();
  }

  /** Kills every running job at once and waits until its containers, network and folders are gone. */
  async killAll(): Promise<void> {
    for (const job of this.running) job.kill.abort();
    await Promise.allSettled([...this.running].map((job) => job.done));
  }

  /** Builds the job's image, after the lint prompt ("Fix First" / "Build Anyway"); false when it was not built. */
  async buildJob(job: TrainingJob): Promise<boolean> {
    if (!fs.existsSync(job.build.dockerfile)) {
      await vscode.window.showErrorMessage(`Dockerfile not found: ${job.build.dockerfile} ("build.dockerfile" in ${path.basename(job.file)}).`);
      return false;
    }
    if (!(await this.lintBeforeBuild(job))) return false;
    this.output.show(true);
    this.output.appendLine(`Building ${job.image} for ${job.build.platform} from ${job.build.dockerfile}`);
    try {
      await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `Building ${job.image}`, cancellable: true },
        (_progress, token) => {
          const controller = new AbortController();
          token.onCancellationRequested(() => controller.abort());
          return buildImage(job, { onOutput: (chunk) => this.output.append(chunk), signal: controller.signal });
        },
      );
      this.output.appendLine(`Built ${job.image}.`);
      await this.checkBuilt(job);
      return true;
    } catch (error) {
      await this.showError(error);
      return false;
    }
  }

  /** What `smct check` finds in the built image: every line in the output channel, an error as a notification. */
  private async checkBuilt(job: TrainingJob): Promise<void> {
    const image = job.image;
    let checked;
    try {
      checked = await checkImage(image, { containerEntrypoint: job.containerEntrypoint, containerArguments: job.containerArguments });
    } catch (error) {
      // The image is built: a check that cannot be done is said, not turned into a failed build.
      this.output.appendLine(`Could not check ${image}: ${(error as Error)?.message ?? String(error)}`);
      return;
    }
    for (const line of imageCheckLines(checked)) this.output.appendLine(line);
    const errors = imageCheckErrors(checked);
    if (errors === 0) return;
    const first = checked.problems.find((problem) => problem.severity === 'error');
    const more = errors > 1 ? ` (${errors} errors in the output)` : '';
    void vscode.window
      .showErrorMessage(`${image} will fail when SageMaker starts it: ${first?.message ?? ''}${more}`, 'Show Output')
      .then((choice) => choice && this.output.show());
  }

  /**
   * The one lint gate, on the file `docker build` reads: an open Dockerfile with unsaved changes is
   * saved first, as VS Code saves before a task or a debug run. Errors: fix first (the default) or build anyway.
   */
  private async lintBeforeBuild(job: TrainingJob): Promise<boolean> {
    const open = vscode.workspace.textDocuments.find((document) => document.uri.scheme === 'file' && document.uri.fsPath === job.build.dockerfile);
    if (open?.isDirty && !(await open.save())) {
      await vscode.window.showErrorMessage(
        `${path.basename(job.build.dockerfile)} could not be saved, so it is not built: docker build reads the file on disk.`,
      );
      return false;
    }
    const { errors } = await lintJobDockerfile(job);
    if (errors.length === 0) return true;
    const choice = await vscode.window.showWarningMessage(
      `${lintErrorSummary(errors.length, path.basename(job.build.dockerfile))}: ${errors[0].message}`,
      'Fix First',
      'Build Anyway',
    );
    if (choice === 'Build Anyway') return true;
    if (choice === 'Fix First') {
      const editor = await vscode.window.showTextDocument(vscode.Uri.file(job.build.dockerfile));
      const start = errors[0].range.start;
      editor.selection = new vscode.Selection(start.line, start.character, start.line, start.character);
    }
    return false;
  }

  private async runJob(job: TrainingJob): Promise<LocalTrainingResult> {
    const controller = new AbortController();
    const kill = new AbortController();
    let finished: () => void = () => undefined;
    const entry = { stop: controller, kill, done: new Promise<void>((resolve) => (finished = resolve)) };
    this.running.add(entry);
    this.output.show(true);
    this.status.text = `$(sync~spin) SageMaker: ${job.baseJobName} running`;
    this.status.tooltip = 'Local training job: click to stop it';
    this.status.command = 'sagemakerContainerTools.stopLocalTraining';
    this.status.show();
    try {
      const result = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `Training ${job.baseJobName} locally`, cancellable: true },
        (progress, token) => {
          token.onCancellationRequested(() => controller.abort());
          return runLocalTraining(job, {
            signal: controller.signal,
            killSignal: kill.signal,
            onWarning: (message) => this.output.appendLine(`Warning: ${message}`),
            onLog: (host, line) => {
              this.output.appendLine(`[${host}] ${line}`);
              progress.report({ message: line.slice(0, 80) });
            },
          });
        },
      );
      const detail = result.failureReason ?? (result.secondaryStatus ? `${result.secondaryStatus}: ${result.statusMessage ?? ''}` : undefined);
      this.output.appendLine(`Training job ${result.jobName}: ${result.status}${detail ? ` (${detail})` : ''}`);
      void this.showOutcome(result);
      return result;
    } finally {
      this.running.delete(entry);
      finished();
      if (this.running.size === 0) this.status.hide();
    }
  }

  private async showOutcome(result: LocalTrainingResult): Promise<void> {
    if (result.status === 'Failed') {
      const choice = await vscode.window.showErrorMessage(`Training job ${result.jobName} failed: ${result.failureReason ?? 'unknown reason'}`, 'Show Output');
      if (choice) this.output.show();
      return;
    }
    const choice = await vscode.window.showInformationMessage(`Training job ${result.jobName}: ${result.status}.`, 'Open Model Artifacts');
    if (choice && result.artifacts) await vscode.commands.executeCommand('revealFileInOS', vscode.Uri.file(result.artifacts.model));
  }

  private async showError(error: unknown): Promise<void> {
    if (isSmctError(error, 'DOCKER_UNAVAILABLE') || isSmctError(error, 'LOCAL_RUN_FAILED')) {
      await vscode.window.showErrorMessage(error.message);
    } else if ((error as Error)?.name !== 'AbortError') {
      this.output.appendLine(String((error as Error)?.stack ?? error));
      await vscode.window.showErrorMessage((error as Error)?.message ?? String(error), 'Show Output').then((choice) => choice && this.output.show());
    }
  }

  dispose(): void {
    void this.killAll();
    this.output.dispose();
    this.status.dispose();
  }
}

/** Commands that run programs (docker, the training image, AWS uploads) need a trusted workspace. */
export function trusted(what = 'Building and running containers'): boolean {
  if (vscode.workspace.isTrusted) return true;
  void vscode.window
    .showWarningMessage(`${what} is disabled in Restricted Mode: trust this workspace first.`, 'Manage Workspace Trust')
    .then((choice) => choice && vscode.commands.executeCommand('workbench.trust.manage'));
  return false;
}
