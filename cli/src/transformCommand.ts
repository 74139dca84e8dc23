// smct transform --local: the job's batch transform on the local Docker engine, as SageMaker runs it.
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import type { Io } from './io';
import { transferPrinter } from './progress';
import {
  JOB_FILE_NAME,
  SmctError,
  displayPath,
  loadTrainingJob,
  parametersLine,
  parseSize,
  runLocalTransform,
  type LocalTransformOptions,
} from '../../core/src';

export const TRANSFORM_USAGE = `Usage: smct transform --local [--job FILE] [--input PATH|S3URI] [--output DIR]
                       [--max-download SIZE] [--profile NAME] [--region REGION]

Runs the job file's batch transform (serving.transform) on the local Docker engine as SageMaker
does: starts the serving image with SAGEMAKER_BATCH=true, asks its /execution-parameters, splits
every input file into records (splitType), sends them in batches (batchStrategy, maxPayloadInMB)
with maxConcurrentTransforms requests at a time, and writes <output>/<file>.out for each file.
A failed request fails the transform, naming the file and its records; a file whose requests did
not all succeed gets no output.
  --input PATH|S3URI     the input instead of serving.transform.input (a file, folder or s3:// prefix)
  --output DIR           the output folder instead of serving.transform.output
  --max-download SIZE    download at most this much from S3 that is not cached yet (default 10GB)
  --profile NAME         AWS profile (default: AWS_PROFILE, then "default")
  --region REGION        AWS region (default: the job file's, AWS_REGION, then the profile's)
Exit codes: 0 every file transformed, 1 the transform failed, 2 usage or job file problems.
`;

export async function transformCommand(argv: readonly string[], io: Io, extra: Partial<LocalTransformOptions> = {}): Promise<number> {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      local: { type: 'boolean' },
      job: { type: 'string', default: JOB_FILE_NAME },
      input: { type: 'string' },
      output: { type: 'string' },
      'max-download': { type: 'string' },
      profile: { type: 'string' },
      region: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    io.out(TRANSFORM_USAGE);
    return 0;
  }
  if (!values.local) throw new SmctError('USAGE', 'smct transform runs batch transforms locally: add --local.');
  const job = loadTrainingJob(values.job as string);
  const input = values.input === undefined || values.input.startsWith('s3://') ? values.input : path.resolve(values.input);
  const result = await runLocalTransform(job, {
    input,
    output: values.output === undefined ? undefined : path.resolve(values.output),
    maxDownloadBytes: values['max-download'] === undefined ? undefined : parseSize(values['max-download'], '--max-download'),
    aws: { profile: values.profile, region: values.region, jobRegion: job.region },
    onStatus: (status) => io.err(`${status}\n`),
    onLog: (line) => io.err(`[container] ${line}\n`),
    onWarning: (message) => io.err(`smct: warning: ${message}\n`),
    onParameters: (parameters) => io.out(`${parametersLine(parameters)}\n`),
    onFile: (file) => io.out(`${file.relative}: ${file.records} records in ${file.requests} requests -> ${displayPath(file.output)}\n`),
    onDownload: (progress) => transferPrinter(io, 'downloaded')({ ...progress, channel: 'input' }),
    signal: io.signal,
    ...extra,
  });
  const seconds = (result.milliseconds / 1000).toFixed(1);
  io.out(`Transform completed: ${result.files.length} files, ${result.records} records, ${result.requests} requests, 0 failures, ${seconds} s.\n`);
  return 0;
}
