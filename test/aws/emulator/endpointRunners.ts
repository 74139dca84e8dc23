import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { servingSpec } from '../../../core/src/job/servingSection';
import { PING_FAILURE, startLocalEndpoint } from '../../../core/src/serving/localEndpoint';
import type { TrainingJob } from '../../../core/src/job/trainingJob';
import { isSmctError } from '../../../core/src/errors';
import type { S3Reader } from '../../../core/src/local/channels/types';
import { pingFailure, type EndpointInfo, type EndpointRunner, type EndpointRunnerContext, type RunningEndpoint } from './hosting';
import { localJob, pullForRun } from './runners';

export interface ScriptedEndpointOptions {
  /** False: /ping answers 500 for ever, so the endpoint fails its health check. Default true. */
  readonly healthy?: boolean | ((endpoint: EndpointInfo) => boolean);
  /** The lines the container prints when it starts. */
  readonly lines?: readonly string[];
}

/**
 * A serving container without Docker: a node:http server on 127.0.0.1 answering GET /ping and
 * POST /invocations as the serving test image does (test/fixtures/serving/serve.py): the body in
 * upper case after the model's address, and 500 for a body that contains FAIL.
 */
export function scriptedEndpointRunner(options: ScriptedEndpointOptions = {}): EndpointRunner {
  return async (endpoint, context) => {
    const healthy = typeof options.healthy === 'function' ? options.healthy(endpoint) : (options.healthy ?? true);
    for (const line of options.lines ?? ['Starting the inference server', 'Listening on port 8080']) context.log(line);
    const model = endpoint.model.PrimaryContainer?.ModelDataUrl ?? '';
    const server = http.createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        if (request.url === '/ping') {
          response.writeHead(healthy ? 200 : 500).end();
          return;
        }
        const body = Buffer.concat(chunks).toString('utf8');
        if (request.method !== 'POST' || request.url !== '/invocations') response.writeHead(404).end();
        else if (body.includes('FAIL')) {
          context.log(`invocation failed: ${body}`);
          response.writeHead(500, { 'content-type': 'text/plain' }).end(`model failed on: ${body}`);
        } else response.writeHead(200, { 'content-type': 'text/plain' }).end(`${model} ${body.toUpperCase()}`);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return {
      url,
      stop: () =>
        new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        }),
    };
  };
}

export interface DockerEndpointRunnerOptions {
  /**
   * Pull the model's Image from the registry first, as SageMaker hosting does (default true): an
   * image that was never pushed fails the endpoint. False serves an image already on this machine.
   */
  readonly pull?: boolean;
  /** The container's startup health-check window instead of the variant's (SageMaker's minimum is 60 s; tests shorten it). */
  readonly startupHealthCheckSeconds?: number;
  /** The grace period between SIGTERM and SIGKILL when the container stops (default 5 s; SageMaker's is 30 s). */
  readonly stopGraceSeconds?: number;
}

/**
 * SageMaker's FailureReason for an image it cannot pull, as the console showed it
 * (aws/amazon-sagemaker-examples#275).
 */
export const imagePullFailure = (variant: string): string =>
  `Please make sure all images included in the model for the production variant ${variant} exist, and that the execution role used to create the model has permissions to access them`;

/**
 * The serving image for real, through the project's local serving (startLocalEndpoint): the image
 * is pulled from the registry standing in for ECR as the training runner pulls it (and removed
 * when the container stops, if this pull brought it), the model comes from the emulator's S3, the
 * container's lines go to the endpoint's log group. A start that fails rejects with SageMaker's
 * FailureReason; the engine's own explanation goes to the endpoint's log, where SageMaker's
 * CloudWatch Logs would hold the container's.
 */
export function dockerEndpointRunner(options: DockerEndpointRunnerOptions = {}): EndpointRunner {
  return async (endpoint, context): Promise<RunningEndpoint> => {
    const image = endpoint.model.PrimaryContainer?.Image ?? '';
    const variant = endpoint.variant.VariantName;
    const pulled = options.pull === false ? undefined : await pullForRun(image, context.registry, context.signal);
    if (pulled?.failure) {
      context.log(pulled.failure);
      await pulled.release();
      throw new Error(imagePullFailure(variant));
    }
    try {
      const local = await startLocalEndpoint(servingJob(endpoint, context), {
        port: 0,
        onLog: context.log,
        signal: context.signal,
        s3: () => emulatorS3(context),
        startupHealthCheckSeconds: options.startupHealthCheckSeconds,
      });
      let stopped: Promise<void> | undefined;
      const stop = (): Promise<void> => (stopped ??= local.stop(options.stopGraceSeconds ?? 5).finally(() => pulled?.release()));
      return { url: local.url, stop };
    } catch (error) {
      await pulled?.release();
      throw failureReason(error, variant, context);
    }
  };
}

/** The engine's start failure as SageMaker says it; the engine's own words go to the endpoint's log. */
function failureReason(error: unknown, variant: string, context: EndpointRunnerContext): unknown {
  if (!isSmctError(error, 'SERVE_FAILED') || !error.message.startsWith(PING_FAILURE)) return error;
  for (const line of error.message.split('\n')) context.log(line);
  return new Error(pingFailure(variant));
}

/** The CreateModel request as the job local serving starts. */
function servingJob(endpoint: EndpointInfo, context: EndpointRunnerContext): TrainingJob {
  const container = endpoint.model.PrimaryContainer;
  const image = container?.Image ?? '';
  const base = localJob(
    {
      name: endpoint.name,
      arn: '',
      region: endpoint.region,
      accountId: endpoint.accountId,
      hosts: ['algo-1'],
      request: {
        TrainingJobName: endpoint.name,
        RoleArn: '',
        OutputDataConfig: { S3OutputPath: 's3://unused/' },
        AlgorithmSpecification: { TrainingImage: image, TrainingInputMode: 'File' },
      },
    },
    { workDir: context.workDir, inputs: {} } as never,
  );
  return {
    ...base,
    serving: servingSpec(
      {
        image,
        model: container?.ModelDataUrl,
        mode: container?.Mode,
        environment: { ...container?.Environment },
        startupHealthCheckTimeoutSeconds: endpoint.variant.ContainerStartupHealthCheckTimeoutInSeconds,
      },
      context.workDir,
      { image, baseJobName: endpoint.name },
    ),
  };
}

/** The emulator's S3 store as local serving reads S3. */
function emulatorS3(context: EndpointRunnerContext): S3Reader {
  const object = (bucket: string, key: string) => {
    const found = context.s3.getObject(bucket, key);
    return { bucket, key, size: found.bytes.length, etag: found.etag };
  };
  return {
    list: async (bucket, prefix) => context.s3.list(bucket, prefix).map((found) => object(bucket, found.key)),
    head: async (bucket, key) => object(bucket, key),
    download: async (found, file) => {
      const { writeFile } = await import('node:fs/promises');
      await writeFile(file, context.s3.getObject(found.bucket, found.key).bytes, { flag: 'wx' });
    },
    upload: async () => {
      throw new Error('The emulator endpoint runner does not upload.');
    },
  };
}
