import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { formatCheckText } from './check';
import { formatText } from './formats/text';
import { toReported } from './positions';
import type { Io } from './io';
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
  type LintFinding,
} from '../../core/src';

export const BUILD_USAGE = `Usage: smct build [--job FILE] [--force]

Lints the Dockerfile, then builds the job's image with docker build (for linux/amd64 unless the
job file says otherwise), then checks the built image as "smct check" does. Lint errors stop the
build, and errors in the built image end it with exit code 1; --force goes on, and ends with 0.
`;

export const TRAIN_USAGE = `Usage: smct train --local [--job FILE] [--stop-timeout SECONDS] [--output DIR]

Runs the training job on the local Docker engine exactly as SageMaker starts it, and packs
model.tar.gz and output.tar.gz into <output>/<job name>/output/. Ctrl-C stops the job as
StopTrainingJob does (SIGTERM, then SIGKILL after the stop timeout, 120 s by default).
Exit codes: 0 Completed, 1 Failed or Stopped, 2 usage error.
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
  const job = loadTrainingJob(values.job as string);
  const result = await runLocalTraining(job, {
    onLog: (host, line) => io.out(`[${host}] ${line}\n`),
    onWarning: (message) => io.err(`smct: warning: ${message}\n`),
    signal: io.signal,
    stopTimeoutSeconds: stopTimeout,
    outputDir: values.output ? path.resolve(values.output) : undefined,
  });
  io.out(`\nTraining job ${result.jobName}: ${result.status}${result.secondaryStatus ? ` (${result.secondaryStatus}: ${result.statusMessage ?? ''})` : ''}\n`);
  if (result.failureReason) io.out(`FailureReason: ${result.failureReason}\n`);
  if (result.artifacts) io.out(`Model artifacts: ${result.artifacts.model}\nOutput data: ${result.artifacts.output}\n`);
  return result.status === 'Completed' ? 0 : 1;
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
