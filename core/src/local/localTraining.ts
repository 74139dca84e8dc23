import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { jobName as makeJobName, type TrainingJob } from '../job/trainingJob';
import { packArtifacts } from './artifacts';
import { checkpointStore, restoreCheckpoints, saveCheckpoints, writtenSince, type CheckpointCount, type CheckpointSnapshot } from './checkpoints';
import { createArgs, runContainers, type JobStatus, type Outcome } from './containerRun';
import { docker, dockerOk, imageExists } from './docker';
import { engineRuntimes, gpuPlan, gpuStartFailure, type GpuPlan } from './gpus';
import { instanceHardware } from './instanceHardware';
import { checkPipeSupport } from './pipeSupport';
import { failureReason } from './failureReason';
import { pipeDataMount, prepareInputs, removeChannelViews, startPipes, type DownloadProgress, type PreparedInputs } from './inputs';
import type { S3Reader } from './channels/types';
import { downloadBudget, type CacheProgress, type CacheStats, type DownloadBudget } from './channels/objectCache';
import { checkpointsFromS3 } from './checkpointsFromS3';
import { awsS3Reader, type S3AccessOptions } from './s3Access';
import { checkUploadTarget, uploadArtifacts, type UploadedArtifacts } from './artifactUpload';
import { hostMounts, hostNames, writeHostFolder } from './optMl';
import { cleanUpLeftovers, FOLDER_PREFIX, forgetRunFolder, ownerFileContent, ownerLabels, registerRunFolder } from './leftovers';
import { checkCommandLineValues, checkEnvironmentValues, writeEnvironmentFile } from './jobValues';
import { keepOutputOutOfContext, localOutputRoot } from './outputFolder';
import { TransitionLog, type LocalStatusTransition } from './statusTransitions';
import { displayPath } from '../lint/lintGate';
import { SmctError } from '../errors';

export { stopTimeoutHint } from './containerRun';
export type { JobStatus } from './containerRun';
export type { LocalStatusTransition } from './statusTransitions';

export interface LocalTrainingResult {
  readonly jobName: string;
  readonly status: JobStatus;
  /** SageMaker's SecondaryStatus when it says more than the status: `MaxRuntimeExceeded` for a job its max runtime stopped. */
  readonly secondaryStatus?: 'MaxRuntimeExceeded';
  /** What SageMaker says of that secondary status. */
  readonly statusMessage?: string;
  readonly failureReason?: string;
  readonly exitCodes: Readonly<Record<string, number>>;
  readonly artifacts?: { readonly model: string; readonly output: string };
  /** Every phase the run went through, named as SageMaker's SecondaryStatus names them. */
  readonly transitions: readonly LocalStatusTransition[];
  /** Where the checkpoints are kept, what came from S3 into the store, what was restored before the start and saved at the end. */
  readonly checkpoints?: { readonly store: string; readonly fromS3?: CheckpointCount; readonly restored: CheckpointCount; readonly saved?: CheckpointCount };
  /** A rehearsed spot interruption, when one happened. */
  readonly interruption?: SpotInterruption;
  /** What the S3 channels fetched, and what the cache already held. */
  readonly downloads: CacheStats;
  /** Where `upload` put the artifacts. */
  readonly uploaded?: UploadedArtifacts;
  /** From the start of the run to its end, restarts included. */
  readonly totalSeconds: number;
}

export interface SpotInterruption {
  readonly afterSeconds: number;
  /** What the program had saved in its checkpoint folder when it was interrupted: what the second run starts from. */
  readonly checkpointsSaved: CheckpointCount;
  /** The second run started from saved checkpoints and completed. */
  readonly resumed: boolean;
}

export interface LocalTrainingOptions {
  /** Each line a container prints, with the host that printed it. */
  readonly onLog?: (host: string, line: string) => void;
  /** Aborting stops the job as StopTrainingJob does: SIGTERM, then SIGKILL after the grace period. */
  readonly signal?: AbortSignal;
  readonly jobName?: string;
  /** Aborting kills the containers at once (SIGKILL): for an editor window that is closing. */
  readonly killSignal?: AbortSignal;
  /** Overrides the job file's stop timeout (seconds). */
  readonly stopTimeoutSeconds?: number;
  /** Overrides the job file's local output folder. */
  readonly outputDir?: string;
  /** Problems that do not change the outcome (a folder that could not be removed, artifacts that could not be packed). */
  readonly onWarning?: (message: string) => void;
  /** What the run did that the user should know of (a line added to .dockerignore). */
  readonly onNotice?: (message: string) => void;
  /** Each phase as it begins. */
  readonly onStatus?: (transition: LocalStatusTransition) => void;
  /** Rehearses a spot interruption: SIGTERM this many seconds after training starts, then a restart from the checkpoints. */
  readonly interruptAfterSeconds?: number;
  /** Runs an instance type with GPUs on the CPU (when the engine has no NVIDIA runtime). */
  readonly cpu?: boolean;
  /** Gives the containers this many of the instance's GPUs (a machine with fewer). */
  readonly gpus?: number;
  /** Who reads the S3 channels (profile, region); default the SDK's chain and the job's region. */
  readonly aws?: S3AccessOptions;
  /** Stands in for S3 (tests); default: S3 through the AWS SDK, as `aws` says. */
  readonly s3?: () => S3Reader;
  /** Past this many bytes still to download from S3, confirmDownload is asked, or the run refused. */
  readonly maxDownloadBytes?: number;
  readonly confirmDownload?: (bytes: number) => Promise<boolean>;
  /** Progress of the S3 downloads, per channel. */
  readonly onDownload?: (progress: DownloadProgress) => void;
  /** After the run, uploads the artifacts to the job's S3 output path, as SageMaker would have. */
  readonly upload?: boolean;
  /** Before the run, makes the local checkpoint store what the checkpoint S3 URI holds (a real job's checkpoints). */
  readonly checkpointsFromS3?: boolean;
}

/**
 * SecondaryStatus MaxRuntimeExceeded, in the words of the DescribeTrainingJob reference
 * (https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_DescribeTrainingJob.html).
 */
const MAX_RUNTIME_MESSAGE = 'The job stopped because it exceeded the maximum allowed runtime.';
const ACCOUNT = '000000000000';

/** What every step of one run shares. */
interface Run {
  readonly job: TrainingJob;
  readonly options: LocalTrainingOptions;
  readonly name: string;
  readonly runId: string;
  readonly root: string;
  readonly hosts: readonly string[];
  readonly network?: string;
  readonly labels: readonly string[];
  readonly environmentFile: string;
  readonly inputs: PreparedInputs;
  /** GPUs and shared memory, as the instance type has them. */
  readonly gpu: GpuPlan;
  readonly store?: string;
  readonly s3: () => S3Reader;
  readonly log: TransitionLog;
  /** The containers made so far, every attempt's: removed at the end whatever happens. */
  readonly containers: string[];
}

/** One start of the job's containers: a spot restart is a second. */
interface Attempt {
  readonly outcome: Outcome;
  readonly folders: readonly string[];
  readonly restored: CheckpointCount;
  /** The hosts' checkpoint files just after the restore: what the program wrote is what differs. */
  readonly snapshot: CheckpointSnapshot;
}

/**
 * Runs a training job on the local Docker engine exactly as SageMaker starts it: one container
 * per host (`algo-1` … `algo-N`) on a network of the job's own, `/opt/ml` laid out, `train` (or
 * ContainerEntrypoint/ContainerArguments) as the process, no TTY, SageMaker's environment. The
 * outcome follows SageMaker: exit 0 Completed; else Failed with the failure file or the exit
 * code as the reason; stopped jobs get SIGTERM then SIGKILL. Checkpoints are restored before the
 * start and saved at the end, a rehearsed spot interruption restarts the job from them, artifacts
 * are packed in every case, and every container, network and folder made for the job is removed.
 */
export async function runLocalTraining(job: TrainingJob, options: LocalTrainingOptions = {}): Promise<LocalTrainingResult> {
  checkEnvironmentValues(job);
  checkCommandLineValues(job);
  checkInterruption(job, options);
  if (options.upload) checkUploadTarget(job);
  if (options.checkpointsFromS3 && !job.checkpoints) {
    throw new SmctError('USAGE', `The job has no checkpoints to restore: add "checkpoints": {"s3Uri": "s3://…"} to ${displayPath(job.file)}.`);
  }
  const log = new TransitionLog(options.onStatus);
  log.enter('Starting', 'Preparing the instances for training');
  // Independent Docker calls go side by side: each CLI call costs tens of milliseconds.
  const [, present, runtimes] = await Promise.all([cleanUpLeftovers(), imageExists(job.image), acceleratorRuntimes(job), checkPipeSupport(job)]);
  if (!present) throw new SmctError('LOCAL_RUN_FAILED', `The image ${job.image} is not on this machine: build it first (smct build).`);
  const gpu = gpuPlan(job.instanceType, runtimes, { cpu: options.cpu, gpus: options.gpus });
  if (gpu.notice) options.onNotice?.(gpu.notice);
  const outputRoot = localOutputRoot(job, options.outputDir);
  const notice = keepOutputOutOfContext(job, outputRoot);
  if (notice) options.onNotice?.(notice);
  const name = options.jobName ?? makeJobName(job.baseJobName);
  const runId = `${name.toLowerCase().slice(-23)}-${process.pid}`.replace(/[^a-z0-9-]/g, '-');
  const root = fs.mkdtempSync(path.join(os.tmpdir(), `${FOLDER_PREFIX}${name.replace(/[^a-zA-Z0-9-]/g, '-')}-`));
  registerRunFolder(root);
  fs.writeFileSync(path.join(root, 'owner.pid'), ownerFileContent());
  const hosts = hostNames(job.instanceCount);
  // Several hosts get a network of the job's own, where each resolves the others by name. One host
  // needs none (its own name is in /etc/hosts): the default bridge saves creating and removing one.
  const network = hosts.length > 1 ? `smct-${runId}` : undefined;
  const containers: string[] = [];
  /** Set when the artifacts could not be packed: the hosts' folders are then all that is left of the model. */
  let keepFolders = false;
  try {
    if (network) await dockerOk(['network', 'create', ...ownerLabels(runId, name), network]);
    log.enter('Downloading', 'Downloading input data');
    const s3 = options.s3 ?? awsS3Reader({ jobRegion: job.region, ...options.aws });
    // One budget for the run: the limit is on all it downloads (every channel, the checkpoints), asked about once.
    const budget = downloadBudget(options.maxDownloadBytes, options.confirmDownload);
    const inputs = await prepareInputs(job, hosts, root, {
      ...{ s3, budget },
      ...{ onDownload: options.onDownload, onWarning: options.onWarning, signal: options.signal },
    });
    const environmentFile = writeEnvironmentFile(root, containerEnvironment(job, name));
    const store = checkpointStore(job, outputRoot);
    const fromS3 = options.checkpointsFromS3 && store ? await checkpointsFromS3(job, store, s3(), downloadOptions(options, 'checkpoints', budget)) : undefined;
    const run: Run = {
      ...{ job, options, name, runId, root, hosts, network, labels: ownerLabels(runId, name), environmentFile, inputs, gpu, log, containers },
      store,
      s3,
    };
    const { attempt, interruption } = await train(run);
    const finished = await finish(run, attempt, outputRoot);
    keepFolders = finished.keptFolders;
    const checkpoints = finished.result.checkpoints && { ...finished.result.checkpoints, fromS3 };
    return {
      ...finished.result,
      ...{ checkpoints, interruption, downloads: inputs.downloads },
      ...{ transitions: log.transitions, totalSeconds: Math.round(log.elapsedMs() / 100) / 10 },
    };
  } finally {
    await removeContainers(containers, network);
    if (keepFolders) keepRunFolder(root);
    else removeRunFolder(root, options);
    forgetRunFolder(root);
    removeChannelViews(root);
  }
}

/** The run's download budget and its progress, for one source of S3 objects. */
function downloadOptions(options: LocalTrainingOptions, channel: string, budget: DownloadBudget) {
  return {
    ...{ budget, signal: options.signal },
    onProgress: (progress: CacheProgress) => options.onDownload?.({ ...progress, channel }),
  };
}

/** The engine's runtimes, asked only for an instance type with accelerators (the only plan that needs them). */
async function acceleratorRuntimes(job: TrainingJob): Promise<string[]> {
  const kind = instanceHardware(job.instanceType)?.acceleratorKind;
  return kind === undefined || kind === 'none' ? [] : engineRuntimes();
}

/** SageMaker interrupts only managed spot jobs; the rehearsal needs a time within the max runtime. */
function checkInterruption(job: TrainingJob, options: LocalTrainingOptions): void {
  if (options.interruptAfterSeconds === undefined) return;
  const problem = interruptionProblem(job, options.interruptAfterSeconds);
  if (problem) throw new SmctError('USAGE', problem);
}

/** Why a spot interruption after `afterSeconds` cannot be rehearsed for this job (one line), or undefined. */
export function interruptionProblem(job: TrainingJob, afterSeconds?: number): string | undefined {
  if (!job.spot) return `Only spot jobs are interrupted: set "spot": true in ${displayPath(job.file)} to rehearse an interruption.`;
  if (afterSeconds === undefined) return undefined;
  if (afterSeconds >= job.maxRuntimeSeconds) {
    return `The interruption must come before the job's max runtime (${job.maxRuntimeSeconds} s, "stopping.maxRuntimeSeconds" in ${displayPath(job.file)}).`;
  }
  // A timer holds at most 2^31-1 ms (24.8 days); a later one would fire at once.
  if (!(afterSeconds > 0 && afterSeconds * 1000 <= 2 ** 31 - 1)) return 'The interruption must come after the start and within 24 days.';
  return undefined;
}

/**
 * The training itself: the containers run; after a rehearsed interruption the checkpoints are
 * saved, and the job starts again on fresh hosts with them restored, as SageMaker restarts an
 * interrupted spot job. The max runtime counts the training of both runs.
 */
async function train(run: Run): Promise<{ attempt: Attempt; interruption?: SpotInterruption }> {
  const interruptAfterMs = run.options.interruptAfterSeconds === undefined ? undefined : run.options.interruptAfterSeconds * 1000;
  run.log.enter('Training', 'Training image download completed. Training in progress.');
  const first = await attempt(run, 0, { runtimeMs: run.job.maxRuntimeSeconds * 1000, interruptAfterMs });
  if (!first.outcome.interrupted) {
    if (interruptAfterMs !== undefined) {
      run.options.onWarning?.(`The job ended before the interruption at ${run.options.interruptAfterSeconds} s: nothing was interrupted.`);
    }
    return { attempt: first };
  }
  run.log.enter('Interrupted', `Interrupted after ${run.options.interruptAfterSeconds} s, as a spot instance is reclaimed: saving the checkpoints`);
  // What the program itself saved before it was stopped: files restored from earlier runs do not count.
  const saved = writtenSince(first.folders.map(checkpointFolder), first.snapshot);
  saveAttemptCheckpoints(run, first);
  if (saved.files === 0) {
    run.options.onWarning?.(
      `The program had saved no checkpoint in ${run.job.checkpoints?.localPath ?? '/opt/ml/checkpoints'} when it was interrupted: on SageMaker an interrupted spot job starts over from the beginning.`,
    );
  }
  run.log.enter('Restarting', 'Restarting the job on new instances, the checkpoints restored');
  await removeContainers(run.containers.splice(0), undefined);
  run.log.enter('Training', 'Training in progress (after the interruption).');
  const usedMs = interruptAfterMs ?? 0;
  const second = await attempt(run, 1, { runtimeMs: Math.max(run.job.maxRuntimeSeconds * 1000 - usedMs, 1) });
  const resumed = saved.files > 0 && second.outcome.status === 'Completed';
  return { attempt: second, interruption: { afterSeconds: run.options.interruptAfterSeconds ?? 0, checkpointsSaved: saved, resumed } };
}

/** Lays out fresh hosts (the checkpoints restored), creates their containers and runs them. */
async function attempt(run: Run, index: number, limits: { runtimeMs: number; interruptAfterMs?: number }): Promise<Attempt> {
  const base = index === 0 ? run.root : path.join(run.root, `restart-${index}`);
  const folders = run.hosts.map((host) => writeHostFolder(base, run.job, host, run.hosts));
  const { count: restored, snapshot } = run.store ? restoreCheckpoints(run.store, folders.map(checkpointFolder)) : NOTHING_RESTORED;
  const names = run.hosts.map((host) => `smct-${run.runId}${index === 0 ? '' : `-r${index}`}-${host}`);
  run.containers.push(...names);
  const created = await Promise.all(
    run.hosts.map((host, i) =>
      docker(
        createArgs(run.job, {
          ...{ host, container: names[i], network: run.network, labels: run.labels, environmentFile: run.environmentFile },
          mounts: [...hostMounts(folders[i], run.job), ...pipeDataMount(folders[i], run.inputs.hosts[i]), ...run.inputs.hosts[i].mounts],
          extra: run.gpu.args,
        }),
      ),
    ),
  );
  const refused = created.find((result) => result.code !== 0);
  // Pipe channels are fed while the containers run: each FIFO waits for its reader. A feeder that
  // fails (a file gone, a FIFO removed) stops the job: the program would wait for its next epoch.
  const pipes = refused ? [] : run.hosts.flatMap((_host, i) => startPipes(folders[i], run.inputs.hosts[i]));
  const pipeFailure = new AbortController();
  let pipeError: unknown;
  for (const pipe of pipes) {
    pipe.done.catch((error: unknown) => {
      pipeError ??= error;
      pipeFailure.abort();
    });
  }
  const signal = run.options.signal ? AbortSignal.any([run.options.signal, pipeFailure.signal]) : pipeFailure.signal;
  let outcome: Outcome;
  try {
    outcome = refused
      ? { status: 'Failed', failureReason: `ClientError: ${refused.stderr.trim()}`, exitCodes: {} }
      : await runContainers(run.hosts, names, {
          ...{ onLog: run.options.onLog, onWarning: run.options.onWarning, signal, killSignal: run.options.killSignal },
          graceSeconds: run.options.stopTimeoutSeconds ?? run.job.stopTimeoutSeconds,
          ...limits,
        });
  } finally {
    await Promise.all(pipes.map((pipe) => pipe.stop()));
  }
  if (pipeError) throw pipeError;
  // A machine that cannot give the GPUs asked for is this machine's problem, not the job's.
  const gpuProblem = outcome.failureReason?.startsWith('ClientError') ? gpuStartFailure(run.job.instanceType, run.gpu, outcome.failureReason) : undefined;
  if (gpuProblem) throw new SmctError('LOCAL_RUN_FAILED', gpuProblem);
  return { outcome, folders, restored, snapshot };
}

const NOTHING_RESTORED = { count: { files: 0, bytes: 0 }, snapshot: new Map<string, string>() };

function checkpointFolder(hostFolder: string): string {
  return path.join(hostFolder, 'checkpoints');
}

/** Saves the hosts' checkpoint folders into the store; a problem is a warning (the job's outcome stands). */
function saveAttemptCheckpoints(run: Run, attempt: Pick<Attempt, 'folders' | 'snapshot'>): CheckpointCount | undefined {
  if (!run.store) return undefined;
  try {
    return saveCheckpoints(attempt.folders.map(checkpointFolder), run.store, attempt.snapshot);
  } catch (error) {
    run.options.onWarning?.(`Could not save the checkpoints into ${run.store}: ${(error as Error).message}`);
    return undefined;
  }
}

async function removeContainers(containers: readonly string[], network: string | undefined): Promise<void> {
  if (containers.length > 0) await docker(['rm', '--force', '--volumes', ...containers]);
  if (network) await docker(['network', 'rm', network]);
}

/** Without its owner file, a later run does not take the kept folder for a crashed run's leftover; the environment file may hold secrets. */
function keepRunFolder(root: string): void {
  for (const file of ['owner.pid', 'container.env']) fs.rmSync(path.join(root, file), { force: true });
}

function removeRunFolder(root: string, options: LocalTrainingOptions): void {
  try {
    fs.rmSync(root, { recursive: true, force: true });
  } catch (error) {
    // Files the container wrote as root cannot be removed by another user.
    options.onWarning?.(
      `Could not remove ${root} (${(error as NodeJS.ErrnoException).code ?? String(error)}): files the container wrote as root; remove it with sudo.`,
    );
  }
}

/** The environment SageMaker gives the container: the job's, then its own variables. */
function containerEnvironment(job: TrainingJob, name: string): Record<string, string> {
  const region = job.region ?? process.env.AWS_REGION ?? 'us-east-1';
  return {
    ...job.environment,
    TRAINING_JOB_NAME: name,
    TRAINING_JOB_ARN: `arn:aws:sagemaker:${region}:${ACCOUNT}:training-job/${name.toLowerCase()}`,
    AWS_REGION: region,
  };
}

/**
 * After the training: the failure file wins over the exit code as FailureReason, the
 * checkpoints are saved, the artifacts packed; the last transition names the outcome.
 */
async function finish(
  run: Run,
  attempt: Attempt,
  outputRoot: string,
): Promise<{ result: Omit<LocalTrainingResult, 'transitions' | 'totalSeconds' | 'downloads'>; keptFolders: boolean }> {
  const { outcome, folders } = attempt;
  const reason = failureReason(outcome, folders);
  const stoppedByRuntime =
    outcome.status === 'Stopped' && outcome.maxRuntimeExceeded ? ({ secondaryStatus: 'MaxRuntimeExceeded', statusMessage: MAX_RUNTIME_MESSAGE } as const) : {};
  run.log.enter('Uploading', 'Uploading generated training model');
  const saved = saveAttemptCheckpoints(run, attempt);
  const checkpoints = run.store ? { store: run.store, restored: attempt.restored, saved } : undefined;
  const common = { jobName: run.name, exitCodes: outcome.exitCodes, checkpoints };
  try {
    const artifacts = await packArtifacts(folders, outputRoot, run.name);
    const uploaded = run.options.upload ? await uploadOrWarn(run, artifacts) : undefined;
    run.log.enter(outcome.maxRuntimeExceeded ? 'MaxRuntimeExceeded' : outcome.status, finalMessage(outcome.status, outcome.maxRuntimeExceeded));
    return { result: { ...common, status: outcome.status, ...stoppedByRuntime, failureReason: reason, artifacts, uploaded }, keptFolders: false };
  } catch (error) {
    // As on SageMaker, a job whose model cannot be saved has failed; its files stay where they are.
    const problem = `Could not pack the artifacts into ${outputRoot}: ${(error as Error).message}; the hosts' folders are kept in ${run.root}.`;
    if (outcome.status === 'Failed') run.options.onWarning?.(problem);
    run.log.enter('Failed', finalMessage('Failed'));
    return { result: { ...common, status: 'Failed', failureReason: outcome.status === 'Failed' ? reason : problem }, keptFolders: true };
  }
}

/** The run's outcome stands whatever S3 says: an upload that fails is a warning, the artifacts stay on this machine. */
async function uploadOrWarn(run: Run, artifacts: { model: string; output: string }): Promise<UploadedArtifacts | undefined> {
  try {
    return await uploadArtifacts(run.job, run.name, artifacts, run.s3(), run.options.signal);
  } catch (error) {
    run.options.onWarning?.(`Could not upload the artifacts to ${run.job.output.s3 ?? 'S3'}: ${(error as Error).message}`);
    return undefined;
  }
}

function finalMessage(status: JobStatus, maxRuntimeExceeded?: boolean): string {
  if (maxRuntimeExceeded) return MAX_RUNTIME_MESSAGE;
  return { Completed: 'Training job completed', Failed: 'Training job failed', Stopped: 'Training job stopped' }[status];
}
