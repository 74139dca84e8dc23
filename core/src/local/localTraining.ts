import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { jobName as makeJobName, type TrainingJob } from '../job/trainingJob';
import { packArtifacts } from './artifacts';
import { docker, dockerOk, imageExists } from './docker';
import { hostMounts, hostNames, writeHostFolder } from './optMl';
import { cleanUpLeftovers, FOLDER_PREFIX, forgetRunFolder, ownerFileContent, ownerLabels, registerRunFolder } from './leftovers';
import { checkCommandLineValues, checkEnvironmentValues, writeEnvironmentFile } from './jobValues';
import { SmctError } from '../errors';

export type JobStatus = 'Completed' | 'Failed' | 'Stopped';

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
}

/** DescribeTrainingJob's FailureReason holds at most 1024 characters (the SageMaker API model: FailureReason, max 1024). */
const FAILURE_REASON_LIMIT = 1024;
/**
 * SecondaryStatus MaxRuntimeExceeded, in the words of the DescribeTrainingJob reference
 * (https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_DescribeTrainingJob.html).
 */
const MAX_RUNTIME_MESSAGE = 'The job stopped because it exceeded the maximum allowed runtime.';
const ACCOUNT = '000000000000';

/**
 * Runs a training job on the local Docker engine exactly as SageMaker starts it: one container
 * per host (`algo-1` … `algo-N`) on a network of the job's own, `/opt/ml` laid out, `train` (or
 * ContainerEntrypoint/ContainerArguments) as the process, no TTY, SageMaker's environment. The
 * outcome follows SageMaker: exit 0 Completed; else Failed with the failure file or the exit
 * code as the reason; stopped jobs get SIGTERM then SIGKILL. Artifacts are packed in every case,
 * and every container, network and folder made for the job is removed.
 */
export async function runLocalTraining(job: TrainingJob, options: LocalTrainingOptions = {}): Promise<LocalTrainingResult> {
  checkInputs(job);
  checkEnvironmentValues(job);
  checkCommandLineValues(job);
  // Independent Docker calls go side by side: each CLI call costs tens of milliseconds.
  const [, present] = await Promise.all([cleanUpLeftovers(), imageExists(job.image)]);
  if (!present) throw new SmctError('LOCAL_RUN_FAILED', `The image ${job.image} is not on this machine: build it first (smct build).`);
  const name = options.jobName ?? makeJobName(job.baseJobName);
  const runId = `${name.toLowerCase().slice(-23)}-${process.pid}`.replace(/[^a-z0-9-]/g, '-');
  const root = fs.mkdtempSync(path.join(os.tmpdir(), `${FOLDER_PREFIX}${name.replace(/[^a-zA-Z0-9-]/g, '-')}-`));
  registerRunFolder(root);
  fs.writeFileSync(path.join(root, 'owner.pid'), ownerFileContent());
  const hosts = hostNames(job.instanceCount);
  // Several hosts get a network of the job's own, where each resolves the others by name. One host
  // needs none (its own name is in /etc/hosts): the default bridge saves creating and removing one.
  const network = hosts.length > 1 ? `smct-${runId}` : undefined;
  const containers = hosts.map((host) => `smct-${runId}-${host}`);
  const labels = ownerLabels(runId, name);
  /** Set when the artifacts could not be packed: the hosts' folders are then all that is left of the model. */
  let keepFolders = false;
  let removal: Promise<void> | undefined;
  const remove = (): Promise<void> =>
    (removal ??= (async () => {
      await docker(['rm', '--force', '--volumes', ...containers]);
      if (network) await docker(['network', 'rm', network]);
    })());
  try {
    const folders = hosts.map((host) => writeHostFolder(root, job, host, hosts));
    if (network) await dockerOk(['network', 'create', ...labels, network]);
    const environmentFile = writeEnvironmentFile(root, containerEnvironment(job, name));
    const created = await Promise.all(hosts.map((host, i) => docker(createArgs(job, host, containers[i], network, folders[i], labels, environmentFile))));
    const refused = created.find((result) => result.code !== 0);
    const outcome = refused
      ? { status: 'Failed' as const, failureReason: `ClientError: ${refused.stderr.trim()}`, exitCodes: {} }
      : await runContainers(job, options, hosts, containers);
    // Artifacts are packed from the host folders while the containers and the network go away.
    const [result] = await Promise.all([finish(job, options, name, root, folders, outcome), remove()]);
    keepFolders = result.keptFolders;
    return result.result;
  } finally {
    await remove();
    if (keepFolders) keepRunFolder(root);
    else removeRunFolder(root, options);
    forgetRunFolder(root);
  }
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

function checkInputs(job: TrainingJob): void {
  for (const input of job.inputs) {
    if (input.source.kind === 's3') {
      throw new SmctError(
        'LOCAL_RUN_FAILED',
        `Input channel "${input.name}" reads ${input.source.uri}: local runs read local folders. Point "source" at a folder with a sample of the data.`,
      );
    }
    if (!fs.existsSync(input.source.path) || !fs.statSync(input.source.path).isDirectory()) {
      throw new SmctError(
        'LOCAL_RUN_FAILED',
        `Input channel "${input.name}": the folder ${input.source.path} does not exist. Create it or fix "inputs.${input.name}" in ${job.file}.`,
      );
    }
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

/** `docker create` as SageMaker runs the image: the verb `train`, or ContainerEntrypoint/ContainerArguments as Docker applies them. */
function createArgs(
  job: TrainingJob,
  host: string,
  container: string,
  network: string | undefined,
  folder: string,
  labels: string[],
  environmentFile: string,
): string[] {
  const args = ['create', '--name', container, ...labels, '--hostname', host, '--platform', job.build.platform];
  if (network) args.push('--network', network, '--network-alias', host);
  args.push('--env-file', environmentFile);
  args.push(...hostMounts(folder, job));
  const entrypoint = job.containerEntrypoint;
  if (entrypoint) args.push('--entrypoint', entrypoint[0]);
  args.push(job.image);
  if (entrypoint) args.push(...entrypoint.slice(1), ...(job.containerArguments ?? []));
  else args.push(...(job.containerArguments ?? ['train']));
  return args;
}

interface Outcome {
  readonly status: JobStatus;
  readonly maxRuntimeExceeded?: boolean;
  readonly failureReason?: string;
  readonly exitCodes: Record<string, number>;
  /** The host whose exit failed the job: its failure file is the reason. */
  readonly failedHost?: string;
}

async function runContainers(job: TrainingJob, options: LocalTrainingOptions, hosts: readonly string[], containers: readonly string[]): Promise<Outcome> {
  let stopRequested = false;
  let maxRuntimeExceeded = false;
  /** SIGTERM was sent with a grace period (docker stop), and no SIGKILL at once (docker kill). */
  let gracefulStop = false;
  let killed = false;
  let firstFailure: string | undefined;
  const grace = options.stopTimeoutSeconds ?? job.stopTimeoutSeconds;
  const stopAll = (): void => {
    gracefulStop = true;
    void docker(['stop', '--time', String(grace), ...containers]).catch(() => undefined);
  };
  const stop = (): void => {
    if (stopRequested) return;
    stopRequested = true;
    stopAll();
  };
  const kill = (): void => {
    stopRequested = true;
    killed = true;
    void docker(['kill', ...containers]).catch(() => undefined);
  };
  // Stopped before it started: nothing runs (the containers are removed by the caller).
  if (options.signal?.aborted || options.killSignal?.aborted) return { status: 'Stopped', exitCodes: {} };
  options.signal?.addEventListener('abort', stop, { once: true });
  options.killSignal?.addEventListener('abort', kill, { once: true });
  // setTimeout holds at most 2^31-1 ms (24.8 days); SageMaker allows 28 days.
  const timer = setTimeout(
    () => {
      if (!stopRequested) maxRuntimeExceeded = true;
      stop();
    },
    Math.min(job.maxRuntimeSeconds * 1000, 2 ** 31 - 1),
  );
  try {
    // Started first and followed afterwards, so a stop that arrives while Docker starts them is not lost.
    await docker(['start', ...containers]);
    if (stopRequested) stopAll();
    const flushes: (() => boolean)[] = [];
    const runs = hosts.map((host, i) => {
      const out = lineSplitter(host, options);
      const err = lineSplitter(host, options);
      flushes.push(out.flush, err.flush);
      const logs = docker(['logs', '--follow', containers[i]], { onStdout: out.push, onStderr: err.push });
      const exited = docker(['wait', containers[i]]).then((result) => {
        if (Number(result.stdout.trim()) !== 0 && !stopRequested && firstFailure === undefined) {
          firstFailure = host;
          // As on SageMaker, a failing host ends the job: the other hosts are stopped.
          if (hosts.length > 1) stopAll();
        }
      });
      return Promise.all([logs, exited]);
    });
    await Promise.all(runs);
    // A host whose streams ended on a complete line may still have lost an unterminated one.
    const complete = hosts.map((_host, i) => [flushes[2 * i](), flushes[2 * i + 1]()].every((flushed) => !flushed));
    await Promise.all(hosts.map((host, i) => (complete[i] ? logUnterminatedLastLine(host, containers[i], options) : Promise.resolve())));
    const exitCodes: Record<string, number> = {};
    let clientError: string | undefined;
    const states = (await dockerOk(['inspect', '--format', '{{json .State}}', ...containers])).trim().split('\n');
    for (const [i, host] of hosts.entries()) {
      const state = JSON.parse(states[i]) as { ExitCode: number; Error: string };
      exitCodes[host] = state.ExitCode;
      if (state.Error && !clientError) clientError = `ClientError: ${state.Error}`;
    }
    const hint = gracefulStop && !killed ? stopTimeoutHint(exitCodes, grace) : undefined;
    if (hint) options.onWarning?.(hint);
    if (clientError) return { status: 'Failed', failureReason: clientError, exitCodes };
    // SageMaker's words when the program wrote no failure file (the file, when there is one, replaces them).
    if (firstFailure) {
      return { status: 'Failed', failureReason: `AlgorithmError: , exit code: ${exitCodes[firstFailure]}`, exitCodes, failedHost: firstFailure };
    }
    return { status: stopRequested ? 'Stopped' : 'Completed', exitCodes, maxRuntimeExceeded };
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', stop);
    options.killSignal?.removeEventListener('abort', kill);
  }
}

/** Exit code of a container killed by SIGKILL (128 + 9): `docker stop` sends it when the grace period runs out. */
const KILLED = 137;

/**
 * After a stop (SIGTERM, then SIGKILL when the grace period ends, as SageMaker does): the hosts
 * that had to be killed mostly ignored SIGTERM, as a PID 1 without a handler does, and on
 * SageMaker they would lose their work after 120 s. One line naming SM107's advice, or undefined.
 */
export function stopTimeoutHint(exitCodes: Readonly<Record<string, number>>, graceSeconds: number): string | undefined {
  // With no grace period SIGKILL follows at once: being killed says nothing about the program.
  if (graceSeconds <= 0) return undefined;
  const killed = Object.keys(exitCodes).filter((host) => exitCodes[host] === KILLED);
  if (killed.length === 0) return undefined;
  return (
    `${killed.join(', ')} did not exit within the ${graceSeconds} s stop timeout after SIGTERM and ${killed.length === 1 ? 'was' : 'were'} killed: ` +
    'as PID 1 the program most likely ignores SIGTERM, so on SageMaker every stop waits 120 s and loses its work. ' +
    'Handle SIGTERM in the program (save a checkpoint, exit), or start it through tini or dumb-init (rule SM107).'
  );
}

/**
 * `docker logs --follow` (Docker 20.10) drops a last line that has no newline when the
 * container ends while it follows; a plain `docker logs` keeps it. So read the last line again.
 */
async function logUnterminatedLastLine(host: string, container: string, options: LocalTrainingOptions): Promise<void> {
  const tail = await docker(['logs', '--tail', '1', container]);
  const last = (tail.stdout + tail.stderr).replace(/^[\s\S]*\n(?=[^\n]*$)/, '');
  if (last !== '' && !(tail.stdout + tail.stderr).endsWith('\n')) options.onLog?.(host, last.replace(/\r$/, ''));
}

/** Splits a stream into lines for onLog; `flush` passes on a last line that has no newline (and says whether there was one). */
function lineSplitter(host: string, options: LocalTrainingOptions): { push: (chunk: string) => void; flush: () => boolean } {
  let pending = '';
  return {
    push: (chunk) => {
      pending += chunk;
      const parts = pending.split('\n');
      pending = parts.pop() ?? '';
      for (const line of parts) options.onLog?.(host, line.replace(/\r$/, ''));
    },
    flush: () => {
      const had = pending !== '';
      if (had) options.onLog?.(host, pending.replace(/\r$/, ''));
      pending = '';
      return had;
    },
  };
}

/** The failure file wins over the exit code as FailureReason (`AlgorithmError: <file>`, 1024 characters at most), then artifacts are packed. */
async function finish(
  job: TrainingJob,
  options: LocalTrainingOptions,
  name: string,
  root: string,
  folders: readonly string[],
  outcome: Outcome,
): Promise<{ result: LocalTrainingResult; keptFolders: boolean }> {
  let failureReason = outcome.failureReason;
  if (outcome.status === 'Failed' && !failureReason?.startsWith('ClientError')) {
    const ordered = outcome.failedHost ? [...folders].sort((a) => (path.basename(a) === outcome.failedHost ? -1 : 0)) : folders;
    const written = ordered.map((folder) => readFailureFile(path.join(folder, 'output', 'failure'))).find((text) => text !== undefined);
    if (written !== undefined) failureReason = `AlgorithmError: ${written}`.slice(0, FAILURE_REASON_LIMIT);
  }
  const stoppedByRuntime =
    outcome.status === 'Stopped' && outcome.maxRuntimeExceeded ? ({ secondaryStatus: 'MaxRuntimeExceeded', statusMessage: MAX_RUNTIME_MESSAGE } as const) : {};
  const outputRoot = options.outputDir ?? job.output.local ?? path.join(path.dirname(job.file), 'output');
  try {
    const artifacts = await packArtifacts(folders, outputRoot, name);
    return {
      result: { jobName: name, status: outcome.status, ...stoppedByRuntime, failureReason, exitCodes: outcome.exitCodes, artifacts },
      keptFolders: false,
    };
  } catch (error) {
    // As on SageMaker, a job whose model cannot be saved has failed; its files stay where they are.
    const problem = `Could not pack the artifacts into ${outputRoot}: ${(error as Error).message}; the hosts' folders are kept in ${root}.`;
    if (outcome.status === 'Failed') options.onWarning?.(problem);
    const reason = outcome.status === 'Failed' ? failureReason : problem;
    return { result: { jobName: name, status: 'Failed', failureReason: reason, exitCodes: outcome.exitCodes }, keptFolders: true };
  }
}

/**
 * The start of the failure file the program wrote, or undefined. The folder is the container's to
 * change: a link in the file's place would name a file of this machine, so only a regular file is
 * read (O_NOFOLLOW refuses a link; O_NONBLOCK keeps a FIFO from hanging the run).
 */
function readFailureFile(file: string): string | undefined {
  let fd: number;
  try {
    fd = fs.openSync(file, fs.constants.O_RDONLY | (fs.constants.O_NOFOLLOW ?? 0) | (fs.constants.O_NONBLOCK ?? 0));
  } catch {
    // None written, a link (ELOOP), or unreadable (written as root with mode 0600): the exit code is the reason.
    return undefined;
  }
  try {
    if (!fs.fstatSync(fd).isFile()) return undefined;
    // A character takes at most 4 bytes in UTF-8: enough bytes for the reason's 1024 characters.
    const bytes = Buffer.alloc(FAILURE_REASON_LIMIT * 4);
    const read = fs.readSync(fd, bytes, 0, bytes.length, 0);
    return bytes.subarray(0, read).toString('utf8').slice(0, FAILURE_REASON_LIMIT);
  } finally {
    fs.closeSync(fd);
  }
}
