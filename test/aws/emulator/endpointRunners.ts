import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { servingSpec } from '../../../core/src/job/servingSection';
import { startLocalEndpoint } from '../../../core/src/serving/localEndpoint';
import type { S3Reader } from '../../../core/src/local/channels/types';
import type { EndpointInfo, EndpointRunner, EndpointRunnerContext, RunningEndpoint } from './hosting';
import { localJob } from './runners';

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

/**
 * The serving image for real, through the project's local serving (startLocalEndpoint): the
 * model comes from the emulator's S3, the container's lines go to the endpoint's log group.
 */
export function dockerEndpointRunner(): EndpointRunner {
  return async (endpoint, context): Promise<RunningEndpoint> => {
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
    const job = {
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
    const local = await startLocalEndpoint(job, { port: 0, onLog: context.log, signal: context.signal, s3: () => emulatorS3(context) });
    return { url: local.url, stop: () => local.stop(5) };
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
