import type { DescribeTrainingJobResponse } from '@aws-sdk/client-sagemaker';
import * as vscode from 'vscode';
import { isAbort, isCredentialsProblem, type AwsSession } from './awsSession';
import { loadAws, type FollowProgress } from '../../../core/src';

/** A training job as the commands name it: where it lives, and as whom it was seen. */
export interface JobRef {
  readonly name: string;
  readonly region: string;
  /** undefined: the default credential chain. */
  readonly profile?: string;
}

export const WATCHED_JOBS_KEY = 'sagemakerContainerTools.watchedJobs';

/** The lines a job's channel keeps for the test API (the channel itself cannot be read back). */
const TRANSCRIPT_LINES = 2000;

export interface FollowRequest {
  /** Bring the job's output channel to the front. */
  readonly reveal?: boolean;
  /** Notify when the job ends (a job followed while it runs). Default true. */
  readonly notify?: boolean;
}

/** One job's output channel, and how far following it got, so that following again never prints a line twice. */
class JobLog {
  readonly channel: vscode.OutputChannel;
  readonly transcript: string[] = [];
  /** The streams' positions and the transitions shown, kept across follows in this window. */
  progress?: FollowProgress;
  following?: Promise<DescribeTrainingJobResponse | undefined>;
  final?: DescribeTrainingJobResponse;

  constructor(readonly ref: JobRef) {
    this.channel = vscode.window.createOutputChannel(`SageMaker Job: ${ref.name}`);
  }

  appendLine(line: string): void {
    this.channel.appendLine(line);
    this.transcript.push(line);
    if (this.transcript.length > TRANSCRIPT_LINES) this.transcript.splice(0, this.transcript.length - TRANSCRIPT_LINES);
  }

  dispose(): void {
    this.channel.dispose();
  }
}

/**
 * Follows training jobs into one output channel per job ("SageMaker Job: <name>"): status
 * transitions, every instance's log lines once, the summary, and a notification at the end.
 * The jobs being followed are kept in the workspace state, so that a reload follows them again.
 */
export class JobWatcher implements vscode.Disposable {
  private readonly logs = new Map<string, JobLog>();
  private readonly controllers = new Set<AbortController>();
  private readonly ended = new vscode.EventEmitter<DescribeTrainingJobResponse>();
  /** A followed job reached its end. */
  readonly onDidEnd = this.ended.event;
  /** How often logs and status are read (the engine's defaults; the tests shorten them). */
  pollIntervals = { logMs: 5000, statusMs: 30_000 };

  constructor(
    private readonly session: AwsSession,
    private readonly state: vscode.Memento,
  ) {}

  /** Follows a job into its channel; a job already followed shows its channel, and one followed to its end is not read again. */
  follow(ref: JobRef, request: FollowRequest = {}): Promise<DescribeTrainingJobResponse | undefined> {
    const key = keyOf(ref);
    let log = this.logs.get(key);
    if (!log) this.logs.set(key, (log = new JobLog(ref)));
    if (request.reveal) log.channel.show(true);
    if (log.following) return log.following;
    if (log.final) return Promise.resolve(log.final);
    const following = this.run(log, request.notify ?? true).finally(() => {
      if (log.following === following) log.following = undefined;
    });
    log.following = following;
    return following;
  }

  /** Follows again the jobs followed when the window closed (called after activation, so only then is the SDK loaded). */
  async resume(): Promise<void> {
    const watched = this.watched();
    await Promise.all(watched.map((ref) => this.follow(ref, { notify: true })));
  }

  /** The jobs followed now, as the workspace state keeps them. */
  watched(): JobRef[] {
    return this.state.get<JobRef[]>(WATCHED_JOBS_KEY, []);
  }

  /** For the test API: the names of the jobs' output channels, and what one of them shows. */
  channelNames(): string[] {
    return [...this.logs.values()].map((log) => log.channel.name);
  }

  transcript(ref: JobRef): readonly string[] | undefined {
    return this.logs.get(keyOf(ref))?.transcript;
  }

  isFollowing(ref: JobRef): boolean {
    return this.logs.get(keyOf(ref))?.following !== undefined;
  }

  /** Stops following every job (they go on in SageMaker) and keeps them in the workspace state, as a window reload does. */
  async stopFollowing(): Promise<void> {
    const pending = [...this.logs.values()].flatMap((log) => (log.following ? [log.following] : []));
    for (const controller of this.controllers) controller.abort();
    await Promise.allSettled(pending);
  }

  private async run(log: JobLog, notify: boolean): Promise<DescribeTrainingJobResponse | undefined> {
    const { ref } = log;
    const controller = new AbortController();
    this.controllers.add(controller);
    await this.remember(ref);
    let forget = true;
    try {
      const aws = loadAws();
      const clients = await this.session.clientsFor({ profile: ref.profile, region: ref.region });
      const first = await aws.getTrainingJob(clients, ref.name, controller.signal);
      if (log.transcript.length === 0) {
        log.appendLine(`Training job ${ref.name} in ${ref.region}${ref.profile ? ` (profile ${ref.profile})` : ''}: ${first.TrainingJobStatus}`);
      }
      const wasRunning = !aws.TERMINAL_STATUSES.has(first.TrainingJobStatus ?? '');
      const format = aws.logLineFormatter(aws.instanceCount(first));
      const final = await aws.followTrainingJob(clients, ref.name, {
        signal: controller.signal,
        logIntervalMs: this.pollIntervals.logMs,
        statusIntervalMs: this.pollIntervals.statusMs,
        progress: (log.progress ??= new aws.FollowProgress(clients, ref.name)),
        onStatus: (update) => log.appendLine(aws.statusLine(update.time, update.secondaryStatus, update.message)),
        onLog: (line) => log.appendLine(format(line)),
      });
      log.final = final;
      log.appendLine('');
      for (const line of aws.summarizeTrainingJob(final)) log.appendLine(line);
      this.ended.fire(final);
      if (notify && wasRunning) void this.notifyEnd(log, final);
      return final;
    } catch (error) {
      if (isAbort(error) || controller.signal.aborted) {
        // The window closes, or the tests stop following: the job stays watched for the next window.
        forget = false;
        return undefined;
      }
      // Credentials that expire while a job runs: the job stays watched, and is followed again after logging in.
      if (isCredentialsProblem(error)) forget = false;
      log.appendLine(`Stopped following ${ref.name}: ${(error as Error)?.message ?? String(error)}`);
      void this.session.reportError(error, `Following training job ${ref.name}`, { profile: ref.profile, region: ref.region });
      return undefined;
    } finally {
      this.controllers.delete(controller);
      if (forget) await this.forget(ref);
    }
  }

  private async notifyEnd(log: JobLog, job: DescribeTrainingJobResponse): Promise<void> {
    const name = job.TrainingJobName ?? log.ref.name;
    if (job.TrainingJobStatus === 'Completed') {
      const choice = await vscode.window.showInformationMessage(`Training job ${name} completed.`, 'Download Model', 'Show Logs');
      if (choice === 'Download Model') await vscode.commands.executeCommand('sagemakerContainerTools.downloadModelArtifact', log.ref);
      else if (choice === 'Show Logs') log.channel.show();
    } else if (job.TrainingJobStatus === 'Failed') {
      const choice = await vscode.window.showErrorMessage(`Training job ${name} failed: ${job.FailureReason ?? 'no reason given'}`, 'Show Logs');
      if (choice) log.channel.show();
    } else {
      const choice = await vscode.window.showWarningMessage(`Training job ${name} was stopped (${job.SecondaryStatus ?? job.TrainingJobStatus}).`, 'Show Logs');
      if (choice) log.channel.show();
    }
  }

  private async remember(ref: JobRef): Promise<void> {
    const watched = this.watched().filter((other) => keyOf(other) !== keyOf(ref));
    await this.state.update(WATCHED_JOBS_KEY, [...watched, { name: ref.name, region: ref.region, ...(ref.profile ? { profile: ref.profile } : {}) }]);
  }

  private async forget(ref: JobRef): Promise<void> {
    await this.state.update(
      WATCHED_JOBS_KEY,
      this.watched().filter((other) => keyOf(other) !== keyOf(ref)),
    );
  }

  dispose(): void {
    // Following stops; the workspace state keeps the jobs for the next window.
    for (const controller of this.controllers) controller.abort();
    for (const log of this.logs.values()) log.dispose();
    this.logs.clear();
    this.ended.dispose();
  }
}

export function keyOf(ref: JobRef): string {
  return `${ref.profile ?? ''}\n${ref.region}\n${ref.name}`;
}
