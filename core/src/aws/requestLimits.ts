import type { CreateTrainingJobRequest } from '@aws-sdk/client-sagemaker';
import { closestMatch } from '../config/closestMatch';
import { quotedKeyPath, type FileProblem } from '../config/fileProblems';

// No value of the SDK is imported here, so that a job file can be checked against these limits
// without loading the SDK, which only the AWS half loads (see load.ts).

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
  /**
   * The job file's key path that sets the field, dotted; `*` stands for a map's key or a list
   * item's name (a channel's ChannelName, a tag's Key, else its index), so that the problem is
   * reported at the key the user wrote.
   */
  readonly key: string;
  /** The command-line option that may set the field instead. */
  readonly option?: string;
}

export const S3_URI = '(https|s3)://([^/]+)/?(.*)';
export const TAG_TEXT = '([\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*)';
/** Java's `.`, as SageMaker matches it: any character but a line break, so a value of several lines is refused. */
const ANY_LINE = '.*';

export const CREATE_TRAINING_JOB_LIMITS: readonly Limit[] = [
  { path: 'TrainingJobName', min: 1, max: 63, pattern: '[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}', key: 'baseJobName' },
  { path: 'RoleArn', min: 20, max: 2048, pattern: 'arn:aws[a-z\\-]*:iam::\\d{12}:role/?[a-zA-Z_0-9+=,.@\\-_/]+', key: 'roleArn', option: '--role' },
  { path: 'AlgorithmSpecification.TrainingImage', max: 255, pattern: ANY_LINE, key: 'image' },
  { path: 'AlgorithmSpecification.ContainerEntrypoint', min: 1, max: 100, key: 'containerEntrypoint' },
  { path: 'AlgorithmSpecification.ContainerEntrypoint[]', max: 256, pattern: ANY_LINE, key: 'containerEntrypoint.*' },
  { path: 'AlgorithmSpecification.ContainerArguments', min: 1, max: 100, key: 'containerArguments' },
  { path: 'AlgorithmSpecification.ContainerArguments[]', max: 256, pattern: ANY_LINE, key: 'containerArguments.*' },
  { path: 'HyperParameters', max: 100, key: 'hyperparameters' },
  { path: 'HyperParameters{key}', max: 256, pattern: ANY_LINE, key: 'hyperparameters.*' },
  { path: 'HyperParameters{value}', max: 2500, pattern: ANY_LINE, key: 'hyperparameters.*' },
  { path: 'Environment', max: 100, key: 'environment' },
  { path: 'Environment{key}', max: 512, pattern: '[a-zA-Z_][a-zA-Z0-9_]*', key: 'environment.*' },
  { path: 'Environment{value}', max: 512, pattern: '[\\S\\s]*', key: 'environment.*' },
  { path: 'InputDataConfig', min: 1, max: 20, key: 'inputs' },
  { path: 'InputDataConfig[].ChannelName', min: 1, max: 64, pattern: '[A-Za-z0-9\\.\\-_]+', key: 'inputs.*' },
  { path: 'InputDataConfig[].ContentType', max: 256, pattern: ANY_LINE, key: 'inputs.*.contentType' },
  { path: 'InputDataConfig[].DataSource.S3DataSource.S3Uri', max: 1024, pattern: S3_URI, key: 'inputs.*' },
  { path: 'OutputDataConfig.S3OutputPath', max: 1024, pattern: S3_URI, key: 'output.path' },
  { path: 'ResourceConfig.InstanceCount', min: 0, key: 'resources.instanceCount' },
  { path: 'ResourceConfig.VolumeSizeInGB', min: 0, key: 'resources.volumeSizeGB' },
  { path: 'StoppingCondition.MaxRuntimeInSeconds', min: 1, key: 'stopping.maxRuntimeSeconds' },
  { path: 'StoppingCondition.MaxWaitTimeInSeconds', min: 1, key: 'stopping.maxWaitSeconds' },
  { path: 'CheckpointConfig.S3Uri', max: 1024, pattern: S3_URI, key: 'checkpoints.s3Uri' },
  { path: 'CheckpointConfig.LocalPath', max: 4096, pattern: ANY_LINE, key: 'checkpoints.localPath' },
  { path: 'Tags', max: 50, key: 'tags' },
  { path: 'Tags[].Key', min: 1, max: 128, pattern: TAG_TEXT, key: 'tags.*' },
  { path: 'Tags[].Value', max: 256, pattern: TAG_TEXT, key: 'tags.*' },
];

/** The documented 28-day ceiling of MaxRuntimeInSeconds, which the model does not encode. */
const MAX_RUNTIME_SECONDS = 28 * 24 * 3600;
/** The prose limit of a hyperparameter value; the model allows 2500, so past it is a warning. */
const DOCUMENTED_HYPERPARAMETER_LENGTH = 256;

/** Names that usually hold a credential. */
const SECRET_NAME = /(secret|passw(or)?d|token|api[-_]?key|access[-_]?key|private[-_]?key|credential)/i;

export interface RequestProblems {
  /** Each at the job file's key that sets the field, and naming both. */
  readonly errors: FileProblem[];
  readonly warnings: string[];
}

/**
 * Checks a request against every limit before it is sent. `instanceTypes`, when given, are the
 * types SageMaker trains on (the AWS half passes the SDK's list); without it the instance type is
 * left to the job file's schema, which checks only its form.
 */
export function checkTrainingJobRequest(request: CreateTrainingJobRequest, instanceTypes?: ReadonlySet<string>): RequestProblems {
  const errors: FileProblem[] = checkLimits(request, CREATE_TRAINING_JOB_LIMITS);
  const stopping = request.StoppingCondition;
  const instanceType = request.ResourceConfig?.InstanceType;
  if (instanceType !== undefined && instanceTypes && !instanceTypes.has(instanceType)) {
    const meant = closestMatch(instanceType, [...instanceTypes]);
    const hint = meant ? `; did you mean ${meant}?` : ', such as ml.m5.xlarge or ml.g5.2xlarge';
    errors.push(problemAt(['resources', 'instanceType'], `ResourceConfig.InstanceType "${instanceType}" is not an instance type SageMaker trains on${hint}`));
  }
  const runtime = stopping?.MaxRuntimeInSeconds ?? 0;
  if (runtime > MAX_RUNTIME_SECONDS) {
    errors.push(
      problemAt(
        ['stopping', 'maxRuntimeSeconds'],
        `StoppingCondition.MaxRuntimeInSeconds is ${runtime}: SageMaker allows at most 28 days (${MAX_RUNTIME_SECONDS})`,
      ),
    );
  }
  if (request.EnableManagedSpotTraining) {
    if (stopping?.MaxWaitTimeInSeconds === undefined) {
      errors.push(
        problemAt(
          ['stopping', 'maxWaitSeconds'],
          'spot training needs StoppingCondition.MaxWaitTimeInSeconds, the longest wait for spot capacity plus the run time',
        ),
      );
    } else if (stopping.MaxWaitTimeInSeconds < (stopping.MaxRuntimeInSeconds ?? 0)) {
      errors.push(
        problemAt(
          ['stopping', 'maxWaitSeconds'],
          `StoppingCondition.MaxWaitTimeInSeconds (${stopping.MaxWaitTimeInSeconds}) must be at least MaxRuntimeInSeconds (${stopping.MaxRuntimeInSeconds})`,
        ),
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

/** Every value of a request that breaks one of `limits`, each at the job file's key that sets it (the endpoint requests use it too). */
export function checkLimits(request: unknown, limits: readonly Limit[]): FileProblem[] {
  const errors: FileProblem[] = [];
  for (const limit of limits) {
    for (const { where, value, names } of valuesAt(request, limit.path)) {
      const problem = violation(limit, value);
      if (problem) errors.push(problemAt(jobFileKey(limit.key, names), `${where} ${problem}`, limit.option));
    }
  }
  return errors;
}

/** "`tags.team`: Tags[0].Value …": the key to edit first, then the field SageMaker would name. */
function problemAt(path: string[], text: string, option?: string): FileProblem {
  return { path, message: `${quotedKeyPath(path)}${option ? ` (or ${option})` : ''}: ${text}` };
}

/** A limit's key path with its `*` filled in, in order, by the names met on the way to the value. */
function jobFileKey(template: string, names: readonly string[]): string[] {
  let next = 0;
  return template.split('.').map((key) => (key === '*' ? (names[next++] ?? key) : key));
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

/** A value at a model path, with a readable location such as `HyperParameters["lr"]` and the names of the map keys and list items on the way. */
interface FoundValue {
  readonly where: string;
  readonly value: unknown;
  readonly names: readonly string[];
}

/** Every value at a model path in the request. */
function valuesAt(request: unknown, modelPath: string): FoundValue[] {
  let found: FoundValue[] = [{ where: '', value: request, names: [] }];
  for (const step of modelPath.match(/\.?[A-Za-z0-9]+|\[\]|\{key\}|\{value\}/g) ?? []) {
    found = found.flatMap((at) => (at.value === undefined || at.value === null ? [] : stepInto(at, step)));
  }
  return found.filter(({ value }) => value !== undefined);
}

/** The values one step of a model path further: a member, each list item, each map key or each map value. */
function stepInto({ where, value, names }: FoundValue, step: string): FoundValue[] {
  if (step === '[]') {
    return Array.isArray(value) ? value.map((item: unknown, i) => ({ where: `${where}[${i}]`, value: item, names: [...names, itemName(item, i)] })) : [];
  }
  if (step === '{key}') return Object.keys(value as object).map((key) => ({ where: `${where} key`, value: key, names: [...names, key] }));
  if (step === '{value}') {
    return Object.entries(value as object).map(([key, item]) => ({ where: `${where}["${key}"]`, value: item as unknown, names: [...names, key] }));
  }
  const member = step.replace(/^\./, '');
  return [{ where: where ? `${where}.${member}` : member, value: (value as Record<string, unknown>)[member], names }];
}

/** How the job file names a list item: a channel by its name, a tag by its key, anything else by its index. */
function itemName(item: unknown, index: number): string {
  const named = item as { ChannelName?: unknown; Key?: unknown } | undefined;
  if (typeof named?.ChannelName === 'string') return named.ChannelName;
  if (typeof named?.Key === 'string') return named.Key;
  return String(index);
}
