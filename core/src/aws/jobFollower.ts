import { DescribeTrainingJobCommand, type DescribeTrainingJobResponse } from '@aws-sdk/client-sagemaker';
import type { AwsClients } from './awsClients';
import { errorName, explainAwsError, READING_LOGS } from './awsErrors';
import { TrainingLogReader, type LogLine } from './logStreams';

export const TERMINAL_STATUSES: ReadonlySet<string> = new Set(['Completed', 'Failed', 'Stopped']);

export interface StatusUpdate {
  readonly status: string;
  readonly secondaryStatus: string;
  readonly message: string;
  readonly time?: Date;
}

export interface FollowOptions {
  readonly onStatus?: (update: StatusUpdate) => void;
  readonly onLog?: (line: LogLine) => void;
  /** False follows the status only. Default true. */
  readonly logs?: boolean;
  /** How often logs are read. Default 5 s. */
  readonly logIntervalMs?: number;
  /** How often the job is described. Default 30 s, as the SageMaker SDK: Describe is throttled per account. */
  readonly statusIntervalMs?: number;
  /** Aborting stops following (the job goes on). */
  readonly signal?: AbortSignal;
  /** Where an earlier follow of the same job left off: following again goes on from there, nothing reported twice. */
  readonly progress?: FollowProgress;
}

/** What following a job has reported so far: each stream's position and the transitions seen. */
export class FollowProgress {
  readonly reader: TrainingLogReader;
  readonly transitions = new TransitionTracker();

  constructor(clients: AwsClients, name: string) {
    this.reader = new TrainingLogReader(clients, name);
  }
}

const MAX_BACKOFF_MS = 60_000;

/**
 * Follows a training job to its end: status and secondary-status transitions as they happen,
 * every instance's log lines once each, throttling answered by waiting longer, one more read
 * after the job ends (CloudWatch receives the last lines after the status changes). Returns
 * the job's final description.
 */
export async function followTrainingJob(clients: AwsClients, name: string, options: FollowOptions = {}): Promise<DescribeTrainingJobResponse> {
  const { reader, transitions } = options.progress ?? new FollowProgress(clients, name);
  const logInterval = options.logIntervalMs ?? 5000;
  const statusInterval = Math.max(options.statusIntervalMs ?? 30_000, logInterval);
  let described: DescribeTrainingJobResponse | undefined;
  let describedAt = -Infinity;
  let ended = false;
  let backoff = 0;
  // The call under way, so that a failure names it.
  let call = 'DescribeTrainingJob';
  for (;;) {
    options.signal?.throwIfAborted();
    try {
      if (Date.now() - describedAt >= statusInterval || described === undefined) {
        call = 'DescribeTrainingJob';
        described = await describeTrainingJob(clients, name, options.signal);
        describedAt = Date.now();
        for (const update of transitions.update(described)) options.onStatus?.(update);
      }
      call = READING_LOGS;
      if (options.logs !== false) for (const line of await reader.read(options.signal)) options.onLog?.(line);
      backoff = 0;
      if (ended) return described;
      // One more pass after the end, for lines that reach CloudWatch after the status changed.
      ended = TERMINAL_STATUSES.has(described.TrainingJobStatus ?? '');
    } catch (error) {
      if (!/Throttl|RateExceeded|TooManyRequests/i.test(errorName(error))) throw explainAwsError(error, call, clients.target);
      backoff = Math.min(Math.max(backoff * 2, logInterval * 2), MAX_BACKOFF_MS);
    }
    await sleep(ended && options.logs === false ? 0 : logInterval + backoff, options.signal);
  }
}

export async function describeTrainingJob(clients: AwsClients, name: string, signal?: AbortSignal): Promise<DescribeTrainingJobResponse> {
  return clients.sagemaker.send(new DescribeTrainingJobCommand({ TrainingJobName: name }), { abortSignal: signal });
}

/**
 * Reports each secondary-status transition once, by its place in the list (a status can come
 * back: Training again after a spot interruption), and the current one again when its message changes.
 */
class TransitionTracker {
  private reported = 0;
  private lastMessage = '';

  /** The transitions not reported yet. */
  update(job: DescribeTrainingJobResponse): StatusUpdate[] {
    const status = job.TrainingJobStatus ?? 'Unknown';
    const updates: StatusUpdate[] = [];
    (job.SecondaryStatusTransitions ?? []).forEach((transition, index) => {
      const message = transition.StatusMessage ?? '';
      const last = index === this.reported - 1;
      if (index < this.reported - 1 || (last && message === this.lastMessage)) return;
      this.reported = Math.max(this.reported, index + 1);
      this.lastMessage = message;
      updates.push({ status, secondaryStatus: transition.Status ?? '', message, time: transition.StartTime });
    });
    return updates;
  }
}

/** Waits, or less when aborted: the caller sees the abort on its next call. */
function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (ms <= 0 || signal?.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
  });
}
