import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { formatCheckText } from './check';
import { formatText } from './formats/text';
import { toReported } from './positions';
import type { Io } from './io';
import { transferPrinter } from './progress';
import {
  JOB_FILE_NAME,
  SmctError,
  buildImage,
  checkImage,
  imageCheckErrors,
  imageErrorsRefusal,
  displayPath,
  passLintGate,
  loadTrainingJob,
  runLocalTraining,
  trainingSummaryLines,
  parseDuration,
  parseSize,
  type LintFinding,
} from '../../core/src';

export const BUILD_USAGE = `Usage: smct build [--job FILE] [--force]

Lints the Dockerfile, then builds the job's image with docker build (for linux/amd64 unless the
job file says otherwise), then checks the built image as "smct check" does. Lint errors stop the
build, and errors in the built image end it with exit code 1; --force goes on, and ends with 0.
`;

export const TRAIN_USAGE = `Usage: smct train --local [--job FILE] [--stop-timeout SECONDS] [--output DIR]
                   [--interrupt-after DURATION] [--cpu | --gpus N]
                   [--max-download SIZE] [--upload] [--checkpoints-from-s3]
                   [--profile NAME] [--region REGION]

Runs the training job on the local Docker engine exactly as SageMaker starts it, and packs
model.tar.gz and output.tar.gz into <output>/<job name>/output/. Ctrl-C stops the job as
StopTrainingJob does (SIGTERM, then SIGKILL after the stop timeout, 120 s by default).

Checkpoints (the job file's "checkpoints") are kept in <output>/checkpoints/<bucket>/<prefix>/:
restored into the checkpoint folder before the start, saved back at the end, as SageMaker syncs
them with their S3 URI. --checkpoints-from-s3 first makes that folder what the S3 URI holds (to
start where a real job stopped).

  --interrupt-after DURATION  rehearse a spot interruption (spot jobs): SIGTERM at that time
                              (90s, 5m, 1h30m), the stop timeout, the checkpoints saved, then the
                              job starts again from them, as SageMaker restarts it.
  --cpu                       run an instance type with GPUs on the CPU (needed when the Docker
                              engine has no NVIDIA runtime); the program sees no GPU.
  --gpus N                    give the containers N of the instance's GPUs (a machine with fewer).

Containers get the instance type's GPUs (--gpus) and half its memory as /dev/shm.

S3 channels are downloaded with your AWS credentials into a cache shared by runs (only new or
changed objects are fetched; SMCT_CACHE_DIR moves it), and mounted read-only like folders.
  --max-download SIZE         download at most this much that is not cached yet (default 10GB)
  --upload                    upload model.tar.gz and output.tar.gz to the job's S3 output path
  --profile NAME              AWS profile (default: AWS_PROFILE, then "default")
  --region REGION             AWS region (default: the job file's, AWS_REGION, then the profile's)

Exit codes: 0 Completed, 1 Failed or Stopped (or the upload asked for failed), 2 usage error.
`;

export async function buildCommand(argv: readonly string[], io: Io): Promise<number> {
  const { values } = parseArgs({
    args: [...argv],
    options: { job: { type: 'string', default: JOB_FILE_NAME }, force: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help) {
    io.out(BUILD_USAGE);
    return 0;
  }
  const job = loadTrainingJob(values.job as string);
  const relative = displayPath(job.build.dockerfile);
  await passLintGate(job, { force: values.force, action: 'build', onFindings: (findings) => printFindings(io, relative, findings), signal: io.signal });
  io.out(`Building ${job.image} for ${job.build.platform} from ${relative}\n`);
  await buildImage(job, { onOutput: (chunk) => io.out(chunk), signal: io.signal });
  io.out(`Built ${job.image}.\n`);
  const checked = await checkImage(job.image, { containerEntrypoint: job.containerEntrypoint, containerArguments: job.containerArguments, signal: io.signal });
  io.out(formatCheckText(checked));
  const errors = imageCheckErrors(checked);
  if (errors > 0 && !values.force) {
    throw new SmctError('IMAGE_ERRORS', imageErrorsRefusal(job.image, errors, 'build'));
  }
  return 0;
}

export async function trainCommand(argv: readonly string[], io: Io): Promise<number> {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      local: { type: 'boolean' },
      job: { type: 'string', default: JOB_FILE_NAME },
      'stop-timeout': { type: 'string' },
      output: { type: 'string' },
      'interrupt-after': { type: 'string' },
      cpu: { type: 'boolean' },
      gpus: { type: 'string' },
      'max-download': { type: 'string' },
      upload: { type: 'boolean' },
      'checkpoints-from-s3': { type: 'boolean' },
      profile: { type: 'string' },
      region: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    io.out(TRAIN_USAGE);
    return 0;
  }
  if (!values.local) throw new SmctError('USAGE', 'smct train runs jobs locally: add --local (smct submit sends them to SageMaker).');
  const stopTimeout = values['stop-timeout'] === undefined ? undefined : Number(values['stop-timeout']);
  if (stopTimeout !== undefined && !(Number.isInteger(stopTimeout) && stopTimeout >= 0)) {
    throw new SmctError('USAGE', '--stop-timeout must be a whole number of seconds.');
  }
  const interruptAfter = values['interrupt-after'] === undefined ? undefined : parseDuration(values['interrupt-after'], '--interrupt-after');
  const gpus = values.gpus === undefined ? undefined : Number(values.gpus);
  if (gpus !== undefined && !(Number.isInteger(gpus) && gpus >= 1)) throw new SmctError('USAGE', '--gpus must be a whole number of GPUs, 1 or more.');
  const maxDownload = values['max-download'] === undefined ? undefined : parseSize(values['max-download'], '--max-download');
  const job = loadTrainingJob(values.job as string);
  const result = await runLocalTraining(job, {
    onLog: (host, line) => io.out(`[${host}] ${line}\n`),
    onWarning: (message) => io.err(`smct: warning: ${message}\n`),
    onNotice: (message) => io.err(`smct: ${message}\n`),
    onStatus: (transition) => io.out(`${transition.status} - ${transition.message}\n`),
    signal: io.signal,
    stopTimeoutSeconds: stopTimeout,
    outputDir: values.output ? path.resolve(values.output) : undefined,
    interruptAfterSeconds: interruptAfter,
    cpu: values.cpu,
    gpus,
    aws: { profile: values.profile, region: values.region, jobRegion: job.region },
    maxDownloadBytes: maxDownload,
    onDownload: transferPrinter(io, 'downloaded'),
    upload: values.upload,
    checkpointsFromS3: values['checkpoints-from-s3'],
  });
  io.out(`\n${trainingSummaryLines(result).join('\n')}\n`);
  // An upload that was asked for and failed (said as a warning) fails the command, not the job.
  return result.status === 'Completed' && (!values.upload || result.uploaded) ? 0 : 1;
}

/** Lint findings as `smct lint` prints them, on stderr: the build's own output goes to stdout. */
export function printFindings(io: Io, dockerfile: string, findings: readonly LintFinding[]): void {
  if (findings.length === 0) return;
  io.err(
    formatText(
      findings.map((finding) => toReported(dockerfile, finding)),
      1,
    ),
  );
}
