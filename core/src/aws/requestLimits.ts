import { TrainingInstanceType, type CreateTrainingJobRequest } from '@aws-sdk/client-sagemaker';

/** The SDK's list, which follows the API model's enum (a test checks it holds every value of the model's). */
const TRAINING_INSTANCE_TYPES: ReadonlySet<string> = new Set(Object.values(TrainingInstanceType));

/**
 * One CreateTrainingJob constraint of the SageMaker API model. `path` walks the request in the
 * model's terms: `.Member`, `[]` for each list item, `{key}` / `{value}` for each map entry;
 * a unit test checks every row against the official model, so the table cannot drift from it.
 * The JavaScript SDK checks none of these, and SageMaker's own answer names the field in
 * camelCase only after a round trip: checking first names the job file's key instead.
 */
export interface Limit {
  readonly path: string;
  readonly min?: number;
  readonly max?: number;
  /** As in the model, unanchored; SageMaker matches the whole value. */
  readonly pattern?: string;
  /** The key of sagemaker-job.json (or command-line option) that sets the field. */
  readonly setBy: string;
}

const S3_URI = '(https|s3)://([^/]+)/?(.*)';
const TAG_TEXT = '([\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*)';
/** Java's `.`, as SageMaker matches it: any character but a line break, so a value of several lines is refused. */
const ANY_LINE = '.*';

export const CREATE_TRAINING_JOB_LIMITS: readonly Limit[] = [
  { path: 'TrainingJobName', min: 1, max: 63, pattern: '[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}', setBy: 'baseJobName' },
  { path: 'RoleArn', min: 20, max: 2048, pattern: 'arn:aws[a-z\\-]*:iam::\\d{12}:role/?[a-zA-Z_0-9+=,.@\\-_/]+', setBy: 'roleArn (or --role)' },
  { path: 'AlgorithmSpecification.TrainingImage', max: 255, pattern: ANY_LINE, setBy: 'image' },
  { path: 'AlgorithmSpecification.ContainerEntrypoint', min: 1, max: 100, setBy: 'containerEntrypoint' },
  { path: 'AlgorithmSpecification.ContainerEntrypoint[]', max: 256, pattern: ANY_LINE, setBy: 'containerEntrypoint' },
  { path: 'AlgorithmSpecification.ContainerArguments', min: 1, max: 100, setBy: 'containerArguments' },
  { path: 'AlgorithmSpecification.ContainerArguments[]', max: 256, pattern: ANY_LINE, setBy: 'containerArguments' },
  { path: 'HyperParameters', max: 100, setBy: 'hyperparameters' },
  { path: 'HyperParameters{key}', max: 256, pattern: ANY_LINE, setBy: 'hyperparameters' },
  { path: 'HyperParameters{value}', max: 2500, pattern: ANY_LINE, setBy: 'hyperparameters' },
  { path: 'Environment', max: 100, setBy: 'environment' },
  { path: 'Environment{key}', max: 512, pattern: '[a-zA-Z_][a-zA-Z0-9_]*', setBy: 'environment' },
  { path: 'Environment{value}', max: 512, pattern: '[\\S\\s]*', setBy: 'environment' },
  { path: 'InputDataConfig', min: 1, max: 20, setBy: 'inputs' },
  { path: 'InputDataConfig[].ChannelName', min: 1, max: 64, pattern: '[A-Za-z0-9\\.\\-_]+', setBy: 'inputs' },
  { path: 'InputDataConfig[].ContentType', max: 256, pattern: ANY_LINE, setBy: 'inputs' },
  { path: 'InputDataConfig[].DataSource.S3DataSource.S3Uri', max: 1024, pattern: S3_URI, setBy: 'inputs' },
  { path: 'OutputDataConfig.S3OutputPath', max: 1024, pattern: S3_URI, setBy: 'output.path' },
  { path: 'ResourceConfig.InstanceCount', min: 0, setBy: 'resources.instanceCount' },
  { path: 'ResourceConfig.VolumeSizeInGB', min: 0, setBy: 'resources.volumeSizeGB' },
  { path: 'StoppingCondition.MaxRuntimeInSeconds', min: 1, setBy: 'stopping.maxRuntimeSeconds' },
  { path: 'StoppingCondition.MaxWaitTimeInSeconds', min: 1, setBy: 'stopping.maxWaitSeconds' },
  { path: 'CheckpointConfig.S3Uri', max: 1024, pattern: S3_URI, setBy: 'checkpoints.s3Uri' },
  { path: 'CheckpointConfig.LocalPath', max: 4096, pattern: ANY_LINE, setBy: 'checkpoints.localPath' },
  { path: 'Tags', max: 50, setBy: 'tags' },
  { path: 'Tags[].Key', min: 1, max: 128, pattern: TAG_TEXT, setBy: 'tags' },
  { path: 'Tags[].Value', max: 256, pattern: TAG_TEXT, setBy: 'tags' },
];

/** The documented 28-day ceiling of MaxRuntimeInSeconds, which the model does not encode. */
const MAX_RUNTIME_SECONDS = 28 * 24 * 3600;
/** The prose limit of a hyperparameter value; the model allows 2500, so past it is a warning. */
const DOCUMENTED_HYPERPARAMETER_LENGTH = 256;

/** Names that usually hold a credential. */
const SECRET_NAME = /(secret|passw(or)?d|token|api[-_]?key|access[-_]?key|private[-_]?key|credential)/i;

export interface RequestProblems {
  readonly errors: string[];
  readonly warnings: string[];
}

/** Checks a request against every limit before it is sent; each message names the field and the job file key. */
export function checkTrainingJobRequest(request: CreateTrainingJobRequest): RequestProblems {
  const errors: string[] = [];
  for (const limit of CREATE_TRAINING_JOB_LIMITS) {
    for (const { where, value } of valuesAt(request, limit.path)) {
      const problem = violation(limit, value);
      if (problem) errors.push(`${where} ${problem} (sagemaker-job.json: ${limit.setBy}).`);
    }
  }
  const stopping = request.StoppingCondition;
  const instanceType = request.ResourceConfig?.InstanceType;
  if (instanceType !== undefined && !TRAINING_INSTANCE_TYPES.has(instanceType)) {
    errors.push(
      `ResourceConfig.InstanceType "${instanceType}" is not an instance type SageMaker trains on, such as ml.m5.xlarge or ml.g5.2xlarge (sagemaker-job.json: resources.instanceType).`,
    );
  }
  const runtime = stopping?.MaxRuntimeInSeconds ?? 0;
  if (runtime > MAX_RUNTIME_SECONDS) {
    errors.push(
      `StoppingCondition.MaxRuntimeInSeconds is ${runtime}: SageMaker allows at most 28 days (${MAX_RUNTIME_SECONDS}) (sagemaker-job.json: stopping.maxRuntimeSeconds).`,
    );
  }
  if (request.EnableManagedSpotTraining) {
    if (stopping?.MaxWaitTimeInSeconds === undefined) {
      errors.push(
        'Spot training needs StoppingCondition.MaxWaitTimeInSeconds, the longest wait for spot capacity plus the run time (sagemaker-job.json: stopping.maxWaitSeconds).',
      );
    } else if (stopping.MaxWaitTimeInSeconds < (stopping.MaxRuntimeInSeconds ?? 0)) {
      errors.push(
        `StoppingCondition.MaxWaitTimeInSeconds (${stopping.MaxWaitTimeInSeconds}) must be at least MaxRuntimeInSeconds (${stopping.MaxRuntimeInSeconds}) (sagemaker-job.json: stopping.maxWaitSeconds).`,
      );
    }
  }
  const warnings = Object.entries(request.HyperParameters ?? {})
    .filter(([, value]) => value.length > DOCUMENTED_HYPERPARAMETER_LENGTH)
    .map(
      ([key, value]) =>
        `HyperParameters["${key}"] is ${value.length} characters; the API accepts 2500, but SageMaker's documentation promises only ${DOCUMENTED_HYPERPARAMETER_LENGTH}.`,
    );
  for (const [member, map] of [
    ['HyperParameters', request.HyperParameters],
    ['Environment', request.Environment],
  ] as const) {
    for (const key of Object.keys(map ?? {}).filter((name) => SECRET_NAME.test(name))) {
      warnings.push(
        `${member}["${key}"] looks like a secret: SageMaker shows ${member} to anyone who may describe the job, and refuses requests that carry credentials. Read it from AWS Secrets Manager in the container instead.`,
      );
    }
  }
  return { errors, warnings };
}

function violation(limit: Limit, value: unknown): string | undefined {
  const size =
    typeof value === 'string'
      ? [...value].length
      : Array.isArray(value)
        ? value.length
        : typeof value === 'object' && value
          ? Object.keys(value).length
          : undefined;
  const unit = typeof value === 'string' ? 'characters' : 'entries';
  if (typeof value === 'number') {
    if (limit.min !== undefined && value < limit.min) return `is ${value}; the least allowed is ${limit.min}`;
    if (limit.max !== undefined && value > limit.max) return `is ${value}; the most allowed is ${limit.max}`;
    return undefined;
  }
  if (size !== undefined && limit.min !== undefined && size < limit.min) return `has ${size} ${unit}; at least ${limit.min} needed`;
  if (size !== undefined && limit.max !== undefined && size > limit.max) return `has ${size} ${unit}; at most ${limit.max} allowed`;
  if (typeof value === 'string' && limit.pattern && !javaRegExp(limit.pattern).test(value)) {
    const lines = limit.pattern === ANY_LINE ? ' (it may not hold a line break)' : '';
    return `${JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}…` : value)} does not match the pattern ${limit.pattern}${lines}`;
  }
  return undefined;
}

const compiled = new Map<string, RegExp>();

/** A model pattern as SageMaker applies it: anchored, and `.` outside a class not matching Java's line breaks (JavaScript's `.` lets U+0085 through). */
function javaRegExp(pattern: string): RegExp {
  let regex = compiled.get(pattern);
  if (!regex) {
    const source = pattern.replace(/\\.|\[(?:\\.|[^\]])*\]|\./g, (token) => (token === '.' ? '[^\\n\\r\\u0085\\u2028\\u2029]' : token));
    compiled.set(pattern, (regex = new RegExp(`^(?:${source})$`, 'u')));
  }
  return regex;
}

/** Every value at a model path in the request, with a readable location such as `HyperParameters["lr"]`. */
function valuesAt(request: unknown, modelPath: string): { where: string; value: unknown }[] {
  let found: { where: string; value: unknown }[] = [{ where: '', value: request }];
  for (const step of modelPath.match(/\.?[A-Za-z0-9]+|\[\]|\{key\}|\{value\}/g) ?? []) {
    found = found.flatMap(({ where, value }) => {
      if (value === undefined || value === null) return [];
      if (step === '[]') return Array.isArray(value) ? value.map((item, i) => ({ where: `${where}[${i}]`, value: item })) : [];
      if (step === '{key}') return Object.keys(value as object).map((key) => ({ where: `${where} key`, value: key }));
      if (step === '{value}') return Object.entries(value as object).map(([key, item]) => ({ where: `${where}["${key}"]`, value: item }));
      const member = step.replace(/^\./, '');
      return [{ where: where ? `${where}.${member}` : member, value: (value as Record<string, unknown>)[member] }];
    });
  }
  return found.filter(({ value }) => value !== undefined);
}
