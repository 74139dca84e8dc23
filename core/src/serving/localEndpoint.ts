import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { TrainingJob } from '../job/trainingJob';
import type { ModelSource } from '../job/servingSection';
import { awsS3Reader, type S3AccessOptions } from '../local/s3Access';
import type { S3Reader } from '../local/channels/types';
import type { CacheProgress } from '../local/channels/objectCache';
import { docker, imageExists } from '../local/docker';
import { cleanUpLeftovers, FOLDER_PREFIX, forgetRunFolder, ownerFileContent, OWNER_FILE, ownerLabels, registerRunFolder } from '../local/leftovers';
import { writeEnvironmentFile } from '../local/jobValues';
import { lineSplitter } from '../local/lineSplitter';
import { SmctError } from '../errors';
import { CONTAINER_PORT, LABELS, PING_TIMEOUT_MS, SERVING_STOP_GRACE_SECONDS } from './hostingContract';
import { listeningPorts } from './listeningPorts';
import { prepareModel, type PreparedModel } from './modelSource';
import { pingOnce } from './ping';

export interface LocalEndpointOptions {
  /** Each line the container prints. */
  readonly onLog?: (line: string) => void;
  /** What the start is doing: 'Downloading' (the model), 'Starting' (the container), 'Waiting' (for /ping), 'InService'. */
  readonly onStatus?: (status: 'Downloading' | 'Starting' | 'Waiting' | 'InService') => void;
  readonly onWarning?: (message: string) => void;
  /** Aborting before InService stops the container and rejects with CANCELLED. */
  readonly signal?: AbortSignal;
  /** Serves this model instead of the job file's. */
  readonly model?: ModelSource;
  /** The host port on 127.0.0.1 (default: serving.port); 0 picks a free one. */
  readonly port?: number;
  /** Overrides serving.startupHealthCheckSeconds. */
  readonly startupHealthCheckSeconds?: number;
  /** Added to the container's environment after the job's (batch transform's SAGEMAKER_BATCH…). */
  readonly environment?: Readonly<Record<string, string>>;
  /** Who reads an S3 model; default the SDK's chain and the job's region. */
  readonly aws?: S3AccessOptions;
  /** Stands in for S3 (tests). */
  readonly s3?: () => S3Reader;
  /** Progress of an S3 model's download (only what the cache does not hold yet). */
  readonly onDownload?: (progress: CacheProgress) => void;
}

/** A serving container that answered GET /ping with 200. */
export interface LocalEndpoint {
  /** http://127.0.0.1:<port> */
  readonly url: string;
  readonly containerName: string;
  readonly image: string;
  /** Whether the image declares the multi-models capability (SAGEMAKER_MULTI_MODEL=true was set). */
  readonly multiModel: boolean;
  /** SIGTERM, SIGKILL after SageMaker's 30 s (or `graceSeconds`), then removes the container and its model folder. */
  stop(graceSeconds?: number): Promise<void>;
  /** Settles when the container ends, whoever ended it: its exit code and, for a crash, its last log lines. */
  readonly ended: Promise<{ readonly exitCode: number; readonly lastLines: readonly string[] }>;
  /** The names of the models under /opt/ml/models (multi-model endpoints), for `POST /models`. */
  readonly models?: readonly string[];
}

/** SageMaker's words when a container never passes the health check (aws/amazon-sagemaker-examples#210). */
export const PING_FAILURE = 'The primary container for production variant AllTraffic did not pass the ping health check.';

/**
 * The port a bind-to-port image is told to listen on, and the range it may take more from: not
 * 8080, so that an image which declares the label and still listens on 8080 is noticed (SageMaker
 * sets the variable for inference pipelines and multi-container endpoints, where such an image
 * fails; a single-container endpoint uses 8080, so it is served with a warning). SageMaker does
 * not document its values; these are ours, and SAGEMAKER_SAFE_PORT_RANGE excludes the bound port.
 */
export const LOCAL_BIND_TO_PORT = 9081;
export const LOCAL_SAFE_PORT_RANGE = '9082-9099';

/** How many of the container's last log lines a failure quotes. */
const LAST_LINES = 15;
/** Between two pings that were answered (or refused) at once. */
const PING_INTERVAL_MS = 250;

/**
 * Starts the job's serving image as SageMaker hosting does (`docker run IMAGE serve`, the model
 * at /opt/ml/model, port 8080 published on 127.0.0.1) and resolves once GET /ping answers 200
 * within the startup health-check window. Rejects with SERVE_FAILED, in SageMaker's words, when it
 * does not (no answer, wrong port, a crash with its last lines); nothing is left behind.
 */
export async function startLocalEndpoint(job: TrainingJob, options: LocalEndpointOptions = {}): Promise<LocalEndpoint> {
  const serving = job.serving;
  const image = serving.image;
  const windowSeconds = options.startupHealthCheckSeconds ?? serving.startupHealthCheckSeconds;
  const hostPort = options.port ?? serving.port;
  checkStartOptions(image, windowSeconds, hostPort);
  const [, present] = await Promise.all([cleanUpLeftovers(), imageExists(image)]);
  if (!present) throw new SmctError('IMAGE_MISSING', `The serving image ${image} is not on this machine: build it first (smct build).`);
  const labels = await imageLabels(image);
  const multiModel = serving.mode === 'MultiModel';
  if (multiModel && labels[LABELS.multiModels] !== 'true') {
    // SageMaker refuses CreateModel in MultiModel mode for such an image.
    throw new SmctError(
      'SERVE_FAILED',
      `The image ${image} does not declare ${LABELS.multiModels}=true: a multi-model endpoint cannot use it (add the LABEL to its Dockerfile).`,
    );
  }
  const bindToPort = labels[LABELS.acceptBindToPort] === 'true';
  const containerPort = bindToPort ? LOCAL_BIND_TO_PORT : CONTAINER_PORT;
  options.onStatus?.('Downloading');
  const model = await prepareModel(job, options.model ?? serving.model, multiModel, {
    s3: options.s3 ?? awsS3Reader({ jobRegion: job.region, ...options.aws }),
    signal: options.signal,
    onDownload: options.onDownload,
    name: job.baseJobName,
  });
  const runFolder = fs.mkdtempSync(path.join(os.tmpdir(), `${FOLDER_PREFIX}serve-${job.baseJobName.replace(/[^a-zA-Z0-9-]/g, '-')}-env-`));
  registerRunFolder(runFolder);
  fs.writeFileSync(path.join(runFolder, OWNER_FILE), ownerFileContent());
  const cleanUpFolders = (): void => {
    model.remove();
    fs.rmSync(runFolder, { recursive: true, force: true });
    forgetRunFolder(runFolder);
  };
  const container = `smct-serve-${job.baseJobName
    .toLowerCase()
    .replace(/[^a-z0-9-]/g, '-')
    .slice(0, 30)}-${randomBytes(4).toString('hex')}`;
  try {
    const environment = {
      ...serving.environment,
      ...(multiModel ? { SAGEMAKER_MULTI_MODEL: 'true' } : {}),
      ...(bindToPort ? { SAGEMAKER_BIND_TO_PORT: String(LOCAL_BIND_TO_PORT), SAGEMAKER_SAFE_PORT_RANGE: LOCAL_SAFE_PORT_RANGE } : {}),
      ...options.environment,
    };
    checkEnvironment(environment);
    const envFile = writeEnvironmentFile(runFolder, environment);
    const args = [
      ...['create', '--name', container, ...ownerLabels(container, `serve-${job.baseJobName}`), '--env-file', envFile, ...model.mounts],
      ...['-p', `127.0.0.1:${hostPort === 0 ? '' : hostPort}:${containerPort}`],
      // 8080 too (on a free port) for a bind-to-port image that ignores the variable: it works on a
      // single-container endpoint, so it is served here, with a warning.
      ...(bindToPort ? ['-p', `127.0.0.1::${CONTAINER_PORT}`] : []),
      ...[image, 'serve'],
    ];
    options.onStatus?.('Starting');
    const created = await docker(args);
    if (created.code !== 0) throw new SmctError('SERVE_FAILED', `docker could not create the serving container: ${firstLine(created.stderr)}`);
  } catch (error) {
    await removeContainer(container);
    cleanUpFolders();
    throw error;
  }
  const fallbackPort = bindToPort ? CONTAINER_PORT : undefined;
  return followStart({ job, options, image, container, containerPort, fallbackPort, hostPort, multiModel, windowSeconds, model, cleanUpFolders });
}

interface StartPlan {
  readonly job: TrainingJob;
  readonly options: LocalEndpointOptions;
  readonly image: string;
  readonly container: string;
  readonly containerPort: number;
  /** 8080, also published for a bind-to-port image, which SageMaker's single-container endpoint serves there. */
  readonly fallbackPort?: number;
  readonly multiModel: boolean;
  readonly windowSeconds: number;
  /** The port asked for on 127.0.0.1 (0: Docker picks one). */
  readonly hostPort: number;
  readonly model: PreparedModel;
  readonly cleanUpFolders: () => void;
}

/** Starts the created container, follows its logs, and waits for /ping; on any failure removes everything. */
async function followStart(plan: StartPlan): Promise<LocalEndpoint> {
  const { options, container } = plan;
  const lastLines: string[] = [];
  const onLine = (line: string): void => {
    lastLines.push(line);
    if (lastLines.length > LAST_LINES) lastLines.shift();
    options.onLog?.(line);
  };
  let removed: Promise<void> | undefined;
  const removeAll = (): Promise<void> =>
    (removed ??= (async () => {
      await removeContainer(container);
      plan.cleanUpFolders();
    })());
  // A daemon that drops between create and start rejects: the container and folders go too.
  const started = await docker(['start', container]).catch(async (error: unknown) => {
    await removeAll();
    throw error;
  });
  if (started.code !== 0) {
    await removeAll();
    if (/port is already allocated|address already in use/i.test(started.stderr)) {
      // Not the container's fault: SageMaker's words would mislead.
      throw new SmctError('SERVE_FAILED', `Port ${plan.hostPort} of 127.0.0.1 is already in use: pick another with --port (0 picks a free one).`);
    }
    throw new SmctError('SERVE_FAILED', `${PING_FAILURE} The container could not start: ${dockerStartError(started.stderr)}`);
  }
  const out = lineSplitter(onLine);
  const err = lineSplitter(onLine);
  const logs = docker(['logs', '--follow', container], { onStdout: out.push, onStderr: err.push }).then(() => {
    out.flush();
    err.flush();
  });
  const ended = docker(['wait', container]).then(async (result) => {
    await logs.catch(() => undefined);
    // `docker wait` prints nothing when the container was removed first (a forced stop): -1 then.
    const exitCode = result.code === 0 ? Number(result.stdout.trim()) : -1;
    return { exitCode, lastLines: [...lastLines] };
  });
  let exited: { exitCode: number; lastLines: readonly string[] } | undefined;
  void ended.then((value) => (exited = value)).catch(() => undefined);
  try {
    // A container that ended at once has no published port left: why it ended is the news.
    const hostUrl = async (port: number): Promise<string> =>
      `http://127.0.0.1:${await publishedPort(container, port).catch(async (error: unknown) => {
        if (await isRunning(container)) throw error;
        throw new SmctError('SERVE_FAILED', `${PING_FAILURE} ${exitDescription(await ended)}`);
      })}`;
    const urls = [await hostUrl(plan.containerPort)];
    if (plan.fallbackPort !== undefined) urls.push(await hostUrl(plan.fallbackPort));
    options.onStatus?.('Waiting');
    const url = await waitForPing(urls, plan, () => exited, ended);
    if (url !== urls[0]) options.onWarning?.(ignoredBindToPort(plan.image, url));
    options.onStatus?.('InService');
    let stopping: Promise<void> | undefined;
    return {
      url,
      containerName: container,
      image: plan.image,
      multiModel: plan.multiModel,
      models: plan.model.models,
      ended,
      stop: (graceSeconds = SERVING_STOP_GRACE_SECONDS) =>
        (stopping ??= (async () => {
          await docker(['stop', '--time', String(graceSeconds), container]).catch(() => undefined);
          await ended.catch(() => undefined);
          await removeAll();
        })()),
    };
  } catch (error) {
    await removeAll();
    await ended.catch(() => undefined);
    throw error;
  }
}

/**
 * Pings every PING_INTERVAL_MS (each attempt given SageMaker's 2 s) until a 200, the container's
 * end, the window's end, or an abort.
 */
async function waitForPing(
  urls: readonly string[],
  plan: StartPlan,
  exited: () => { exitCode: number; lastLines: readonly string[] } | undefined,
  ended: Promise<unknown>,
): Promise<string> {
  const deadline = Date.now() + plan.windowSeconds * 1000;
  let lastAnswer: string | undefined;
  // Other ports alone never fail the start: a container may open a metrics port first and 8080
  // after a long model load, which SageMaker accepts. They only explain a failure.
  let wrongPort: string | undefined;
  for (;;) {
    if (plan.options.signal?.aborted) throw new SmctError('CANCELLED', 'Stopped before the endpoint was InService.');
    let status: number | undefined;
    for (const url of urls) {
      const answer = await pingOnce(url, Math.min(PING_TIMEOUT_MS, Math.max(1, deadline - Date.now())), plan.options.signal);
      if (answer === 200) return url;
      status ??= answer;
    }
    const gone = exited();
    if (gone) throw new SmctError('SERVE_FAILED', `${PING_FAILURE} ${wrongPort ? `${wrongPort}. ` : ''}${exitDescription(gone)}`);
    if (status !== undefined) lastAnswer = `GET /ping answered ${status}`;
    const ports = await listeningPorts(plan.container).catch(() => undefined);
    if (ports && ports.length > 0 && !ports.includes(plan.containerPort)) wrongPort = wrongPortMessage(plan.containerPort, ports);
    else if (ports) wrongPort = undefined;
    if (Date.now() >= deadline) {
      const window = `the ${plan.windowSeconds} s startup health-check window`;
      const what = wrongPort
        ? `${wrongPort}.`
        : lastAnswer
          ? `${lastAnswer} until the end of ${window}.`
          : `Nothing answered GET /ping on the container's port ${plan.containerPort} within ${window}.`;
      throw new SmctError('SERVE_FAILED', `${PING_FAILURE} ${what}`);
    }
    await Promise.race([delay(Math.min(PING_INTERVAL_MS, Math.max(0, deadline - Date.now())), plan.options.signal), ended.catch(() => undefined)]);
  }
}

function ignoredBindToPort(image: string, url: string): string {
  return (
    `The image ${image} declares ${LABELS.acceptBindToPort}=true but ignores SAGEMAKER_BIND_TO_PORT=${LOCAL_BIND_TO_PORT} and listens on ${CONTAINER_PORT} ` +
    `(served here on ${url}): it works on a single-container endpoint and fails in an inference pipeline or a multi-container endpoint.`
  );
}

function wrongPortMessage(expected: number, ports: readonly number[]): string {
  const bind = expected === CONTAINER_PORT ? '' : ` (the image declares ${LABELS.acceptBindToPort}=true, so it is told SAGEMAKER_BIND_TO_PORT=${expected})`;
  return `The container listens on port ${ports.join(', ')}, not on ${expected}${bind}: make the server listen on 0.0.0.0:${expected}`;
}

function exitDescription(gone: { exitCode: number; lastLines: readonly string[] }): string {
  const tail = gone.lastLines.length > 0 ? ` Its last lines:\n${gone.lastLines.join('\n')}` : ' It printed nothing.';
  return `The container exited with code ${gone.exitCode} before it answered.${tail}`;
}

function delay(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** The host port Docker published the container's port on (it picks one for port 0). */
async function publishedPort(container: string, containerPort: number): Promise<number> {
  const result = await docker(['port', container, `${containerPort}/tcp`]);
  const match = /127\.0\.0\.1:(\d+)/.exec(result.stdout);
  if (result.code !== 0 || !match) {
    throw new SmctError('SERVE_FAILED', `Docker did not publish the container's port ${containerPort}: ${firstLine(result.stderr || result.stdout)}`);
  }
  return Number(match[1]);
}

/** Whether the container is running; false also when it is gone. */
async function isRunning(container: string): Promise<boolean> {
  const result = await docker(['container', 'inspect', '--format', '{{.State.Running}}', container]);
  return result.code === 0 && result.stdout.trim() === 'true';
}

async function imageLabels(image: string): Promise<Record<string, string>> {
  const result = await docker(['image', 'inspect', '--format', '{{json .Config.Labels}}', image]);
  if (result.code !== 0) return {};
  return (JSON.parse(result.stdout.trim() || 'null') as Record<string, string> | null) ?? {};
}

function checkStartOptions(image: string, windowSeconds: number, port: number): void {
  if (image.startsWith('-')) throw new SmctError('JOB_FILE_INVALID', `The serving image may not start with "-": ${image}`);
  if (!(windowSeconds > 0) || !Number.isFinite(windowSeconds)) {
    throw new SmctError('USAGE', `The startup health-check window must be a positive number of seconds (it is ${windowSeconds}).`);
  }
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new SmctError('USAGE', `The port must be a whole number from 0 to 65535 (it is ${port}).`);
}

/** An env file holds one variable a line (jobValues.ts): a value with a line break cannot reach the container intact. */
function checkEnvironment(environment: Readonly<Record<string, string>>): void {
  for (const [name, value] of Object.entries(environment)) {
    if (/[\r\n\0]/.test(value) || /[=\s\0]/.test(name) || name === '') {
      throw new SmctError('JOB_FILE_INVALID', `The serving environment variable ${JSON.stringify(name)} has a line break or a character Docker cannot pass.`);
    }
  }
}

/** `docker start`'s error for an image without `serve`: the OCI runtime's exec error, which is what SageMaker shows too. */
function dockerStartError(stderr: string): string {
  const exec = /exec: "[^"]*": [^:\n]*(?::[^\n]*)?/.exec(stderr);
  return exec ? exec[0].replace(/: unknown$/, '') : firstLine(stderr);
}

function firstLine(text: string): string {
  return text.trim().split('\n')[0] ?? '';
}

async function removeContainer(container: string): Promise<void> {
  await docker(['rm', '--force', '--volumes', container]).catch(() => undefined);
}
