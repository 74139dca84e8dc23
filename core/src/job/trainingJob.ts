import * as path from 'node:path';
import schema from '../../../schemas/sagemaker-job.schema.json';
import type { FileProblem, LocatedProblem } from '../config/fileProblems';
import { SchemaFile } from '../config/jsonFile';
import { SmctError } from '../errors';
import { channelProblems } from './channelChecks';
import { servingProblems } from './servingChecks';
import { servingSpec, type ServingJson, type ServingSpec } from './servingSection';

/** The job file's conventional name, next to the Dockerfile. */
export const JOB_FILE_NAME = 'sagemaker-job.json';

export type InputSource = { readonly kind: 'local'; readonly path: string } | { readonly kind: 's3'; readonly uri: string };

export interface InputChannel {
  readonly name: string;
  readonly source: InputSource;
  readonly contentType?: string;
  readonly inputMode: 'File' | 'FastFile' | 'Pipe';
  readonly distribution: 'FullyReplicated' | 'ShardedByS3Key';
  /** What the source names: every object under a prefix (or file of a folder), a manifest, or an augmented manifest. */
  readonly s3DataType: 'S3Prefix' | 'ManifestFile' | 'AugmentedManifestFile';
  /** The attributes of an augmented manifest's lines that are the records. */
  readonly attributeNames?: readonly string[];
  readonly recordWrapperType: 'None' | 'RecordIO';
}

/** A training job as the job file describes it, with defaults applied and paths made absolute. */
export interface TrainingJob {
  readonly file: string;
  readonly baseJobName: string;
  readonly image: string;
  /** The ECR repository `smct push` uses; default: made from the image's name. */
  readonly repository?: string;
  readonly build: {
    readonly dockerfile: string;
    readonly context: string;
    readonly target?: string;
    readonly buildArgs: Readonly<Record<string, string>>;
    readonly platform: string;
  };
  /** As SageMaker passes them: every value a string. */
  readonly hyperparameters: Readonly<Record<string, string>>;
  readonly environment: Readonly<Record<string, string>>;
  readonly inputs: readonly InputChannel[];
  readonly output: { readonly local?: string; readonly s3?: string; readonly compression: 'GZIP' | 'NONE' };
  readonly instanceType: string;
  readonly instanceCount: number;
  readonly volumeSizeGB: number;
  readonly maxRuntimeSeconds: number;
  readonly maxWaitSeconds?: number;
  readonly stopTimeoutSeconds: number;
  readonly spot: boolean;
  readonly checkpoints?: { readonly s3Uri: string; readonly localPath: string };
  readonly containerEntrypoint?: readonly string[];
  readonly containerArguments?: readonly string[];
  readonly roleArn?: string;
  readonly region?: string;
  readonly tags: Readonly<Record<string, string>>;
  /** How the model is served (the `serving` section, defaults applied even when it is absent). */
  readonly serving: ServingSpec;
}

interface JobFileJson {
  baseJobName?: string;
  /** Required; absent only in the valid part of a file that failed its schema (see checkJobFileText). */
  image?: string;
  repository?: string;
  build?: { dockerfile?: string; context?: string; target?: string; buildArgs?: Record<string, string>; platform?: string };
  hyperparameters?: Record<string, unknown>;
  environment?: Record<string, string>;
  inputs?: Record<
    string,
    | string
    | {
        source: string;
        contentType?: string;
        inputMode?: InputChannel['inputMode'];
        distribution?: InputChannel['distribution'];
        s3DataType?: InputChannel['s3DataType'];
        attributeNames?: string[];
        recordWrapperType?: InputChannel['recordWrapperType'];
      }
  >;
  output?: { path?: string; compression?: 'GZIP' | 'NONE' };
  resources?: { instanceType?: string; instanceCount?: number; volumeSizeGB?: number };
  stopping?: { maxRuntimeSeconds?: number; maxWaitSeconds?: number; stopTimeoutSeconds?: number };
  spot?: boolean;
  checkpoints?: { s3Uri: string; localPath?: string };
  containerEntrypoint?: string[];
  containerArguments?: string[];
  roleArn?: string;
  region?: string;
  tags?: Record<string, string>;
  serving?: ServingJson;
}

const jobFile = new SchemaFile<JobFileJson>(
  schema,
  (message) => new SmctError('JOB_FILE_INVALID', message),
  (file) => `${file}: no such job file. Create one (see the README, "Build and train locally").`,
);

/**
 * More checks of a job file, on the job it describes, such as SageMaker's limits (see
 * sageMakerChecks.ts). They see only the parts the schema accepts, so that a run reports the
 * schema's problems and theirs together, each once.
 */
export type JobFileRule = (job: TrainingJob) => readonly FileProblem[];

/**
 * The job file at `file` (a path as the user gave it, which every message names), with its
 * defaults applied and paths made absolute. Every problem is thrown at once: its first syntax
 * error, or every schema problem and every problem `rule` finds.
 */
export function loadTrainingJob(file: string, rule?: JobFileRule): TrainingJob {
  const text = jobFile.read(file);
  const problems = checkJobFileText(text, rule, file);
  if (problems.length > 0) throw jobFile.fail(file, problems);
  return normalize(path.resolve(file), JSON.parse(text) as JobFileJson);
}

/**
 * Every problem of a job file's text, in file order, each with its key path and the place of
 * that key (for an editor's diagnostics); `file` only resolves the job's relative paths.
 */
export function checkJobFileText(text: string, rule?: JobFileRule, file: string = JOB_FILE_NAME): LocatedProblem[] {
  const checked = jobFile.check(text);
  if ('syntaxError' in checked) return [checked.syntaxError];
  // The channels' and serving's own rules always apply: a job that breaks them runs nowhere, locally or on SageMaker.
  const always = (job: TrainingJob): FileProblem[] => [...channelProblems(job), ...servingProblems(job)];
  const ruled = ruleProblems((job) => [...always(job), ...(rule?.(job) ?? [])], jobFile.validPart(checked.value), file);
  return checked.text.locate([...checked.problems, ...ruled]);
}

/** What the rule finds in the parts of the file the schema accepts. */
function ruleProblems(rule: JobFileRule, valid: unknown, file: string): readonly FileProblem[] {
  // The rule reads a job; a file whose top is not an object has only that problem.
  if (typeof valid !== 'object' || valid === null || Array.isArray(valid)) return [];
  return rule(normalize(path.resolve(file), valid as JobFileJson));
}

function normalize(file: string, json: JobFileJson): TrainingJob {
  const folder = path.dirname(file);
  const context = path.resolve(folder, json.build?.context ?? '.');
  const outputPath = json.output?.path ?? 'output';
  const image = json.image ?? '';
  const baseJobName = json.baseJobName ?? baseNameFromImage(image);
  return {
    file,
    baseJobName,
    image,
    repository: json.repository,
    build: {
      dockerfile: json.build?.dockerfile ? path.resolve(folder, json.build.dockerfile) : path.join(context, 'Dockerfile'),
      context,
      target: json.build?.target,
      buildArgs: json.build?.buildArgs ?? {},
      platform: json.build?.platform ?? 'linux/amd64',
    },
    hyperparameters: Object.fromEntries(Object.entries(json.hyperparameters ?? {}).map(([key, value]) => [key, hyperparameterString(value)])),
    environment: json.environment ?? {},
    inputs: Object.entries(json.inputs ?? {}).map(([name, channel]) => {
      const spec = typeof channel === 'string' ? { source: channel } : channel;
      return {
        name,
        source: spec.source.startsWith('s3://') ? { kind: 's3', uri: spec.source } : { kind: 'local', path: path.resolve(folder, spec.source) },
        contentType: spec.contentType,
        inputMode: spec.inputMode ?? 'File',
        distribution: spec.distribution ?? 'FullyReplicated',
        s3DataType: spec.s3DataType ?? 'S3Prefix',
        attributeNames: spec.attributeNames,
        recordWrapperType: spec.recordWrapperType ?? 'None',
      };
    }),
    output: outputPath.startsWith('s3://')
      ? { s3: outputPath, compression: json.output?.compression ?? 'GZIP' }
      : { local: path.resolve(folder, outputPath), compression: json.output?.compression ?? 'GZIP' },
    instanceType: json.resources?.instanceType ?? 'ml.m5.xlarge',
    instanceCount: json.resources?.instanceCount ?? 1,
    volumeSizeGB: json.resources?.volumeSizeGB ?? 30,
    maxRuntimeSeconds: json.stopping?.maxRuntimeSeconds ?? 86400,
    maxWaitSeconds: json.stopping?.maxWaitSeconds,
    stopTimeoutSeconds: json.stopping?.stopTimeoutSeconds ?? 120,
    spot: json.spot ?? false,
    checkpoints: json.checkpoints ? { s3Uri: json.checkpoints.s3Uri, localPath: json.checkpoints.localPath ?? '/opt/ml/checkpoints/' } : undefined,
    containerEntrypoint: json.containerEntrypoint,
    containerArguments: json.containerArguments,
    roleArn: json.roleArn,
    region: json.region,
    tags: json.tags ?? {},
    serving: servingSpec(json.serving, folder, { image, baseJobName }),
  };
}

/** SageMaker hyperparameters are strings: a string is sent as it is, anything else as JSON. */
export function hyperparameterString(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** `123.dkr.ecr.x.amazonaws.com/team/my_trainer:1.0` gives `my-trainer`. */
function baseNameFromImage(image: string): string {
  const repository =
    image
      .split('@')[0]
      .replace(/:[^/:]*$/, '')
      .split('/')
      .pop() ?? 'job';
  return sanitizeJobName(repository) || 'job';
}

function sanitizeJobName(name: string): string {
  return name.replace(/[^a-zA-Z0-9-]+/g, '-').replace(/^-+|-+$/g, '');
}

/**
 * A job name as the SageMaker SDK makes them: `<base>-YYYY-MM-DD-HH-MM-SS-mmm` in UTC, the base
 * shortened so the timestamp survives and the whole matches `^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$`.
 * A suffix (letters and digits) follows the timestamp: a new name after SageMaker said ResourceInUse.
 */
export function jobName(base: string, now: Date = new Date(), suffix = ''): string {
  const stamp = now
    .toISOString()
    .replace(/[-:T]/g, '-')
    .replace(/\.(\d{3})Z$/, '-$1')
    .concat(suffix ? `-${suffix}` : '');
  const clean = sanitizeJobName(base) || 'job';
  return `${clean.slice(0, 63 - stamp.length - 1).replace(/-+$/, '')}-${stamp}`;
}
