import * as path from 'node:path';
import * as vscode from 'vscode';
import type { CreateTrainingJobRequest } from '@aws-sdk/client-sagemaker';
import { loadJob, pickJobFile } from '../commands/jobFiles';
import { trusted, type LocalJobs } from '../commands/localJobs';
import { awsSettings, type AwsSession } from './awsSession';
import type { JobRef, JobWatcher } from './jobWatcher';
import { JobNode, relativeTime, type TrainingJobsProvider } from './trainingJobsView';
import {
  imageCheckLines,
  imageExists,
  loadAws,
  parseImageReference,
  type AwsClients,
  type PushResult,
  type StopOutcome,
  type SubmittedJob,
  type TrainingJob,
} from '../../../core/src';

/** What a job command is given: a node of the view, a job (from a notification or the test API), a name (in the current region), or nothing (then it asks). */
export type JobArgument = JobNode | JobRef | string | undefined;

interface PickedJob {
  readonly ref: JobRef;
  readonly node?: JobNode;
}

/**
 * The commands that act on SageMaker: push, submit, and the view's job actions (logs, stop, copy
 * ARN, console, download). Each gets its work done by the engine; what is here is the asking,
 * the progress and the messages. Commands never await a notification, so that their callers (a
 * menu, a test) get their result as soon as the work is done.
 */
export class CloudCommands {
  constructor(
    private readonly session: AwsSession,
    private readonly watcher: JobWatcher,
    private readonly view: TrainingJobsProvider,
    private readonly localJobs: LocalJobs,
  ) {}

  /**
   * "SageMaker: Preview Training Job Request": the CreateTrainingJob request the job file makes,
   * in a JSON editor, with its problems; nothing is built or sent, and no AWS call is made.
   */
  async preview(target?: vscode.Uri): Promise<CreateTrainingJobRequest | undefined> {
    const job = await jobFile(target);
    if (!job) return undefined;
    try {
      const preview = await loadAws().previewSubmission(job, awsSettings());
      const document = await vscode.workspace.openTextDocument({ language: 'json', content: `${JSON.stringify(preview.request, null, 2)}\n` });
      await vscode.window.showTextDocument(document, { preview: true });
      if (preview.problems.length > 0) {
        void vscode.window.showErrorMessage(`The job cannot be submitted: ${[...preview.problems, ...preview.warnings].join(' ')}`);
      } else if (preview.warnings.length > 0) void vscode.window.showWarningMessage(preview.warnings.join(' '));
      // The request, not the document: a TextDocument does not travel back through executeCommand.
      return preview.request;
    } catch (error) {
      void this.session.reportError(error, 'Previewing the training job request');
      return undefined;
    }
  }

  /** "SageMaker: Push Image to ECR": builds first (with the lint prompt) when the image is not on this machine. */
  async push(target?: vscode.Uri): Promise<PushResult | undefined> {
    if (!trusted('Pushing images')) return undefined;
    const job = await jobFile(target);
    if (!job) return undefined;
    const output = this.session.output;
    let clients: AwsClients | undefined;
    try {
      clients = await this.session.clientsForSettings(job.region);
      if (!(await imageExists(job.image))) {
        output.appendLine(`${job.image} is not on this machine: building it first.`);
        if (!(await this.localJobs.buildJob(job))) return undefined;
      }
      const aws = loadAws();
      const using = clients;
      output.show(true);
      output.appendLine(`Pushing ${job.image} to Amazon ECR (${using.target.region})`);
      const pushed = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `Pushing ${job.image} to Amazon ECR`, cancellable: true },
        (progress, token) => {
          const controller = new AbortController();
          token.onCancellationRequested(() => controller.abort());
          return aws.pushImage(using, {
            image: job.image,
            repository: job.repository,
            requiredPlatform: aws.TRAINING_PLATFORM,
            signal: controller.signal,
            onProgress: (line) => {
              output.appendLine(`  ${line}`);
              progress.report({ message: line.slice(0, 80) });
            },
          });
        },
      );
      output.appendLine(`Pushed ${pushed.digestUri}`);
      void vscode.window
        .showInformationMessage(`Pushed ${job.image} as ${pushed.digestUri}`, 'Copy URI')
        .then((choice) => choice && vscode.env.clipboard.writeText(pushed.digestUri));
      return pushed;
    } catch (error) {
      void this.session.reportError(error, `Pushing ${job.image}`, clients?.target);
      return undefined;
    }
  }

  /**
   * "SageMaker: Submit Training Job": a local image is built here (with the lint prompt), then the
   * engine pushes it, uploads the inputs and creates the job, which is then followed in its own
   * output channel.
   */
  async submit(target?: vscode.Uri): Promise<SubmittedJob | undefined> {
    if (!trusted('Submitting training jobs')) return undefined;
    const job = await jobFile(target);
    if (!job) return undefined;
    const output = this.session.output;
    let clients: AwsClients | undefined;
    try {
      // The credentials and region are checked before a build that may take minutes.
      clients = await this.session.clientsForSettings(job.region);
      const using = clients;
      if (parseImageReference(job.image).registry === undefined && !(await this.localJobs.buildJob(job))) return undefined;
      const aws = loadAws();
      output.show(true);
      output.appendLine(`Submitting ${path.basename(path.dirname(job.file))}/${path.basename(job.file)} to SageMaker (${using.target.region})`);
      let warnings = 0;
      const submitted = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `Submitting ${job.baseJobName} to SageMaker`, cancellable: true },
        (progress, token) => {
          const controller = new AbortController();
          token.onCancellationRequested(() => controller.abort());
          return aws.submitTrainingJob(using, job, {
            build: false,
            signal: controller.signal,
            onStep: (_step, message) => {
              output.appendLine(message);
              progress.report({ message });
            },
            onOutput: (line) => output.appendLine(`  ${line}`),
            onUpload: (upload) => {
              const percent = upload.bytesTotal > 0 ? Math.floor((upload.bytesDone / upload.bytesTotal) * 100) : 100;
              progress.report({ message: `Uploading ${upload.channel}: ${percent}%` });
            },
            onWarning: (message) => {
              warnings++;
              output.appendLine(`Warning: ${message}`);
            },
            onCheck: (checked) => imageCheckLines(checked).forEach((line) => output.appendLine(line)),
          });
        },
      );
      output.appendLine(`Submitted training job ${submitted.name}\n  ${submitted.arn}`);
      const ref: JobRef = { name: submitted.name, region: submitted.region, profile: using.target.profile };
      this.view.refresh();
      void this.watcher.follow(ref, { reveal: true, notify: true });
      void vscode.window
        .showInformationMessage(
          `Submitted training job ${submitted.name} in ${submitted.region}${warnings ? ` (${warnings} warning${warnings === 1 ? '' : 's'} in the output)` : ''}.`,
          'Open in AWS Console',
        )
        .then((choice) => choice && this.openInConsole(ref));
      return submitted;
    } catch (error) {
      void this.session.reportError(error, `Submitting ${job.baseJobName}`, clients?.target);
      return undefined;
    }
  }

  /** Opens the job's output channel and follows it (once per window: following again prints nothing twice). */
  async showLogs(argument?: JobArgument): Promise<void> {
    const picked = await this.pick(argument, 'Show the logs of which training job?');
    if (!picked) return;
    const active = picked.node ? ['InProgress', 'Stopping'].includes(picked.node.status) : true;
    void this.watcher.follow(picked.ref, { reveal: true, notify: active });
  }

  /** Stops a job after a modal confirmation; a job that has already ended is said so, not an error. */
  async stop(argument?: JobArgument, options: { confirm?: boolean } = {}): Promise<StopOutcome | undefined> {
    const picked = await this.pick(argument, 'Stop which training job?', (node) => node.status === 'InProgress');
    if (!picked) return undefined;
    const { name } = picked.ref;
    if (options.confirm !== false) {
      const answer = await vscode.window.showWarningMessage(
        `Stop training job ${name}? SageMaker sends SIGTERM, then SIGKILL after 120 s.`,
        { modal: true },
        'Stop Job',
      );
      if (answer !== 'Stop Job') return undefined;
    }
    try {
      const clients = await this.session.clientsFor(picked.ref);
      const outcome = await loadAws().stopTrainingJob(clients, name);
      void vscode.window.showInformationMessage(
        outcome.stopping
          ? `Stopping training job ${name}: SageMaker sends SIGTERM, then SIGKILL after 120 s.`
          : `Training job ${name} has already ended (${outcome.status}): nothing to stop.`,
      );
      this.view.refresh();
      return outcome;
    } catch (error) {
      void this.session.reportError(error, `Stopping ${name}`, picked.ref);
      return undefined;
    }
  }

  async copyArn(argument?: JobArgument): Promise<string | undefined> {
    const picked = await this.pick(argument, 'Copy the ARN of which training job?');
    if (!picked) return undefined;
    try {
      let arn = picked.node?.summary.TrainingJobArn;
      if (!arn) arn = (await loadAws().getTrainingJob(await this.session.clientsFor(picked.ref), picked.ref.name)).TrainingJobArn ?? '';
      await vscode.env.clipboard.writeText(arn);
      vscode.window.setStatusBarMessage(`Copied the ARN of ${picked.ref.name}`, 4000);
      return arn;
    } catch (error) {
      void this.session.reportError(error, `Reading ${picked.ref.name}`, picked.ref);
      return undefined;
    }
  }

  /** Opens the job's page of the SageMaker console; returns its address. */
  async openInConsole(argument?: JobArgument): Promise<string | undefined> {
    const picked = await this.pick(argument, 'Open which training job in the AWS console?');
    if (!picked) return undefined;
    const url = loadAws().consoleUrl(picked.ref.region, picked.ref.name);
    await vscode.env.openExternal(vscode.Uri.parse(url, true));
    return url;
  }

  /** Downloads a completed job's model.tar.gz into a folder asked for (the workspace folder first); returns the file. */
  async download(argument?: JobArgument, folder?: string): Promise<string | undefined> {
    const picked = await this.pick(argument, 'Download the model of which training job?', (node) => node.status === 'Completed');
    if (!picked) return undefined;
    const { name } = picked.ref;
    let into = folder;
    if (!into) {
      const chosen = await vscode.window.showOpenDialog({
        canSelectFiles: false,
        canSelectFolders: true,
        canSelectMany: false,
        defaultUri: vscode.workspace.workspaceFolders?.[0]?.uri,
        openLabel: 'Download Here',
        title: `Download the model artifact of ${name}`,
      });
      into = chosen?.[0]?.fsPath;
    }
    if (!into) return undefined;
    const folderPath = into;
    try {
      const aws = loadAws();
      const file = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `Downloading the model artifact of ${name}`, cancellable: true },
        async (_progress, token) => {
          const controller = new AbortController();
          token.onCancellationRequested(() => controller.abort());
          const clients = await this.session.clientsFor(picked.ref);
          const job = await aws.getTrainingJob(clients, name, controller.signal);
          return aws.downloadModelArtifact(clients, job, folderPath, controller.signal);
        },
      );
      void vscode.window
        .showInformationMessage(`Downloaded ${path.basename(file)} to ${folderPath}`, 'Reveal')
        .then((choice) => choice && vscode.commands.executeCommand('revealFileInOS', vscode.Uri.file(file)));
      return file;
    } catch (error) {
      void this.session.reportError(error, `Downloading the model of ${name}`, picked.ref);
      return undefined;
    }
  }

  /** The job a command acts on: the one given, or one picked from the view's list. */
  private async pick(argument: JobArgument, placeHolder: string, accept: (node: JobNode) => boolean = () => true): Promise<PickedJob | undefined> {
    if (!trusted('Acting on SageMaker training jobs')) return undefined;
    if (argument instanceof JobNode) return { ref: argument.ref, node: argument };
    if (argument && typeof argument === 'object' && typeof argument.name === 'string' && typeof argument.region === 'string') {
      const ref: JobRef = { name: argument.name, region: argument.region, profile: argument.profile };
      return { ref, node: this.view.jobs.find((node) => node.ref.name === ref.name && node.ref.region === ref.region) };
    }
    if (typeof argument === 'string') {
      try {
        const { target } = await this.session.clientsForSettings();
        return { ref: { name: argument, region: target.region, profile: target.profile } };
      } catch (error) {
        void this.session.reportError(error);
        return undefined;
      }
    }
    await this.view.getChildren();
    const candidates = this.view.jobs.filter(accept);
    if (candidates.length === 0) {
      const message = this.view.message;
      if (message?.command) {
        void vscode.window.showWarningMessage(message.tooltip, message.command.title).then((choice) => {
          if (choice && message.command) void vscode.commands.executeCommand(message.command.command, ...(message.command.arguments ?? []));
        });
      } else {
        void vscode.window.showInformationMessage('No training job to act on among the recent ones.');
      }
      return undefined;
    }
    const chosen = await vscode.window.showQuickPick(
      candidates.map((node) => ({
        label: node.ref.name,
        description: `${node.status}${node.summary.CreationTime ? ` · ${relativeTime(node.summary.CreationTime)}` : ''}`,
        node,
      })),
      { placeHolder, matchOnDescription: true },
    );
    return chosen && { ref: chosen.node.ref, node: chosen.node };
  }
}

/** The job file a command acts on (given, next to the active editor, or picked), loaded; undefined when none or invalid (the user was told). */
async function jobFile(target?: vscode.Uri): Promise<TrainingJob | undefined> {
  const file = await pickJobFile(target);
  return file && loadJob(file);
}
