import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { servingSpec } from '../../../core/src/job/servingSection';
import type { TrainingJob } from '../../../core/src/job/trainingJob';
import { docker, imageExists } from '../../../core/src/local/docker';
import { runLocalTraining } from '../../../core/src/local/localTraining';
import type { RegistryInfo } from './ecr';
import type { RunnerContext, RunnerResult, TrainingJobInfo, TrainingRunner } from './training';
import { isSmctError } from '../../../core/src/errors';

export interface ScriptedRunnerOptions {
  /** The lines each host prints; by default a short training log. */
  readonly lines?: readonly string[] | ((host: string) => readonly string[]);
  /** The pause after each line (default 5 ms), so that readers can follow a job that is running. */
  readonly delayMs?: number;
  /** Fails the job with this FailureReason after the lines. */
  readonly failureReason?: string;
  /** After the lines, runs until stopped (StopTrainingJob, MaxRuntimeInSeconds). */
  readonly untilStopped?: boolean;
  /** Files written into /opt/ml/model, packed into model.tar.gz. */
  readonly modelFiles?: Readonly<Record<string, string>>;
}

const DEFAULT_LINES = ['Starting training', 'epoch 1: loss=0.90', 'epoch 2: loss=0.45', 'Training finished'];

/**
 * A job's life without Docker: every host prints its lines (side by side, a pause after each),
 * then the job completes, fails with the given reason, or runs until it is stopped. A stop ends
 * it at once, with a last line from each host, as a container that handles SIGTERM would.
 */
export function scriptedRunner(options: ScriptedRunnerOptions = {}): TrainingRunner {
  const delay = options.delayMs ?? 5;
  const linesOf = (host: string): readonly string[] => (typeof options.lines === 'function' ? options.lines(host) : (options.lines ?? DEFAULT_LINES));
  return async (job, context) => {
    context.training();
    await Promise.all(
      job.hosts.map(async (host) => {
        for (const line of linesOf(host)) {
          if (context.signal.aborted) return;
          context.log(host, line);
          await pause(delay, context.signal);
        }
      }),
    );
    if (options.untilStopped && !context.signal.aborted) await new Promise((resolve) => context.signal.addEventListener('abort', resolve, { once: true }));
    for (const [name, content] of Object.entries(options.modelFiles ?? {})) {
      fs.mkdirSync(path.dirname(path.join(context.modelDir, name)), { recursive: true });
      fs.writeFileSync(path.join(context.modelDir, name), content);
    }
    if (context.signal.aborted) {
      for (const host of job.hosts) context.log(host, 'Received SIGTERM: stopping');
      return { status: 'Stopped' };
    }
    return options.failureReason !== undefined ? { status: 'Failed', failureReason: options.failureReason } : { status: 'Completed' };
  };
}

function pause(ms: number, signal: AbortSignal): Promise<void> {
  return sleep(ms, undefined, { signal }).catch(() => undefined);
}

export interface DockerRunnerOptions {
  /**
   * Pull the TrainingImage from the registry first, as SageMaker does (default true): an image that
   * was never pushed fails the job. False runs an image already on this machine.
   */
  readonly pull?: boolean;
  /** The grace period between SIGTERM and SIGKILL when a job is stopped (SageMaker's is 120 s). */
  readonly stopTimeoutSeconds?: number;
  /** The platform the containers are created for (default linux/amd64, as on SageMaker). */
  readonly platform?: string;
  /** Problems that do not change the outcome (a folder the container's root could not let go of). */
  readonly onWarning?: (message: string) => void;
}

/**
 * Runs the submitted image for real, through the project's local runner (`runLocalTraining`): the
 * image is pulled from the registry standing in for ECR (a fresh Docker config for the login, the
 * password on stdin, the config removed afterwards), the channels are the folders the emulator
 * downloaded, and the packed model.tar.gz and output.tar.gz are left for the emulator to upload.
 */
export function dockerRunner(options: DockerRunnerOptions = {}): TrainingRunner {
  return async (job, context) => {
    const image = job.request.AlgorithmSpecification?.TrainingImage;
    if (!image) return { status: 'Failed', failureReason: 'ClientError: The AWS emulator runs a TrainingImage; AlgorithmName is not supported.' };
    if (options.pull === false) return runImage(job, context, options);
    const pulled = await pullForRun(image, context.registry, context.killSignal);
    try {
      if (pulled.failure && context.killSignal.aborted) return { status: 'Stopped' };
      if (pulled.failure) return { status: 'Failed', failureReason: pulled.failure };
      return await runImage(job, context, options);
    } finally {
      await pulled.release();
    }
  };
}

/** An image pulled for one training job or endpoint container. */
export interface PulledImage {
  /** Why the image could not be pulled (a FailureReason in SageMaker training's words), or undefined once it is here. */
  readonly failure?: string;
  /** Removes the image again when this pull brought it; one that was here already (a local tag the product pushed) stays. */
  release(): Promise<void>;
}

/**
 * Pulls `image` from the registry standing in for ECR (pullImage) for one run, and says how to let
 * go of it when the run is over: the training runner releases it when the job ends, the endpoint
 * runner when the endpoint's container stops.
 */
export async function pullForRun(image: string, registry: RegistryInfo | undefined, signal?: AbortSignal): Promise<PulledImage> {
  const wasHere = await imageExists(image).catch(() => true);
  const failure = await pullImage(image, registry, signal).catch((error: Error) => `InternalServerError: ${error.message}`);
  let released: Promise<void> | undefined;
  return {
    failure,
    release: () =>
      (released ??= wasHere
        ? Promise.resolve()
        : docker(['rmi', image]).then(
            () => undefined,
            () => undefined,
          )),
  };
}

/** The job on the local runner, its packed artifacts left for the emulator to upload. */
async function runImage(job: TrainingJobInfo, context: RunnerContext, options: DockerRunnerOptions): Promise<RunnerResult> {
  if (context.signal.aborted) return { status: 'Stopped' };
  context.training();
  try {
    const result = await runLocalTraining(localJob(job, context, options), {
      onLog: context.log,
      signal: context.signal,
      killSignal: context.killSignal,
      jobName: job.name,
      stopTimeoutSeconds: options.stopTimeoutSeconds,
      outputDir: path.join(context.workDir, 'local-output'),
      onWarning: options.onWarning,
    });
    if (result.artifacts) {
      fs.renameSync(result.artifacts.model, path.join(context.artifactsDir, 'model.tar.gz'));
      fs.renameSync(result.artifacts.output, path.join(context.artifactsDir, 'output.tar.gz'));
    }
    return { status: result.status, failureReason: result.failureReason };
  } catch (error) {
    if (isSmctError(error, 'LOCAL_RUN_FAILED')) return { status: 'Failed', failureReason: `ClientError: ${error.message}` };
    throw error;
  }
}

/** The CreateTrainingJob request as the local runner's TrainingJob, reading the downloaded channels. */
export function localJob(job: TrainingJobInfo, context: RunnerContext, options: DockerRunnerOptions = {}): TrainingJob {
  const request = job.request;
  const spec = request.AlgorithmSpecification;
  return {
    file: path.join(context.workDir, 'sagemaker-job.json'),
    baseJobName: job.name,
    image: spec?.TrainingImage as string,
    build: { dockerfile: path.join(context.workDir, 'Dockerfile'), context: context.workDir, buildArgs: {}, platform: options.platform ?? 'linux/amd64' },
    hyperparameters: request.HyperParameters ?? {},
    environment: request.Environment ?? {},
    inputs: (request.InputDataConfig ?? []).map((channel) => ({
      name: channel.ChannelName,
      source: { kind: 'local' as const, path: context.inputs[channel.ChannelName] },
      contentType: channel.ContentType,
      inputMode: (channel.InputMode ?? spec?.TrainingInputMode ?? 'File') as 'File' | 'FastFile' | 'Pipe',
      distribution: channel.DataSource.S3DataSource?.S3DataDistributionType ?? 'FullyReplicated',
      // The emulator downloaded the channel's objects into this folder.
      s3DataType: 'S3Prefix' as const,
      recordWrapperType: channel.RecordWrapperType ?? 'None',
    })),
    output: { local: path.join(context.workDir, 'local-output'), compression: request.OutputDataConfig.CompressionType ?? 'GZIP' },
    instanceType: request.ResourceConfig?.InstanceType ?? 'ml.m5.xlarge',
    instanceCount: job.hosts.length,
    volumeSizeGB: request.ResourceConfig?.VolumeSizeInGB ?? 30,
    maxRuntimeSeconds: request.StoppingCondition?.MaxRuntimeInSeconds ?? 86400,
    maxWaitSeconds: request.StoppingCondition?.MaxWaitTimeInSeconds,
    stopTimeoutSeconds: options.stopTimeoutSeconds ?? 120,
    spot: request.EnableManagedSpotTraining ?? false,
    checkpoints: request.CheckpointConfig
      ? { s3Uri: request.CheckpointConfig.S3Uri, localPath: request.CheckpointConfig.LocalPath ?? '/opt/ml/checkpoints/' }
      : undefined,
    containerEntrypoint: spec?.ContainerEntrypoint,
    containerArguments: spec?.ContainerArguments,
    roleArn: request.RoleArn,
    region: job.region,
    tags: Object.fromEntries((request.Tags ?? []).map((tag) => [tag.Key, tag.Value])),
    serving: servingSpec(undefined, context.workDir, { image: spec?.TrainingImage as string, baseJobName: job.name }),
  };
}

/**
 * `docker pull` from the registry as SageMaker pulls from ECR; a failure reason, or undefined.
 * The login goes into a Docker config of its own (never the user's), the password on stdin.
 */
export async function pullImage(image: string, registry: RegistryInfo | undefined, signal?: AbortSignal): Promise<string | undefined> {
  if (!registry) return `ClientError: The AWS emulator has no registry to pull the training image ${image} from.`;
  if (!image.startsWith(`${registry.endpoint}/`)) {
    return `ClientError: The training image ${image} is not in the registry ${registry.endpoint}, where the emulated ECR keeps images.`;
  }
  // Named with this process's id, so that a test can check for what its own pulls left.
  const config = fs.mkdtempSync(path.join(os.tmpdir(), `smct-emulator-docker-${process.pid}-`));
  try {
    const login = await docker(['--config', config, 'login', '--username', registry.username ?? 'AWS', '--password-stdin', registry.endpoint], {
      input: registry.password,
      signal,
    });
    if (login.code !== 0) return `ClientError: Could not log in to the registry ${registry.endpoint}: ${firstLine(login.stderr)}`;
    const pulled = await docker(['--config', config, 'pull', '--quiet', image], { signal });
    if (pulled.code !== 0) return `ClientError: The requested image ${image} does not exist or cannot be pulled: ${firstLine(pulled.stderr)}`;
    return undefined;
  } finally {
    fs.rmSync(config, { recursive: true, force: true });
  }
}

function firstLine(text: string): string {
  return text.trim().split('\n')[0] ?? '';
}
