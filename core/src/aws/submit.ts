import { randomBytes } from 'node:crypto';
import { CreateTrainingJobCommand, DescribeTrainingJobCommand, type CreateTrainingJobRequest } from '@aws-sdk/client-sagemaker';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { jobName, type TrainingJob } from '../job/trainingJob';
import type { FileProblem } from '../config/fileProblems';
import { displayPath, lintGateRefusal, lintJobDockerfile, passLintGate } from '../lint/lintGate';
import type { LintFinding } from '../lint/linter';
import { buildImage } from '../local/build';
import { checkImage, imageCheckErrors, imageErrorsRefusal, type ImageCheckResult } from '../image/imageCheck';
import type { AwsClients } from './awsClients';
import { awsCall, errorName, explainAwsError, required } from './awsErrors';
import { pushImage, TRAINING_PLATFORM } from './ecrPush';
import { ecrRegistry, parseImageReference } from './imageReference';
import { ensureBucket, uploadChannel, type UploadProgress } from './inputUpload';
import { TRAINING_INSTANCE_TYPES } from './instanceTypes';
import { draftPlacement, inputStorage, outputPath, STAND_IN_ACCOUNT, willBuild, type InputStorage } from './placement';
import { checkTrainingJobRequest } from './requestLimits';
import { createTrainingJobRequest, type PlacedJob } from './trainingRequest';
import { describeProblems } from '../config/fileProblems';
import { isCancellation, isSmctError, SmctError } from '../errors';
import { resolveAwsTarget } from './awsTarget';

export type SubmitStep = 'identity' | 'lint' | 'build' | 'check' | 'push' | 'upload' | 'submit';

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
  /** What `smct check` finds in the built image before it is pushed; errors stop the submission unless `force`. */
  readonly onCheck?: (result: ImageCheckResult) => void;
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

const NAME_ATTEMPTS = 3;

/**
 * Sends a job file to SageMaker the way a person would by hand, in one go: the request is
 * checked against the API's limits first; a local image is linted, built and pushed to ECR (and
 * sent by digest); local input folders are uploaded (to the output path's bucket, else the
 * caller's default bucket); a name taken by another job is replaced with a new one.
 */
export async function submitTrainingJob(clients: AwsClients, job: TrainingJob, options: SubmitOptions = {}): Promise<SubmittedJob> {
  const step = options.onStep ?? (() => {});
  const roleArn = requireRole(job, options);
  const now = options.now ?? (() => new Date());
  spotWarnings(job).forEach((warning) => options.onWarning?.(warning));
  // What can be checked without AWS is checked before minutes of building, pushing and uploading.
  checkRequest(job, previewTrainingJobRequest(job, roleArn, clients.target.region).request, options, true);
  step('identity', `Checking the AWS credentials (${clients.target.profile ?? 'default chain'}, ${clients.target.region})`);
  const identity = await awsCall('GetCallerIdentity', clients.target, () =>
    clients.sts.send(new GetCallerIdentityCommand({}), { abortSignal: options.signal }),
  );
  const account = required(identity.Account, 'Account');
  const image = await imageForJob(clients, job, options);
  const storage = inputStorage(job, clients.target.region, account);
  // One check (or creation) of the bucket, for the uploads and the default output alike.
  if (!job.output.s3 || job.inputs.some((input) => input.source.kind === 'local')) await ensureBucket(clients, storage.bucket, storage.owner, options.signal);
  const channels = await placeInputs(clients, job, storage, options);
  return createJob(clients, job, { image, roleArn, channels, outputPath: outputPath(job, storage) }, options, now);
}

function requireRole(job: TrainingJob, options: Pick<SubmitOptions, 'roleArn'>): string {
  const roleArn = options.roleArn ?? job.roleArn;
  if (!roleArn) throw new SmctError('REQUEST_INVALID', noRoleMessage(job));
  return roleArn;
}

function noRoleMessage(job: TrainingJob): string {
  return `No execution role for the job: add "roleArn": "arn:aws:iam::<account>:role/<name>" to ${displayPath(job.file)}, or pass --role. SageMaker runs the job as this role; it needs access to the image, the input data and the output path.`;
}

/** A job file without a role (a problem of its own) still previews a request the limits can check. */
const STAND_IN_ROLE = `arn:aws:iam::${STAND_IN_ACCOUNT}:role/no-role-given`;
/** A region is needed to name buckets and registries; without one (a problem of its own) this stands in. */
const STAND_IN_REGION = 'no-region-given';

/**
 * The CreateTrainingJob request the job file makes, with stand-ins for what only AWS can tell
 * (the account, the image digest, the upload hashes), and what the limits say of it: what
 * `smct submit` checks before anything is built or sent.
 */
export function previewTrainingJobRequest(
  job: TrainingJob,
  roleArn: string,
  region: string,
): { request: CreateTrainingJobRequest; errors: FileProblem[]; warnings: string[] } {
  const request = createTrainingJobRequest(job, draftPlacement(job, roleArn, region));
  return { request, ...checkTrainingJobRequest(request, TRAINING_INSTANCE_TYPES) };
}

export interface SubmissionPreview {
  /** The request `smct submit` would send, but for the stand-ins. */
  readonly request: CreateTrainingJobRequest;
  /** Every reason the submission would be refused: lint errors, no role, no region, limits. */
  readonly problems: readonly string[];
  readonly warnings: readonly string[];
  /** The Dockerfile's findings, when the submission would build the image. */
  readonly lint: readonly LintFinding[];
}

/**
 * `smct submit --dry-run` and "Preview Training Job Request": the request the submission would
 * send and every problem it would stop at, all at once, with no AWS call. The request is built by
 * the same code as the real one; only the stand-ins differ.
 */
export async function previewSubmission(
  job: TrainingJob,
  options: { readonly roleArn?: string; readonly profile?: string; readonly region?: string; readonly force?: boolean },
): Promise<SubmissionPreview> {
  const problems: string[] = [];
  const warnings: string[] = [];
  const region = await resolveAwsTarget({ profile: options.profile, region: options.region, jobRegion: job.region }).then(
    (target) => target.region,
    (error: unknown) => {
      if (!isSmctError(error, 'REGION_MISSING')) throw error;
      problems.push(error.message);
      return STAND_IN_REGION;
    },
  );
  const roleArn = options.roleArn ?? job.roleArn;
  if (!roleArn) problems.push(noRoleMessage(job));
  let lint: readonly LintFinding[] = [];
  if (willBuild(job) && !options.force) {
    try {
      const gate = await lintJobDockerfile(job);
      lint = gate.findings;
      if (gate.errors.length > 0) problems.push(lintGateRefusal(gate.errors.length, job.build.dockerfile, 'submit'));
    } catch (error) {
      if (!isSmctError(error)) throw error;
      problems.push(error.message);
    }
  }
  const preview = previewTrainingJobRequest(job, roleArn ?? STAND_IN_ROLE, region);
  // A limit is a problem of the job file, at its key: said as loading the file says it.
  problems.push(...preview.errors.map((problem) => describeProblems(displayPath(job.file), [problem])));
  warnings.push(...spotWarnings(job), ...preview.warnings);
  return { request: preview.request, problems, warnings, lint };
}

function spotWarnings(job: TrainingJob): string[] {
  return job.maxWaitSeconds !== undefined && !job.spot ? ['stopping.maxWaitSeconds applies to spot training only; without "spot": true it is not sent.'] : [];
}

/** The job's problems are its file's: reported as the loading of the file reports them, with the region now known. */
function checkRequest(job: TrainingJob, request: CreateTrainingJobRequest, options: SubmitOptions, draft: boolean): void {
  const problems = checkTrainingJobRequest(request, TRAINING_INSTANCE_TYPES);
  if (draft) problems.warnings.forEach((warning) => options.onWarning?.(warning));
  if (problems.errors.length > 0) throw new SmctError('JOB_FILE_INVALID', describeProblems(displayPath(job.file), problems.errors));
}

async function createJob(
  clients: AwsClients,
  job: TrainingJob,
  placed: Omit<PlacedJob, 'name'>,
  options: SubmitOptions,
  now: () => Date,
): Promise<SubmittedJob> {
  const startedAt = now();
  let name = jobName(job.baseJobName, startedAt);
  for (let attempt = 1; ; attempt++) {
    const request = createTrainingJobRequest(job, { ...placed, name });
    checkRequest(job, request, options, false);
    options.onStep?.('submit', `Creating training job ${name}`);
    try {
      const created = await clients.sagemaker.send(new CreateTrainingJobCommand(request), { abortSignal: options.signal });
      return { name, arn: required(created.TrainingJobArn, 'TrainingJobArn'), region: clients.target.region, request };
    } catch (error) {
      if (outcomeUnknown(error)) {
        // The request may have reached SageMaker and made the job: look for it before saying anything.
        const arn = await ourJobArn(clients, request, startedAt);
        if (arn) return { name, arn, region: clients.target.region, request };
        throw mayHaveBeenCreated(error, name, job, clients);
      }
      if (errorName(error) !== 'ResourceInUse') throw explainAwsError(error, 'CreateTrainingJob', clients.target);
      // The SDK retries a call whose answer was lost; the retry then finds the job its first attempt made.
      const arn = await ourJobArn(clients, request, startedAt);
      if (arn) return { name, arn, region: clients.target.region, request };
      // Names are unique per account and region forever; another submission took this one.
      if (attempt === NAME_ATTEMPTS) throw explainAwsError(error, 'CreateTrainingJob', clients.target);
      name = jobName(job.baseJobName, now(), randomBytes(3).toString('hex'));
    }
  }
}

/** Clocks differ; a job this close in time, with the same image, role, hyperparameters and output, is this submission's. */
const SAME_SUBMISSION_MS = 15 * 60 * 1000;

/**
 * Failures after which the request may have reached SageMaker: no answer in time, a connection
 * cut, AWS's own fault, an answer that could not be read, Ctrl-C. A refusal (4xx), a connection
 * never made or missing credentials mean the job was not created.
 */
function outcomeUnknown(error: unknown): boolean {
  if (isCancellation(error)) return true;
  const failure = error as { name?: string; code?: string; message?: string; $metadata?: { httpStatusCode?: number } };
  const status = failure.$metadata?.httpStatusCode ?? 0;
  if (status >= 500 || /Deserialization error/i.test(failure.message ?? '')) return true;
  if (status >= 400) return false;
  if (failure.name === 'TimeoutError') return !/establish a connection/i.test(failure.message ?? '');
  return ['ECONNRESET', 'EPIPE', 'ETIMEDOUT'].includes(failure.code ?? '') || /socket hang up/i.test(failure.message ?? '');
}

/** The failure said with what it leaves unknown, and where to look: a second submission could start a second job. */
function mayHaveBeenCreated(error: unknown, name: string, job: TrainingJob, clients: AwsClients): SmctError {
  const { region } = clients.target;
  const look = `the job may have been created: smct jobs --name-contains ${jobBase(job.baseJobName)} --region ${region} (it would be named ${name}); check before submitting again.`;
  if (isCancellation(error)) return new SmctError('CANCELLED', `cancelled while SageMaker was creating training job ${name}; ${look}`);
  const explained = explainAwsError(error, 'CreateTrainingJob', clients.target);
  const code = isSmctError(explained) ? explained.code : 'AWS_OTHER';
  return new SmctError(code, `${explained.message.replace(/\.?\s*$/, '.')} The outcome is unknown: ${look}`);
}

/** The part of a job name that its base gives, which every name of the submission contains. */
function jobBase(base: string): string {
  return jobName(base, new Date(0)).replace(/-1970-01-01-00-00-00-000$/, '');
}

/** Looking for the job after Ctrl-C must not wait on the user's aborted signal, nor for long. */
const LOOK_UP_MS = 15_000;

async function ourJobArn(clients: AwsClients, request: CreateTrainingJobRequest, startedAt: Date): Promise<string | undefined> {
  let found;
  try {
    found = await clients.sagemaker.send(new DescribeTrainingJobCommand({ TrainingJobName: request.TrainingJobName }), {
      abortSignal: AbortSignal.timeout(LOOK_UP_MS),
    });
  } catch {
    return undefined;
  }
  const same =
    found !== undefined &&
    found.AlgorithmSpecification?.TrainingImage === request.AlgorithmSpecification?.TrainingImage &&
    found.RoleArn === request.RoleArn &&
    found.OutputDataConfig?.S3OutputPath === request.OutputDataConfig?.S3OutputPath &&
    sameEntries(found.HyperParameters, request.HyperParameters) &&
    Math.abs((found.CreationTime?.getTime() ?? 0) - startedAt.getTime()) < SAME_SUBMISSION_MS;
  return same ? found?.TrainingJobArn : undefined;
}

function sameEntries(a: Record<string, string> | undefined, b: Record<string, string> | undefined): boolean {
  const sorted = (map: Record<string, string> | undefined): string => JSON.stringify(Object.entries(map ?? {}).sort(([x], [y]) => (x < y ? -1 : 1)));
  return sorted(a) === sorted(b);
}

/** The image the job runs: one already in a registry as it is; a local one built and pushed, by digest. */
async function imageForJob(clients: AwsClients, job: TrainingJob, options: SubmitOptions): Promise<string> {
  if (!willBuild(job)) {
    checkRegistry(job.image, parseImageReference(job.image).registry ?? '', clients.target.region, options);
    return job.image;
  }
  const step = options.onStep ?? (() => {});
  if (options.build !== false) {
    step('lint', `Linting ${job.build.dockerfile}`);
    await passLintGate(job, { force: options.force, action: 'submit', onFindings: options.onLint, signal: options.signal });
    step('build', `Building ${job.image} for ${job.build.platform}`);
    await buildImage(job, {
      onOutput: (chunk) =>
        chunk
          .split(/\r?\n|\r/)
          .filter((line) => line.trim() !== '')
          .forEach((line) => options.onOutput?.(line)),
      signal: options.signal,
    });
  }
  step('check', `Checking ${job.image}`);
  const checked = await checkImage(job.image, {
    containerEntrypoint: job.containerEntrypoint,
    containerArguments: job.containerArguments,
    signal: options.signal,
  });
  options.onCheck?.(checked);
  const errors = imageCheckErrors(checked);
  if (errors > 0 && !options.force) throw new SmctError('IMAGE_ERRORS', imageErrorsRefusal(job.image, errors, 'submit'));
  step('push', `Pushing ${job.image} to Amazon ECR`);
  const pushed = await pushImage(clients, {
    image: job.image,
    repository: job.repository,
    requiredPlatform: TRAINING_PLATFORM,
    onProgress: options.onOutput,
    signal: options.signal,
  });
  step('push', `Pushed ${pushed.digestUri}`);
  return pushed.digestUri;
}

/** SageMaker pulls a training image from ECR in the job's own region (or a private registry in a VPC, which smct does not set up). */
function checkRegistry(image: string, registry: string, region: string, options: SubmitOptions): void {
  const ecr = ecrRegistry(registry);
  if (ecr && ecr.region !== region) {
    throw new SmctError(
      'AWS_INVALID',
      `${image} is in Amazon ECR in ${ecr.region}, but the job goes to ${region}, and SageMaker pulls training images from its own region. Push the image there (smct push --region ${region}) or submit in ${ecr.region}.`,
    );
  }
  if (!ecr) {
    options.onWarning?.(
      `${image} is not in Amazon ECR: SageMaker pulls training images from ECR, or from a private registry in your VPC (TrainingImageConfig, which smct does not set). Use a local image name and smct pushes it to ECR.`,
    );
  }
}

async function placeInputs(clients: AwsClients, job: TrainingJob, storage: InputStorage, options: SubmitOptions): Promise<Record<string, string>> {
  const channels: Record<string, string> = {};
  const local = job.inputs.filter((input) => input.source.kind === 'local');
  if (local.length > 0) {
    options.onStep?.('upload', `Uploading ${local.length} input channel${local.length === 1 ? '' : 's'} to s3://${storage.bucket}/${storage.prefix}/`);
  }
  for (const input of job.inputs) {
    if (input.source.kind === 's3') {
      channels[input.name] = input.source.uri;
      continue;
    }
    const upload = await uploadChannel(clients, { channel: input.name, folder: input.source.path, ...storage }, options.onUpload, options.signal);
    options.onStep?.(
      'upload',
      `${input.name}: ${upload.uploaded ? 'uploaded' : 'unchanged, already'} at ${upload.s3Uri} (${upload.files} files, ${upload.bytes} bytes)`,
    );
    channels[input.name] = upload.s3Uri;
  }
  return channels;
}
