import * as fs from 'node:fs';
import * as path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { RegistryInfo } from './ecr';
import type { JsonHandler } from './jsonProtocol';
import { compare, type LogStore } from './logs';
import type { ServiceModel } from './models';
import { AwsError, decodeToken, encodeToken, epochSeconds } from './protocol';
import type { S3Store } from './s3Store';
import { downloadChannels, uploadArtifacts } from './trainingData';
import type { CreateTrainingJobRequest, RunnerContext, RunnerResult, SecondaryStatus, TrainingJobInfo, TrainingJobStatus, TrainingRunner } from './training';

/** The log group SageMaker writes training jobs' output to. */
export const TRAINING_LOG_GROUP = '/aws/sagemaker/TrainingJobs';

export interface StatusTransition {
  readonly Status: SecondaryStatus;
  readonly StartTime: Date;
  EndTime?: Date;
  readonly StatusMessage: string;
}

/** A training job as the emulator keeps it. */
export interface TrainingJobState {
  readonly name: string;
  readonly arn: string;
  readonly request: CreateTrainingJobRequest;
  readonly sequence: number;
  status: TrainingJobStatus;
  secondaryStatus: SecondaryStatus;
  readonly transitions: StatusTransition[];
  readonly creationTime: Date;
  lastModifiedTime: Date;
  trainingStartTime?: Date;
  trainingEndTime?: Date;
  failureReason?: string;
  modelArtifacts?: string;
  /** Why the stop signal fired: StopTrainingJob, or MaxRuntimeInSeconds. */
  stopCause?: 'request' | 'maxRuntime';
  readonly stop: AbortController;
  readonly kill: AbortController;
  /** Settles when the job has ended and its folders are gone. */
  done: Promise<void>;
}

export interface SageMakerOptions {
  readonly region: string;
  readonly accountId: string;
  readonly model: ServiceModel;
  readonly s3: S3Store;
  readonly logs: LogStore;
  /** Where job folders go; removed by the emulator. */
  readonly root: string;
  readonly runner: TrainingRunner;
  readonly registry?: RegistryInfo;
  /** The pause before each of the emulator's own status transitions, so that pollers can see them. */
  readonly transitionDelayMs: number;
}

/** What Describe answers for an ended job's times: spot training bills less than it trains, as on SageMaker. */
const SPOT_BILLED_SHARE = 0.3;

const isOffset = (state: unknown): state is { offset: number } => typeof (state as { offset?: unknown } | null)?.offset === 'number';

/**
 * SageMaker's training jobs: CreateTrainingJob starts a job whose life the emulator drives through
 * SageMaker's secondary statuses, handing the algorithm's part to the runner; Describe, List and
 * Stop answer as SageMaker does, with its error codes and messages.
 */
export class SageMakerService {
  private readonly jobs = new Map<string, TrainingJobState>();
  private sequence = 0;

  constructor(private readonly options: SageMakerOptions) {}

  handlers(): Record<string, JsonHandler> {
    return {
      CreateTrainingJob: (input) => this.create(input as unknown as CreateTrainingJobRequest),
      DescribeTrainingJob: (input) => this.describe(this.job(input.TrainingJobName as string)),
      ListTrainingJobs: (input) => this.list(input),
      StopTrainingJob: (input) => this.stopJob(input.TrainingJobName as string),
    };
  }

  /** A job by name, as SageMaker finds them (names are unique regardless of case). */
  job(name: string): TrainingJobState {
    const job = this.jobs.get(name.toLowerCase());
    if (!job) throw new AwsError('ValidationException', 'Requested resource not found.');
    return job;
  }

  allJobs(): TrainingJobState[] {
    return [...this.jobs.values()];
  }

  /** Stops every job at once and waits for each to end and clean up. */
  async close(): Promise<void> {
    for (const job of this.jobs.values()) {
      job.kill.abort();
      job.stop.abort();
    }
    await Promise.all([...this.jobs.values()].map((job) => job.done));
  }

  private create(request: CreateTrainingJobRequest): unknown {
    checkRequest(request);
    const key = request.TrainingJobName.toLowerCase();
    const arn = `arn:aws:sagemaker:${this.options.region}:${this.options.accountId}:training-job/${key}`;
    if (this.jobs.has(key)) {
      throw new AwsError(
        'ResourceInUse',
        `Training job names must be unique within an AWS account and region, and a training job with this name already exists (${arn})`,
      );
    }
    const now = new Date();
    const job: TrainingJobState = {
      name: request.TrainingJobName,
      arn,
      request,
      sequence: this.sequence++,
      status: 'InProgress',
      secondaryStatus: 'Starting',
      transitions: [{ Status: 'Starting', StartTime: now, StatusMessage: 'Starting the training job' }],
      creationTime: now,
      lastModifiedTime: now,
      stop: new AbortController(),
      kill: new AbortController(),
      done: Promise.resolve(),
    };
    this.jobs.set(key, job);
    job.done = new JobLife(job, this.options).run();
    return { TrainingJobArn: arn };
  }

  private stopJob(name: string): unknown {
    const job = this.job(name);
    if (job.status !== 'InProgress') throw new AwsError('ValidationException', `The request was rejected because the training job is in status ${job.status}.`);
    job.stopCause = 'request';
    job.status = 'Stopping';
    transition(job, 'Stopping', 'Stopping the training job');
    job.stop.abort();
    return {};
  }

  /** The request's own members that Describe returns too, and the job's state. */
  private describe(job: TrainingJobState): unknown {
    const responseMembers = this.options.model.shapes.DescribeTrainingJobResponse.members ?? {};
    const echoed = Object.fromEntries(Object.entries(job.request).filter(([name]) => name in responseMembers));
    const times = trainingTimes(job);
    return {
      ...echoed,
      TrainingJobName: job.name,
      TrainingJobArn: job.arn,
      TrainingJobStatus: job.status,
      SecondaryStatus: job.secondaryStatus,
      FailureReason: job.failureReason,
      ModelArtifacts: job.modelArtifacts !== undefined ? { S3ModelArtifacts: job.modelArtifacts } : undefined,
      StoppingCondition: job.request.StoppingCondition ?? { MaxRuntimeInSeconds: 86400 },
      EnableNetworkIsolation: job.request.EnableNetworkIsolation ?? false,
      EnableInterContainerTrafficEncryption: job.request.EnableInterContainerTrafficEncryption ?? false,
      EnableManagedSpotTraining: job.request.EnableManagedSpotTraining ?? false,
      CreationTime: epochSeconds(job.creationTime),
      LastModifiedTime: epochSeconds(job.lastModifiedTime),
      TrainingStartTime: job.trainingStartTime && epochSeconds(job.trainingStartTime),
      TrainingEndTime: job.trainingEndTime && epochSeconds(job.trainingEndTime),
      SecondaryStatusTransitions: job.transitions.map((entry) => ({
        Status: entry.Status,
        StartTime: epochSeconds(entry.StartTime),
        EndTime: entry.EndTime && epochSeconds(entry.EndTime),
        StatusMessage: entry.StatusMessage,
      })),
      ...times,
    };
  }

  /**
   * Filters, sorts (CreationTime, Name or Status; Ascending by default) and pages. As SageMaker
   * documents, StatusEquals is applied after a page is cut, so a page may hold fewer jobs than
   * MaxResults and still have a NextToken.
   */
  private list(input: Record<string, unknown>): unknown {
    const seconds = (name: string): number | undefined => input[name] as number | undefined;
    const contains = (input.NameContains as string | undefined)?.toLowerCase();
    const matching = this.allJobs().filter((job) => {
      const created = epochSeconds(job.creationTime);
      const modified = epochSeconds(job.lastModifiedTime);
      return (
        (contains === undefined || job.name.toLowerCase().includes(contains)) &&
        (seconds('CreationTimeAfter') === undefined || created > (seconds('CreationTimeAfter') as number)) &&
        (seconds('CreationTimeBefore') === undefined || created < (seconds('CreationTimeBefore') as number)) &&
        (seconds('LastModifiedTimeAfter') === undefined || modified > (seconds('LastModifiedTimeAfter') as number)) &&
        (seconds('LastModifiedTimeBefore') === undefined || modified < (seconds('LastModifiedTimeBefore') as number))
      );
    });
    const sortBy = (input.SortBy as string | undefined) ?? 'CreationTime';
    const order = (a: TrainingJobState, b: TrainingJobState): number =>
      sortBy === 'Name' ? compare(a.name, b.name) : sortBy === 'Status' ? compare(a.status, b.status) || a.sequence - b.sequence : a.sequence - b.sequence;
    matching.sort(order);
    if (input.SortOrder === 'Descending') matching.reverse();
    const token = input.NextToken as string | undefined;
    const offset = token === undefined ? 0 : decodeToken(token, isOffset, () => new AwsError('ValidationException', 'Invalid pagination token')).offset;
    const limit = (input.MaxResults as number | undefined) ?? 10;
    const page = matching.slice(offset, offset + limit).filter((job) => input.StatusEquals === undefined || job.status === input.StatusEquals);
    return {
      TrainingJobSummaries: page.map((job) => ({
        TrainingJobName: job.name,
        TrainingJobArn: job.arn,
        CreationTime: epochSeconds(job.creationTime),
        TrainingEndTime: job.trainingEndTime && epochSeconds(job.trainingEndTime),
        LastModifiedTime: epochSeconds(job.lastModifiedTime),
        TrainingJobStatus: job.status,
        SecondaryStatus: job.secondaryStatus,
      })),
      NextToken: offset + limit < matching.length ? encodeToken({ offset: offset + limit }) : undefined,
    };
  }
}

/** What SageMaker refuses beyond the model: the model relaxed these for serverless jobs, a container job still needs them. */
function checkRequest(request: CreateTrainingJobRequest): void {
  if (request.ServerlessJobConfig === undefined) {
    const missing = ['AlgorithmSpecification', 'ResourceConfig', 'StoppingCondition'].filter((name) => request[name] === undefined);
    if (missing.length > 0) {
      const messages = missing.map(
        (name) => `Value null at '${name.charAt(0).toLowerCase()}${name.slice(1)}' failed to satisfy constraint: Member must not be null`,
      );
      throw new AwsError('ValidationException', `${missing.length} validation error${missing.length === 1 ? '' : 's'} detected: ${messages.join('; ')}`);
    }
  }
  const spec = request.AlgorithmSpecification;
  if (spec && spec.TrainingImage === undefined && spec.AlgorithmName === undefined) {
    throw new AwsError('ValidationException', 'Either TrainingImage or AlgorithmName must be specified in AlgorithmSpecification.');
  }
  const stopping = request.StoppingCondition;
  if (
    request.EnableManagedSpotTraining &&
    (stopping?.MaxWaitTimeInSeconds === undefined || stopping.MaxWaitTimeInSeconds < (stopping.MaxRuntimeInSeconds ?? 86400))
  ) {
    throw new AwsError('ValidationException', 'Invalid MaxWaitTimeInSeconds. It must be present and be greater than or equal to MaxRuntimeInSeconds');
  }
}

function transition(job: TrainingJobState, status: SecondaryStatus, message: string, final = false): void {
  const now = new Date();
  const last = job.transitions.at(-1);
  if (last && last.EndTime === undefined) last.EndTime = now;
  job.transitions.push({ Status: status, StartTime: now, StatusMessage: message, ...(final ? { EndTime: now } : {}) });
  job.secondaryStatus = status;
  job.lastModifiedTime = now;
}

function trainingTimes(job: TrainingJobState): { TrainingTimeInSeconds?: number; BillableTimeInSeconds?: number } {
  if (!job.trainingStartTime || !job.trainingEndTime) return {};
  const training = Math.max(1, Math.round((job.trainingEndTime.getTime() - job.trainingStartTime.getTime()) / 1000));
  return {
    TrainingTimeInSeconds: training,
    BillableTimeInSeconds: job.request.EnableManagedSpotTraining ? Math.floor(training * SPOT_BILLED_SHARE) : training,
  };
}

/** One job's life, from Starting to its end, with its folder removed afterwards. */
class JobLife {
  private readonly streams = new Map<string, string>();
  /** Whether the runner was started: only then are there artifacts to upload. */
  private ran = false;

  constructor(
    private readonly job: TrainingJobState,
    private readonly options: SageMakerOptions,
  ) {}

  /** Never rejects: whatever goes wrong ends the job Failed, as SageMaker's InternalServerError does. */
  async run(): Promise<void> {
    const { job } = this;
    const maxRuntime = (job.request.StoppingCondition?.MaxRuntimeInSeconds ?? 86400) * 1000;
    const timer = setTimeout(() => this.maxRuntimeReached(), Math.min(maxRuntime, 2 ** 31 - 1));
    timer.unref();
    let work: string | undefined;
    try {
      work = fs.mkdtempSync(path.join(this.options.root, 'job-'));
      const result = await this.play(work).catch((error: Error): RunnerResult => ({
        status: 'Failed',
        failureReason: `InternalServerError: ${error.message}`,
      }));
      clearTimeout(timer);
      await this.end(result, work);
    } catch (error) {
      this.ran = false;
      await this.end({ status: 'Failed', failureReason: `InternalServerError: ${(error as Error).message}` }, work ?? '');
    } finally {
      clearTimeout(timer);
      // A folder that cannot be removed now goes with the emulator's own at close().
      if (work) await fs.promises.rm(work, { recursive: true, force: true, maxRetries: 2 }).catch(() => undefined);
    }
  }

  private maxRuntimeReached(): void {
    if (this.job.status !== 'InProgress') return;
    this.job.stopCause = 'maxRuntime';
    this.job.status = 'Stopping';
    this.job.stop.abort();
  }

  /** SageMaker's own steps, then the runner's part; a stop between steps ends the job there. */
  private async play(work: string): Promise<RunnerResult> {
    const stopped: RunnerResult = { status: 'Stopped' };
    if (!(await this.step('LaunchingMLInstances', 'Launching requested ML instances'))) return stopped;
    if (!(await this.step('PreparingTrainingStack', 'Preparing the instances for training'))) return stopped;
    this.job.trainingStartTime = new Date();
    if (!(await this.step('Downloading', 'Downloading input data'))) return stopped;
    const inputs = await downloadChannels(this.options.s3, this.job.request, path.join(work, 'input'), this.options.region);
    if ('failureReason' in inputs) return { status: 'Failed', failureReason: inputs.failureReason };
    if (!(await this.step('DownloadingTrainingImage', 'Downloading the training image'))) return stopped;
    const context = this.context(work, inputs.folders);
    this.ran = true;
    const result = await this.options.runner(this.info(), context);
    if (result.status === 'Completed') context.training();
    return result;
  }

  /** Waits a moment (so a poller sees the previous status), then records the transition; false once the job is being stopped. */
  private async step(status: SecondaryStatus, message: string): Promise<boolean> {
    if (this.options.transitionDelayMs > 0) await sleep(this.options.transitionDelayMs, undefined, { signal: this.job.stop.signal }).catch(() => undefined);
    if (this.job.stop.signal.aborted) return false;
    transition(this.job, status, message);
    return true;
  }

  private info(): TrainingJobInfo {
    const count = this.job.request.ResourceConfig?.InstanceCount ?? 1;
    return {
      name: this.job.name,
      arn: this.job.arn,
      region: this.options.region,
      accountId: this.options.accountId,
      request: this.job.request,
      hosts: Array.from({ length: Math.max(1, count) }, (_, i) => `algo-${i + 1}`),
    };
  }

  private context(work: string, inputs: Record<string, string>): RunnerContext {
    const folder = (name: string): string => {
      const made = path.join(work, name);
      fs.mkdirSync(made, { recursive: true });
      return made;
    };
    let training = false;
    const markTraining = (): void => {
      if (training || this.job.stop.signal.aborted) return;
      training = true;
      transition(this.job, 'Training', 'Training image download completed. Training in progress.');
    };
    return {
      log: (host, line) => {
        markTraining();
        this.log(host, line);
      },
      secondary: (status, message) => transition(this.job, status, message),
      training: markTraining,
      signal: this.job.stop.signal,
      killSignal: this.job.kill.signal,
      inputs,
      modelDir: folder('model'),
      outputDir: folder('output'),
      artifactsDir: folder('artifacts'),
      workDir: work,
      registry: this.options.registry,
    };
  }

  /** A host's stream is named when it prints its first line: `<job>/<host>-<epoch seconds>`. */
  private log(host: string, line: string): void {
    const now = Date.now();
    let stream = this.streams.get(host);
    if (!stream) {
      stream = `${this.job.name}/${host}-${Math.floor(now / 1000)}`;
      this.streams.set(host, stream);
    }
    this.options.logs.append(TRAINING_LOG_GROUP, stream, line, now);
  }

  /** Uploads what the runner left (for completed and stopped jobs, as SageMaker saves a stopped job's model), then the final status. */
  private async end(result: RunnerResult, work: string): Promise<void> {
    const { job } = this;
    let { status, failureReason } = result;
    if (status !== 'Failed' && this.ran) {
      if (status === 'Completed') transition(job, 'Uploading', 'Uploading generated training model');
      const uploaded = await uploadArtifacts(this.options.s3, job.request, job.name, work).catch((error: Error) => ({ failureReason: error.message }));
      if ('failureReason' in uploaded) {
        status = 'Failed';
        failureReason = uploaded.failureReason;
      } else {
        job.modelArtifacts = uploaded.model;
      }
    }
    job.trainingEndTime = new Date();
    job.status = status;
    job.failureReason = status === 'Failed' ? (failureReason ?? 'AlgorithmError: the training failed').slice(0, 1024) : undefined;
    if (status === 'Completed') transition(job, 'Completed', 'Training job completed', true);
    else if (status === 'Failed') transition(job, 'Failed', 'Training job failed', true);
    else if (job.stopCause === 'maxRuntime') transition(job, 'MaxRuntimeExceeded', 'Training job stopped because it exceeded MaxRuntimeInSeconds', true);
    else transition(job, 'Stopped', 'Training job stopped', true);
  }
}
