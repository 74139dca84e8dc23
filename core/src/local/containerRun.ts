import type { TrainingJob } from '../job/trainingJob';
import { lineSplitter } from './lineSplitter';
import { docker, dockerOk } from './docker';

export type JobStatus = 'Completed' | 'Failed' | 'Stopped';

/** What one host's container is made of. */
export interface ContainerSpec {
  readonly host: string;
  readonly container: string;
  readonly network?: string;
  /** `-v` arguments: the host's /opt/ml folders and its input channels. */
  readonly mounts: readonly string[];
  readonly labels: readonly string[];
  readonly environmentFile: string;
  /** More `docker create` options: GPUs, shared memory. */
  readonly extra: readonly string[];
}

/** `docker create` as SageMaker runs the image: the verb `train`, or ContainerEntrypoint/ContainerArguments as Docker applies them. */
export function createArgs(job: TrainingJob, spec: ContainerSpec): string[] {
  const args = ['create', '--name', spec.container, ...spec.labels, '--hostname', spec.host, '--platform', job.build.platform];
  if (spec.network) args.push('--network', spec.network, '--network-alias', spec.host);
  args.push('--env-file', spec.environmentFile, ...spec.mounts, ...spec.extra);
  const entrypoint = job.containerEntrypoint;
  if (entrypoint) args.push('--entrypoint', entrypoint[0]);
  args.push(job.image);
  if (entrypoint) args.push(...entrypoint.slice(1), ...(job.containerArguments ?? []));
  else args.push(...(job.containerArguments ?? ['train']));
  return args;
}

export interface Outcome {
  readonly status: JobStatus;
  readonly maxRuntimeExceeded?: boolean;
  /** Stopped by a rehearsed spot interruption (SIGTERM, the stop timeout), to be started again. */
  readonly interrupted?: boolean;
  readonly failureReason?: string;
  readonly exitCodes: Record<string, number>;
  /** The host whose exit failed the job: its failure file is the reason. */
  readonly failedHost?: string;
}

export interface RunOptions {
  readonly onLog?: (host: string, line: string) => void;
  readonly onWarning?: (message: string) => void;
  readonly signal?: AbortSignal;
  readonly killSignal?: AbortSignal;
  /** SIGTERM's grace period before SIGKILL (the stop timeout). */
  readonly graceSeconds: number;
  /** What is left of MaxRuntimeInSeconds. */
  readonly runtimeMs: number;
  /** A rehearsed spot interruption: SIGTERM at this time after the start. */
  readonly interruptAfterMs?: number;
}

/**
 * Starts the created containers and follows them to their end: logs line by line, a stop (the
 * signal, the max runtime, an interruption) as SageMaker's SIGTERM then SIGKILL, a failing host
 * ending the others. The exit codes and Docker's own start errors make the outcome.
 */
export async function runContainers(hosts: readonly string[], containers: readonly string[], options: RunOptions): Promise<Outcome> {
  let stopRequested = false;
  let maxRuntimeExceeded = false;
  let interrupted = false;
  /** SIGTERM was sent with a grace period (docker stop), and no SIGKILL at once (docker kill). */
  let gracefulStop = false;
  let killed = false;
  let firstFailure: string | undefined;
  const grace = options.graceSeconds;
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
    Math.min(options.runtimeMs, 2 ** 31 - 1),
  );
  let interruption: NodeJS.Timeout | undefined;
  try {
    // Started first and followed afterwards, so a stop that arrives while Docker starts them is not lost.
    await docker(['start', ...containers]);
    // The interruption's time counts from the program's start, as a spot instance is reclaimed while it trains.
    if (options.interruptAfterMs !== undefined) {
      interruption = setTimeout(() => {
        if (!stopRequested) interrupted = true;
        stop();
      }, options.interruptAfterMs);
    }
    if (stopRequested) stopAll();
    const flushes: (() => boolean)[] = [];
    const runs = hosts.map((host, i) => {
      const out = lineSplitter((line) => options.onLog?.(host, line));
      const err = lineSplitter((line) => options.onLog?.(host, line));
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
    return { status: stopRequested ? 'Stopped' : 'Completed', exitCodes, maxRuntimeExceeded, interrupted };
  } finally {
    clearTimeout(timer);
    clearTimeout(interruption);
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
async function logUnterminatedLastLine(host: string, container: string, options: RunOptions): Promise<void> {
  const tail = await docker(['logs', '--tail', '1', container]);
  const last = (tail.stdout + tail.stderr).replace(/^[\s\S]*\n(?=[^\n]*$)/, '');
  if (last !== '' && !(tail.stdout + tail.stderr).endsWith('\n')) options.onLog?.(host, last.replace(/\r$/, ''));
}
