import * as path from 'node:path';
import { parseArgs } from 'node:util';
import type { Io } from './io';
import { transferPrinter } from './progress';
import { JOB_FILE_NAME, SmctError, loadTrainingJob, parseDuration, startLocalEndpoint, type ModelSource } from '../../core/src';

export const SERVE_USAGE = `Usage: smct serve --local [--job FILE] [--model PATH|s3://URI] [--port N]
                   [--startup-timeout DURATION] [--profile NAME] [--region REGION]

Starts the job's serving image (the job file's "serving.image", else its image) on the local
Docker engine exactly as SageMaker hosting does: "docker run IMAGE serve", the model extracted
read-only at /opt/ml/model, the container's port 8080 published on 127.0.0.1. It is InService
once GET /ping answers 200. Ctrl-C stops it as SageMaker does (SIGTERM, SIGKILL after 30 s).

  --model PATH|s3://URI       serve this model.tar.gz or folder (default: "serving.model", else
                              the model of the job's latest "smct train --local" run)
  --port N                    the port of 127.0.0.1 (default: "serving.port", 8080); 0 picks a free one
  --startup-timeout DURATION  how long the container has to answer /ping (default 4m; 30s, 10m)
  --profile NAME              AWS profile, for a model in S3
  --region REGION             AWS region, for a model in S3

Exit codes: 130 stopped (Ctrl-C), 1 the container never became healthy or ended on its own, 2 usage error.
`;

export async function serveCommand(argv: readonly string[], io: Io): Promise<number> {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      local: { type: 'boolean' },
      job: { type: 'string', default: JOB_FILE_NAME },
      model: { type: 'string' },
      port: { type: 'string' },
      'startup-timeout': { type: 'string' },
      profile: { type: 'string' },
      region: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    io.out(SERVE_USAGE);
    return 0;
  }
  if (!values.local) throw new SmctError('USAGE', 'smct serve runs the model locally: add --local.');
  const port = values.port === undefined ? undefined : Number(values.port);
  if (port !== undefined && !(/^\d+$/.test(values.port ?? '') && port <= 65535)) throw new SmctError('USAGE', '--port must be a port number from 0 to 65535.');
  const startup = values['startup-timeout'] === undefined ? undefined : parseDuration(values['startup-timeout'], '--startup-timeout');
  const model = modelOption(values.model);
  const job = loadTrainingJob(values.job as string);
  const printDownload = transferPrinter(io, 'downloaded');
  const endpoint = await startLocalEndpoint(job, {
    model,
    port,
    startupHealthCheckSeconds: startup,
    aws: { profile: values.profile, region: values.region, jobRegion: job.region },
    signal: io.signal,
    onLog: (line) => io.out(`[serve] ${line}\n`),
    onWarning: (message) => io.err(`smct: warning: ${message}\n`),
    onStatus: (status) => io.out(`${statusLine(status, job.serving.image)}\n`),
    onDownload: (progress) => printDownload({ ...progress, channel: 'model' }),
  });
  io.out(`InService at ${endpoint.url} — Ctrl-C stops it\n`);
  const stopped = new Promise<'stopped'>((resolve) => {
    if (io.signal?.aborted) resolve('stopped');
    io.signal?.addEventListener('abort', () => resolve('stopped'), { once: true });
  });
  const outcome = await Promise.race([stopped, endpoint.ended]);
  if (outcome === 'stopped') {
    await endpoint.stop();
    io.out('Stopped.\n');
    return 130;
  }
  await endpoint.stop();
  const tail = outcome.lastLines.length > 0 ? `; its last lines:\n${outcome.lastLines.join('\n')}` : '';
  throw new SmctError('SERVE_FAILED', `The serving container ended on its own with exit code ${outcome.exitCode}${tail}`);
}

function modelOption(value: string | undefined): ModelSource | undefined {
  if (value === undefined) return undefined;
  if (value === '') throw new SmctError('USAGE', '--model needs a path or an s3:// URI.');
  return value.startsWith('s3://') ? { kind: 's3', uri: value } : { kind: 'local', path: path.resolve(value) };
}

function statusLine(status: 'Downloading' | 'Starting' | 'Waiting' | 'InService', image: string): string {
  switch (status) {
    case 'Downloading':
      return 'Creating - preparing the model';
    case 'Starting':
      return `Creating - starting ${image} serve`;
    case 'Waiting':
      return 'Creating - waiting for GET /ping to answer 200';
    case 'InService':
      return 'InService';
  }
}
