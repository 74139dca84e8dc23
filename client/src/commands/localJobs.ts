import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { loadJob, pickJobFile } from './jobFiles';
import { awsSettings } from '../aws/awsSession';
import {
  buildImage,
  formatBytes,
  trainingSummaryLines,
  interruptionProblem,
  checkImage,
  imageCheckErrors,
  imageCheckLines,
  imageExists,
  isSmctError,
  lintErrorSummary,
  lintJobDockerfile,
  parseDuration,
  runLocalTraining,
  type LocalStatusTransition,
  type LocalTrainingResult,
  type TrainingJob,
} from '../../../core/src';
import { outcomeMessage } from './trainingOutcome';

/** The interruption time asked last, kept per workspace: a rehearsal is usually repeated as it was. */
const LAST_INTERRUPTION_KEY = 'sagemakerContainerTools.interruptAfter';
/** Long enough for most programs to write a first checkpoint, short enough to wait for. */
const DEFAULT_INTERRUPTION = '2m';

/**
 * "SageMaker: Build Image", "SageMaker: Run Training Job Locally" (also with a rehearsed spot
 * interruption) and "SageMaker: Stop Local Training Job": progress with cancel, container output
 * and the job's phases in one output channel, a status bar item naming the phase while a job runs,
 * and the outcome as a notification. The work itself is the engine's.
 */
/** A local run about to download more from S3 than the limit: the user decides, as --max-download does for smct. */
async function confirmDownload(bytes: number): Promise<boolean> {
  const choice = await vscode.window.showWarningMessage(
    `This local run needs ${formatBytes(bytes)} from S3 that is not in the cache yet. Download it?`,
    { modal: true, detail: 'Downloads are kept in the cache and shared by later runs. A sample of the data in a local folder runs faster.' },
    'Download',
  );
  return choice === 'Download';
}

export class LocalJobs implements vscode.Disposable {
  private readonly output = vscode.window.createOutputChannel('SageMaker Local Jobs');
  private readonly status = vscode.window.createStatusBarItem(vscode.StatusBarAlignment.Left, 50);
  /** Running jobs: how to stop each (gracefully, or at once) and when it has cleaned up. */
  private readonly running = new Set<{ stop: AbortController; kill: AbortController; done: Promise<unknown> }>();
  /** The status bar texts of each job file's last run, in order: what the user saw (the integration tests read them). */
  private readonly shown = new Map<string, string[]>();

  /** `state`: the workspace's memory (the last interruption time). */
  constructor(private readonly state: vscode.Memento) {}

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
    return job ? this.runBuilt(job) : undefined;
  }

  /**
   * "Run Training Job Locally with a Spot Interruption": the engine sends SIGTERM after the time
   * asked, saves the checkpoints and restarts the job from them. `after` is the time as typed
   * ("90s", "2m"), for tests and keybindings; without it an input box asks. The explorer passes
   * its selection there, which is no time.
   */
  async runWithInterruption(target?: vscode.Uri, after?: unknown): Promise<LocalTrainingResult | undefined> {
    if (!trusted()) return undefined;
    const uri = await pickJobFile(target);
    const job = uri && (await loadJob(uri));
    if (!job) return undefined;
    const notSpot = interruptionProblem(job);
    if (notSpot) {
      // The engine's own refusal, said before asking for a time that cannot be used.
      void vscode.window.showErrorMessage(notSpot, 'Open Job File').then((open) => open && vscode.window.showTextDocument(vscode.Uri.file(job.file)));
      return undefined;
    }
    let seconds: number | undefined;
    if (typeof after === 'string') {
      const problem = typedInterruptionProblem(after, job);
      if (problem) {
        void vscode.window.showErrorMessage(problem);
        return undefined;
      }
      seconds = parseDuration(after, 'The interruption time');
    } else {
      seconds = await this.askInterruption(job);
    }
    return seconds === undefined ? undefined : this.runBuilt(job, seconds);
  }

  /** The input box for the interruption time, checked as it is typed; the value is remembered for the workspace. */
  private async askInterruption(job: TrainingJob): Promise<number | undefined> {
    const text = await vscode.window.showInputBox({
      title: `Spot interruption of ${job.baseJobName}`,
      prompt: 'When SageMaker reclaims the spot instance (SIGTERM), counted from the start of training: 90s, 2m, 1h30m',
      value: this.state.get<string>(LAST_INTERRUPTION_KEY, DEFAULT_INTERRUPTION),
      validateInput: (value) => typedInterruptionProblem(value, job),
    });
    if (text === undefined) return undefined;
    await this.state.update(LAST_INTERRUPTION_KEY, text.trim());
    return parseDuration(text, 'The interruption time');
  }

  /** Runs the job once its image is on this machine (offering to build it when it is not). */
  private async runBuilt(job: TrainingJob, interruptAfterSeconds?: number): Promise<LocalTrainingResult | undefined> {
    try {
      if (!(await imageExists(job.image))) {
        const choice = await vscode.window.showErrorMessage(`The image ${job.image} is not on this machine.`, 'Build Image');
        if (choice !== 'Build Image' || !(await this.buildJob(job))) return undefined;
      }
      return await this.runJob(job, interruptAfterSeconds);
    } catch (error) {
      if (isSmctError(error, 'ACCELERATOR_UNAVAILABLE')) return this.offerCpu(job, error.message, interruptAfterSeconds);
      await this.showError(error);
      return undefined;
    }
  }

  /** A GPU instance type on an engine without the NVIDIA runtime: the CLI's --cpu, as a choice. */
  private async offerCpu(job: TrainingJob, message: string, interruptAfterSeconds?: number): Promise<LocalTrainingResult | undefined> {
    const choice = await vscode.window.showErrorMessage(message.replace(/, or run on the CPU with --cpu$/, '.'), 'Run on the CPU');
    if (choice !== 'Run on the CPU') return undefined;
    try {
      return await this.runJob(job, interruptAfterSeconds, { cpu: true });
    } catch (error) {
      await this.showError(error);
      return undefined;
    }
  }

  /** The status bar texts the last run of this job file showed, in order (for the integration tests). */
  statusTexts(jobFile: string): readonly string[] | undefined {
    return this.shown.get(jobFile);
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

  private async runJob(job: TrainingJob, interruptAfterSeconds?: number, hardware: { cpu?: boolean } = {}): Promise<LocalTrainingResult> {
    const controller = new AbortController();
    const kill = new AbortController();
    let finished: () => void = () => undefined;
    const entry = { stop: controller, kill, done: new Promise<void>((resolve) => (finished = resolve)) };
    this.running.add(entry);
    this.output.show(true);
    const shown: string[] = [];
    this.shown.set(job.file, shown);
    this.status.text = `$(sync~spin) SageMaker: ${job.baseJobName} running`;
    this.status.tooltip = 'Local training job: click to stop it';
    this.status.command = 'sagemakerContainerTools.stopLocalTraining';
    this.status.show();
    try {
      const result = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `Training ${job.baseJobName} locally`, cancellable: true },
        (progress, token) => {
          token.onCancellationRequested(() => controller.abort());
          let phase = 'Starting';
          return runLocalTraining(job, {
            signal: controller.signal,
            killSignal: kill.signal,
            interruptAfterSeconds,
            cpu: hardware.cpu,
            aws: awsSettings(),
            onDownload: ({ channel, bytesDone, bytesTotal }) =>
              bytesTotal > 0 && progress.report({ message: `Downloading ${channel}: ${formatBytes(bytesDone)} of ${formatBytes(bytesTotal)}` }),
            confirmDownload: confirmDownload,
            onWarning: (message) => this.output.appendLine(`Warning: ${message}`),
            onNotice: (message) => this.output.appendLine(message),
            onStatus: (transition) => {
              phase = transition.status;
              this.showPhase(job, transition, shown);
              progress.report({ message: `${transition.status}: ${transition.message}` });
            },
            onLog: (host, line) => {
              this.output.appendLine(`[${host}] ${line}`);
              progress.report({ message: `${phase} — ${line.slice(0, 80)}` });
            },
          });
        },
      );
      this.writeSummary(result);
      void this.showOutcome(result);
      return result;
    } finally {
      this.running.delete(entry);
      finished();
      if (this.running.size === 0) this.status.hide();
    }
  }

  /** The phase in the status bar, and as a line in the output channel as `smct train --local` prints it. */
  private showPhase(job: TrainingJob, transition: LocalStatusTransition, shown: string[]): void {
    this.output.appendLine(`${transition.status} - ${transition.message}`);
    this.status.text = `$(sync~spin) SageMaker: ${job.baseJobName} — ${transition.status}`;
    shown.push(this.status.text);
  }

  /** The end of the run in the output channel, as `smct train --local` prints it. */
  private writeSummary(result: LocalTrainingResult): void {
    for (const line of trainingSummaryLines(result)) this.output.appendLine(line);
  }

  /** The outcome, with the interruption's verdict; buttons for the model and, when there is a store, the checkpoints. */
  private async showOutcome(result: LocalTrainingResult): Promise<void> {
    const store = result.checkpoints?.store;
    const checkpoints = store && fs.existsSync(store) ? ['Open Checkpoints'] : [];
    const message = outcomeMessage(result);
    const choice =
      result.status === 'Failed'
        ? await vscode.window.showErrorMessage(message, 'Show Output', ...checkpoints)
        : await vscode.window.showInformationMessage(message, 'Open Model Artifacts', ...checkpoints);
    if (choice === 'Show Output') this.output.show();
    if (choice === 'Open Model Artifacts' && result.artifacts) await vscode.commands.executeCommand('revealFileInOS', vscode.Uri.file(result.artifacts.model));
    if (choice === 'Open Checkpoints' && store) await vscode.commands.executeCommand('revealFileInOS', vscode.Uri.file(store));
  }

  private async showError(error: unknown): Promise<void> {
    // Errors the engine raises for the user (Docker missing, a refused run, a usage mistake) are one line, never a stack.
    if (isSmctError(error)) {
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

/** What is wrong with an interruption time typed for this job, or undefined when it can be used. */
function typedInterruptionProblem(text: string, job: TrainingJob): string | undefined {
  try {
    return interruptionProblem(job, parseDuration(text, 'The interruption time'));
  } catch (error) {
    return (error as Error).message;
  }
}
