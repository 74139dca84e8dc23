import { parseArgs } from 'node:util';
import { formatCheckText } from './check';
import { printFindings } from './jobCommands';
import { AWS_FLAGS, AWS_OPTIONS_HELP, LIST_FLAGS, clientsFor, listMax, printUsage } from './awsOptions';
import type { Io } from './io';
import { transferPrinter } from './progress';
import {
  displayPath,
  isCancellation,
  isSmctError,
  JOB_FILE_NAME,
  SmctError,
  loadAws,
  loadTrainingJob,
  sageMakerLimits,
  type AwsClients,
  type LogLine,
  type TrainingJob,
} from '../../core/src';

export const PUSH_USAGE = `Usage: smct push [--job FILE] [--image IMAGE] [--repository NAME] [--tag TAG] [--profile NAME] [--region REGION]

Pushes the job's local image to Amazon ECR: creates the repository when missing, logs Docker in
(the password goes through standard input, into a throwaway Docker config), tags and pushes,
and prints the image by digest.
${AWS_OPTIONS_HELP}
`;

export const SUBMIT_USAGE = `Usage: smct submit [--job FILE] [--role ARN] [--wait] [--force] [--profile NAME] [--region REGION]

Sends the training job to SageMaker. A local image is linted, built and pushed to ECR first; local
input folders are uploaded to s3://sagemaker-<region>-<account>/ (unchanged folders are not
uploaded again). The request is checked against the API's limits before it is sent.
  --wait               follow the job to its end: status, every instance's logs, summary
  --dry-run            print the CreateTrainingJob request submit would send (000000000000 and zeros
                       stand in for what only AWS knows) and every problem it would stop at (lint
                       errors, role, region, limits); build, push and send nothing; exit 1 on a problem
  --force              submit even when the Dockerfile has lint errors or the built image has errors (smct check)
  --poll-interval S    seconds between log reads while following (default 5)
${AWS_OPTIONS_HELP}
A job file SageMaker would refuse is not sent: every problem it has is listed, with exit code 2.
Exit codes: 0 submitted (with --wait: Completed), 1 failed, stopped or refused, 2 usage or job file
problems, 130 Ctrl-C (while following, the job goes on).
`;

export const LOGS_USAGE = `Usage: smct logs JOB [--follow] [--profile NAME] [--region REGION]

Prints a training job's CloudWatch logs, every instance's. --follow goes on until the job ends,
then prints its summary; the exit code is then 0 for Completed, 1 for Failed or Stopped.
  --poll-interval S    seconds between log reads (default 5)
${AWS_OPTIONS_HELP}
`;

export const STOP_USAGE = `Usage: smct stop JOB [--profile NAME] [--region REGION]

Stops a training job (SIGTERM, then SIGKILL after 120 s). A job that has already ended is left as it is.
${AWS_OPTIONS_HELP}
`;

export const JOBS_USAGE = `Usage: smct jobs [--max N] [--name-contains TEXT] [--json] [--profile NAME] [--region REGION]

Lists the most recent training jobs.
${AWS_OPTIONS_HELP}
`;

export async function pushCommand(argv: readonly string[], io: Io): Promise<number> {
  const { values } = parseArgs({
    args: [...argv],
    options: { ...AWS_FLAGS, job: { type: 'string' }, image: { type: 'string' }, repository: { type: 'string' }, tag: { type: 'string' } },
  });
  if (values.help) return printUsage(io, PUSH_USAGE);
  const job = values.image && !values.job ? undefined : loadTrainingJob(values.job ?? JOB_FILE_NAME);
  const image = values.image ?? job?.image ?? '';
  const clients = await clientsFor(values, job);
  try {
    io.err(`Pushing ${image} to Amazon ECR (${clients.target.region})\n`);
    const pushed = await loadAws().pushImage(clients, {
      image,
      repository: values.repository ?? job?.repository,
      tag: values.tag,
      // A job file's image is a training image; one given by --image may be for inference (arm64 allowed).
      requiredPlatform: job ? loadAws().TRAINING_PLATFORM : undefined,
      onProgress: (line) => io.err(`${line}\n`),
      signal: io.signal,
    });
    io.out(`${pushed.digestUri}\n`);
    return 0;
  } finally {
    clients.destroy();
  }
}

export async function submitCommand(argv: readonly string[], io: Io): Promise<number> {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      ...AWS_FLAGS,
      job: { type: 'string', default: JOB_FILE_NAME },
      role: { type: 'string' },
      wait: { type: 'boolean' },
      force: { type: 'boolean' },
      'dry-run': { type: 'boolean' },
      'poll-interval': { type: 'string' },
    },
  });
  if (values.help) return printUsage(io, SUBMIT_USAGE);
  const pollSeconds = pollInterval(values['poll-interval']);
  if (values['dry-run']) return dryRun(values.job, values, io);
  // What SageMaker would refuse is reported with the file's other problems, all in one run.
  const limits = sageMakerLimits({ roleArn: values.role, region: values.region, instanceTypes: loadAws().TRAINING_INSTANCE_TYPES });
  const job = loadTrainingJob(values.job, limits);
  const clients = await clientsFor(values, job);
  const dockerfile = displayPath(job.build.dockerfile);
  try {
    const submitted = await loadAws().submitTrainingJob(clients, job, {
      roleArn: values.role,
      force: values.force,
      signal: io.signal,
      onStep: (_step, message) => io.err(`${message}\n`),
      onOutput: (line) => io.err(`  ${line}\n`),
      onUpload: transferPrinter(io, 'uploaded'),
      onWarning: (message) => io.err(`smct: warning: ${message}\n`),
      onLint: (findings) => printFindings(io, dockerfile, findings),
      onCheck: (checked) => io.err(formatCheckText(checked)),
    });
    io.out(`Submitted training job ${submitted.name}\n${submitted.arn}\n`);
    if (!values.wait) {
      io.err(`Follow it with: smct logs ${submitted.name} --follow --region ${submitted.region}\n`);
      return 0;
    }
    return await follow(clients, submitted.name, pollSeconds, io, job.instanceCount);
  } finally {
    clients.destroy();
  }
}

export async function logsCommand(argv: readonly string[], io: Io): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: { ...AWS_FLAGS, follow: { type: 'boolean', short: 'f' }, 'poll-interval': { type: 'string' } },
  });
  if (values.help) return printUsage(io, LOGS_USAGE);
  const name = jobArgument(positionals, 'logs');
  const pollSeconds = pollInterval(values['poll-interval']);
  const clients = await clientsFor(values);
  try {
    const aws = loadAws();
    const job = await aws.getTrainingJob(clients, name, io.signal);
    if (values.follow) return await follow(clients, name, pollSeconds, io, aws.instanceCount(job));
    const print = linePrinter(io, aws.instanceCount(job));
    const lines = await aws.awsCall(aws.READING_LOGS, clients.target, () => new aws.TrainingLogReader(clients, name).read(io.signal));
    if (lines.length === 0) io.err(`No logs yet for ${name} (${job.TrainingJobStatus}, ${job.SecondaryStatus}): its containers have not written anything.\n`);
    lines.forEach(print);
    return 0;
  } finally {
    clients.destroy();
  }
}

export async function stopCommand(argv: readonly string[], io: Io): Promise<number> {
  const { values, positionals } = parseArgs({ args: [...argv], allowPositionals: true, options: AWS_FLAGS });
  if (values.help) return printUsage(io, STOP_USAGE);
  const name = jobArgument(positionals, 'stop');
  const clients = await clientsFor(values);
  try {
    const outcome = await loadAws().stopTrainingJob(clients, name, io.signal);
    io.out(
      outcome.stopping
        ? `Stopping training job ${name}: SageMaker sends SIGTERM, then SIGKILL after 120 s.\n`
        : outcome.status === 'Stopping'
          ? `Training job ${name} is already stopping.\n`
          : `Training job ${name} has already ended: ${outcome.status}. Nothing to stop.\n`,
    );
    return 0;
  } finally {
    clients.destroy();
  }
}

export async function jobsCommand(argv: readonly string[], io: Io): Promise<number> {
  const { values } = parseArgs({
    args: [...argv],
    options: LIST_FLAGS,
  });
  if (values.help) return printUsage(io, JOBS_USAGE);
  const max = listMax(values.max, 20);
  const clients = await clientsFor(values);
  try {
    const jobs = await loadAws().listTrainingJobs(clients, { max, nameContains: values['name-contains'], signal: io.signal });
    if (values.json) {
      io.out(`${JSON.stringify(jobs, null, 2)}\n`);
      return 0;
    }
    if (jobs.length === 0) io.err(`No training jobs in ${clients.target.region}.\n`);
    const width = Math.max(4, ...jobs.map((job) => (job.TrainingJobName ?? '').length));
    for (const job of jobs) {
      io.out(`${(job.TrainingJobName ?? '').padEnd(width)}  ${(job.TrainingJobStatus ?? '').padEnd(10)}  ${job.CreationTime?.toISOString() ?? ''}\n`);
    }
    return 0;
  } finally {
    clients.destroy();
  }
}

/**
 * The request `submit` would send and every problem it would stop at, with no AWS call: exit 1
 * when there is a problem, as `smct lint` does for a finding. A job file that cannot be read is one.
 */
async function dryRun(file: string, values: { profile?: string; region?: string; role?: string; force?: boolean }, io: Io): Promise<number> {
  let job: TrainingJob;
  try {
    job = loadTrainingJob(file);
  } catch (error) {
    if (!isSmctError(error, 'JOB_FILE_INVALID')) throw error;
    // No request can be built from this file; say all that is wrong with it, the limits too.
    io.err(`smct: ${jobFileProblemsMessage(file, values) ?? error.message}\n`);
    return 1;
  }
  const preview = await loadAws().previewSubmission(job, { roleArn: values.role, profile: values.profile, region: values.region, force: values.force });
  printFindings(io, displayPath(job.build.dockerfile), preview.lint);
  io.out(`${JSON.stringify(preview.request, null, 2)}\n`);
  for (const warning of preview.warnings) io.err(`smct: warning: ${warning}\n`);
  for (const problem of preview.problems) io.err(`smct: ${problem}\n`);
  return preview.problems.length > 0 ? 1 : 0;
}

/** The file's schema and SageMaker limit problems together, as loading it for a submission reports them. */
function jobFileProblemsMessage(file: string, values: { role?: string; region?: string }): string | undefined {
  try {
    loadTrainingJob(file, sageMakerLimits({ roleArn: values.role, region: values.region, instanceTypes: loadAws().TRAINING_INSTANCE_TYPES }));
    return undefined;
  } catch (error) {
    return isSmctError(error, 'JOB_FILE_INVALID') ? error.message : undefined;
  }
}

/** Follows a job to its end; exit code 0 only for Completed. */
async function follow(clients: AwsClients, name: string, pollSeconds: number, io: Io, instances: number): Promise<number> {
  const aws = loadAws();
  const print = linePrinter(io, instances);
  let final: Awaited<ReturnType<typeof aws.followTrainingJob>>;
  try {
    final = await aws.followTrainingJob(clients, name, {
      logIntervalMs: pollSeconds * 1000,
      // The SDK's 30 s between Describe calls, shortened with a short poll (tests, a job about to end).
      statusIntervalMs: Math.min(30_000, pollSeconds * 6000),
      signal: io.signal,
      onStatus: (update) => io.err(`${aws.statusLine(update.time, update.secondaryStatus, update.message)}\n`),
      onLog: print,
    });
  } catch (error) {
    // Ctrl-C stops following, not the job: say so, and how to come back or stop it.
    if (!isCancellation(error)) throw error;
    throw new SmctError(
      'CANCELLED',
      `stopped following ${name}; the job goes on in SageMaker. Follow it again: smct logs ${name} --follow; stop it: smct stop ${name}`,
    );
  }
  io.out(`\n${aws.summarizeTrainingJob(final).join('\n')}\n`);
  return final.TrainingJobStatus === 'Completed' ? 0 : 1;
}

function linePrinter(io: Io, instances: number): (line: LogLine) => void {
  const format = loadAws().logLineFormatter(instances);
  return (line) => io.out(`${format(line)}\n`);
}

function jobArgument(positionals: readonly string[], command: string): string {
  if (positionals.length !== 1) throw new SmctError('USAGE', `smct ${command} takes one training job name (smct jobs lists them).`);
  return positionals[0];
}

function pollInterval(value: string | undefined): number {
  if (value === undefined) return 5;
  const seconds = Number(value);
  if (!(seconds >= 0.05 && seconds <= 300)) throw new SmctError('USAGE', '--poll-interval must be a number of seconds from 0.05 to 300.');
  return seconds;
}
