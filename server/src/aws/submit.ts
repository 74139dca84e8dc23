import { randomBytes } from 'node:crypto';
import * as path from 'node:path';
import { CreateTrainingJobCommand, type CreateTrainingJobRequest } from '@aws-sdk/client-sagemaker';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { jobName, type TrainingJob } from '../job/trainingJob';
import { lintErrorSummary, lintJobDockerfile } from '../job/lintJob';
import type { LintFinding } from '../linter';
import { buildImage } from '../local/build';
import { docker } from '../local/docker';
import type { AwsClients } from './awsClients';
import { AwsCommandError, awsCall, errorName, explainAwsError, required } from './awsErrors';
import { pushImage } from './ecrPush';
import { parseImageReference } from './imageReference';
import { defaultBucketName, ensureBucket, uploadChannel, type UploadProgress } from './inputUpload';
import { checkTrainingJobRequest } from './requestLimits';
import { createTrainingJobRequest } from './trainingRequest';

export type SubmitStep = 'identity' | 'lint' | 'build' | 'push' | 'upload' | 'submit';

export interface SubmitOptions {
  /** Overrides the job file's roleArn. */
  readonly roleArn?: string;
  /** False when the caller built the image already (the editor builds with its own prompts). Default true. */
  readonly build?: boolean;
  /** Submit even when the Dockerfile has lint errors. */
  readonly force?: boolean;
  readonly onStep?: (step: SubmitStep, message: string) => void;
  /** Build and push output, line by line. */
  readonly onOutput?: (line: string) => void;
  readonly onUpload?: (progress: UploadProgress) => void;
  readonly onWarning?: (message: string) => void;
  /** Lint findings before the build; errors stop the submission unless `force`. */
  readonly onLint?: (findings: readonly LintFinding[]) => void;
  readonly signal?: AbortSignal;
  /** For tests: the clock that names the job. */
  readonly now?: () => Date;
}

export interface SubmittedJob {
  readonly name: string;
  readonly arn: string;
  readonly region: string;
  readonly request: CreateTrainingJobRequest;
}

/** The Dockerfile has errors that would fail the job; nothing was built or sent. */
export class LintGateError extends Error {}

const NAME_ATTEMPTS = 3;

/**
 * Sends a job file to SageMaker the way a person would by hand, in one go: a local image is
 * linted, built and pushed to ECR (and sent by digest); local input folders are uploaded to
 * the default bucket; the request is checked against the API's limits; a taken name is
 * replaced with a new one.
 */
export async function submitTrainingJob(clients: AwsClients, job: TrainingJob, options: SubmitOptions = {}): Promise<SubmittedJob> {
  const step = options.onStep ?? (() => {});
  const roleArn = options.roleArn ?? job.roleArn;
  if (!roleArn) {
    throw new AwsCommandError(
      `No execution role for the job: add "roleArn": "arn:aws:iam::<account>:role/<name>" to ${path.basename(job.file)}, or pass --role. SageMaker runs the job as this role; it needs access to the image, the input data and the output path.`,
      'invalid',
    );
  }
  step('identity', `Checking the AWS credentials (${clients.target.profile ?? 'default chain'}, ${clients.target.region})`);
  const identity = await awsCall('GetCallerIdentity', clients.target, () => clients.sts.send(new GetCallerIdentityCommand({})));
  const account = required(identity.Account, 'Account');
  const image = await imageForJob(clients, job, options);
  const bucket = defaultBucketName(clients.target.region, account);
  const channels = await placeInputs(clients, job, bucket, options);
  const outputPath = job.output.s3 ?? `s3://${bucket}/`;
  if (!job.output.s3) await ensureBucket(clients, bucket);
  const now = options.now ?? (() => new Date());
  let name = jobName(job.baseJobName, now());
  for (let attempt = 1; ; attempt++) {
    const request = createTrainingJobRequest(job, { name, image, roleArn, channels, outputPath });
    const problems = checkTrainingJobRequest(request);
    problems.warnings.forEach((warning) => options.onWarning?.(warning));
    if (problems.errors.length > 0) throw new AwsCommandError(`The job cannot be submitted:\n  ${problems.errors.join('\n  ')}`, 'invalid');
    step('submit', `Creating training job ${name}`);
    try {
      const created = await clients.sagemaker.send(new CreateTrainingJobCommand(request), { abortSignal: options.signal });
      return { name, arn: required(created.TrainingJobArn, 'TrainingJobArn'), region: clients.target.region, request };
    } catch (error) {
      // Names are unique per account and region forever; another submission took this one.
      if (errorName(error) !== 'ResourceInUse' || attempt === NAME_ATTEMPTS) throw explainAwsError(error, 'CreateTrainingJob', clients.target);
      name = jobName(job.baseJobName, now(), randomBytes(3).toString('hex'));
    }
  }
}

/** The image the job runs: one already in a registry as it is; a local one built and pushed, by digest. */
async function imageForJob(clients: AwsClients, job: TrainingJob, options: SubmitOptions): Promise<string> {
  if (parseImageReference(job.image).registry !== undefined) return job.image;
  const step = options.onStep ?? (() => {});
  if (options.build !== false) {
    step('lint', `Linting ${job.build.dockerfile}`);
    const findings = lintJobDockerfile(job);
    options.onLint?.(findings);
    const errors = findings.filter((finding) => finding.severity === 'error').length;
    if (errors > 0 && !options.force) {
      throw new LintGateError(`${lintErrorSummary(errors, path.basename(job.build.dockerfile))}. Fix them first, or submit anyway with --force.`);
    }
    step('build', `Building ${job.image} for ${job.build.platform}`);
    await buildImage(job, {
      onOutput: (chunk) =>
        chunk
          .split('\n')
          .filter(Boolean)
          .forEach((line) => options.onOutput?.(line)),
      signal: options.signal,
    });
  }
  await checkArchitecture(job.image);
  step('push', `Pushing ${job.image} to Amazon ECR`);
  const pushed = await pushImage(clients, { image: job.image, repository: job.repository, onProgress: options.onOutput, signal: options.signal });
  step('push', `Pushed ${pushed.digestUri}`);
  return pushed.digestUri;
}

/** Training instances are x86_64: an arm64 image from a laptop fails there with "exec format error". */
async function checkArchitecture(image: string): Promise<void> {
  const inspected = await docker(['image', 'inspect', '--format', '{{.Os}}/{{.Architecture}}', image]);
  const platform = inspected.stdout.trim();
  if (inspected.code === 0 && platform && platform !== 'linux/amd64') {
    throw new AwsCommandError(
      `${image} is a ${platform} image, but SageMaker training instances run linux/amd64 (the job would fail with "exec format error"). Rebuild it for linux/amd64 ("build": {"platform": "linux/amd64"} in sagemaker-job.json, the default).`,
      'invalid',
    );
  }
}

async function placeInputs(clients: AwsClients, job: TrainingJob, bucket: string, options: SubmitOptions): Promise<Record<string, string>> {
  const channels: Record<string, string> = {};
  const local = job.inputs.filter((input) => input.source.kind === 'local');
  if (local.length > 0) {
    options.onStep?.('upload', `Uploading ${local.length} input channel${local.length === 1 ? '' : 's'} to s3://${bucket}/`);
    await ensureBucket(clients, bucket);
  }
  for (const input of job.inputs) {
    if (input.source.kind === 's3') {
      channels[input.name] = input.source.uri;
      continue;
    }
    const upload = await uploadChannel(clients, input.name, input.source.path, bucket, `smct/inputs/${job.baseJobName}`, options.onUpload, options.signal);
    options.onStep?.(
      'upload',
      `${input.name}: ${upload.uploaded ? 'uploaded' : 'unchanged, already'} at ${upload.s3Uri} (${upload.files} files, ${upload.bytes} bytes)`,
    );
    channels[input.name] = upload.s3Uri;
  }
  return channels;
}
