import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';

/** The services the emulator answers, by the name in a SigV4 credential scope. */
export type ServiceName = 'sagemaker' | 'sagemaker-runtime' | 'ecr' | 'logs' | 's3' | 'sts';

export const SERVICES: readonly ServiceName[] = ['sagemaker', 'sagemaker-runtime', 'ecr', 'logs', 's3', 'sts'];

/** A reference to a shape, as a structure member, list member or map key/value. */
export interface MemberRef {
  readonly shape: string;
  /** Where a REST protocol carries the member: `uri`, `header`, `headers` (a prefix map), `querystring`. */
  readonly location?: string;
  readonly locationName?: string;
  readonly streaming?: boolean;
}

export interface Shape {
  readonly type: 'structure' | 'list' | 'map' | 'string' | 'integer' | 'long' | 'float' | 'double' | 'boolean' | 'timestamp' | 'blob';
  readonly required?: readonly string[];
  readonly members?: Readonly<Record<string, MemberRef>>;
  readonly member?: MemberRef;
  readonly key?: MemberRef;
  readonly value?: MemberRef;
  readonly min?: number;
  readonly max?: number;
  readonly pattern?: string;
  readonly enum?: readonly string[];
  readonly union?: boolean;
  readonly sensitive?: boolean;
  readonly exception?: boolean;
  readonly payload?: string;
}

export interface OperationModel {
  readonly name: string;
  readonly http: { readonly method: string; readonly requestUri: string };
  readonly input?: { readonly shape: string };
  readonly output?: { readonly shape: string };
}

export interface ServiceModel {
  readonly metadata: { readonly protocol: string; readonly targetPrefix?: string; readonly apiVersion: string };
  readonly operations: Readonly<Record<string, OperationModel>>;
  readonly shapes: Readonly<Record<string, Shape>>;
}

const ENV = 'SMCT_AWS_MODELS';
/** Where `npm run setup` (scripts/setup-aws-models.sh) unpacks botocore's data: the project's own copy. */
const SETUP_MODELS = path.join(process.env.SMCT_CACHE ?? path.join(os.homedir(), '.cache', 'sagemaker-container-tools'), 'aws-models', 'data');

/** The official models botocore ships, one file per service (`service-2.json`, gzipped by newer botocore). */
export interface AwsModels {
  /** Where they were found, for messages. */
  readonly source: string;
  readonly files: Readonly<Record<ServiceName, string>>;
}

/**
 * The official models, never copied into the repository. $SMCT_AWS_MODELS when set (and then only
 * there), else the botocore data that `npm run setup` unpacks into the cache (Debian 13's
 * python3-botocore), else the data folder of the botocore that `python3` imports. A folder is either botocore's data layout, `<service>/<api version>/service-2.json[.gz]`
 * (the newest version folder of each service is taken), or flat, `<service>-<api
 * version>.service-2.json[.gz]`; $SMCT_AWS_MODELS is taken as it is, the others only when their
 * botocore is MIN_BOTOCORE or newer. Throws one line that says how to get them when none will do:
 * the tests that validate requests against the models must fail without them, not pass unchecked.
 */
export function findAwsModels(): AwsModels {
  const key = process.env[ENV] ?? '';
  let models = found.get(key);
  if (!models) {
    models = locateAwsModels({ fromEnv: process.env[ENV], python: 'python3', setupFolder: SETUP_MODELS });
    found.set(key, models);
  }
  return models;
}

const found = new Map<string, AwsModels>();

/** findAwsModels() with its inputs given, for tests: the variable's value, the Python to ask, Debian's folder. */
export function locateAwsModels(where: { readonly fromEnv?: string; readonly python: string; readonly setupFolder: string }): AwsModels {
  if (where.fromEnv) {
    const files = modelFilesIn(where.fromEnv);
    if ('missing' in files) {
      throw new Error(
        `${ENV}=${where.fromEnv} lacks the AWS models of ${files.missing.join(', ')}: point it at a botocore data folder ` +
          `(<service>/<version>/service-2.json[.gz]) or a folder of <service>-<version>.service-2.json files, or unset it.`,
      );
    }
    return { source: where.fromEnv, files: files.files };
  }
  const looked: string[] = [];
  const folders: string[] = [where.setupFolder];
  try {
    const output = execFileSync(where.python, ['-c', 'import botocore, os; print(os.path.dirname(botocore.__file__))'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 30_000,
    });
    folders.push(path.join(output.trim(), 'data'));
  } catch (error) {
    const stderr = String((error as { stderr?: unknown }).stderr ?? '').trim();
    looked.push(`${where.python}'s botocore (${stderr.split('\n').pop() || (error as Error).message.split('\n')[0]})`);
  }
  const tooOld: string[] = [];
  for (const folder of folders) {
    const files = modelFilesIn(folder);
    if ('missing' in files) {
      looked.push(`${folder} (no ${files.missing.join(', ')})`);
      continue;
    }
    const version = botocoreVersion(folder);
    if (version !== undefined && olderThan(version, MIN_BOTOCORE)) {
      tooOld.push(`botocore ${version} in ${folder}`);
      continue;
    }
    return { source: folder, files: files.files };
  }
  if (tooOld.length > 0) {
    throw new Error(
      `The AWS API models found are older than the tests need (${tooOld.join('; ')}; the tests pass with botocore ${MIN_BOTOCORE}): ` +
        `run \`npm run setup\` (it unpacks Debian 13's python3-botocore ${MIN_BOTOCORE}), or set ${ENV} to a newer botocore data folder.`,
    );
  }
  throw new Error(
    `The official AWS API models (botocore's ${SERVICES.join(', ')}) were not found: run \`npm run setup\` (it unpacks Debian's python3-botocore), ` +
      `or set ${ENV} to a botocore data folder. Looked in: ${looked.join('; ')}.`,
  );
}

/**
 * The oldest botocore whose models the tests are known to pass with. Older SageMaker models lack
 * members the request builder sets (OutputDataConfig.CompressionType), list fewer instance types,
 * require members that are optional now and have other limits; Debian 12's python3-botocore
 * 1.29.27 is one of them.
 */
export const MIN_BOTOCORE = '1.37.9';

/** The version of the botocore whose data folder this is: the setup's note of it, or the package's `__version__`. */
function botocoreVersion(dataFolder: string): string | undefined {
  try {
    return fs.readFileSync(path.join(dataFolder, '.complete'), 'utf8').trim();
  } catch {
    // Not the setup's folder: a botocore package's own.
  }
  try {
    return /^__version__ = ['"]([^'"]+)['"]/m.exec(fs.readFileSync(path.join(dataFolder, '..', '__init__.py'), 'utf8'))?.[1];
  } catch {
    return undefined;
  }
}

/** Whether dotted version a is older than b (numerically, part by part; `+repack` and such ignored). */
export function olderThan(a: string, b: string): boolean {
  const parts = (version: string) =>
    version
      .split(/[^0-9.]/)[0]
      .split('.')
      .map(Number);
  const [x, y] = [parts(a), parts(b)];
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    if ((x[i] ?? 0) !== (y[i] ?? 0)) return (x[i] ?? 0) < (y[i] ?? 0);
  }
  return false;
}

/** Each service's model file in a folder of either layout, or the services it lacks. */
export function modelFilesIn(folder: string): { files: Record<ServiceName, string> } | { missing: ServiceName[] } {
  const files: Partial<Record<ServiceName, string>> = {};
  const missing: ServiceName[] = [];
  let flat: string[] = [];
  try {
    flat = fs.readdirSync(folder);
  } catch {
    // An unreadable or missing folder lacks everything.
  }
  for (const service of SERVICES) {
    const file = nested(folder, service) ?? flatFile(folder, flat, service);
    if (file) files[service] = file;
    else missing.push(service);
  }
  return missing.length > 0 ? { missing } : { files: files as Record<ServiceName, string> };
}

/** botocore's layout: the newest `<service>/<yyyy-mm-dd>/` folder that holds a service-2.json(.gz). */
function nested(folder: string, service: string): string | undefined {
  let versions: string[];
  try {
    versions = fs.readdirSync(path.join(folder, service));
  } catch {
    return undefined;
  }
  for (const version of versions
    .filter((name) => /^\d{4}-\d{2}-\d{2}$/.test(name))
    .sort()
    .reverse()) {
    for (const name of ['service-2.json', 'service-2.json.gz']) {
      const file = path.join(folder, service, version, name);
      if (fs.existsSync(file)) return file;
    }
  }
  return undefined;
}

/** The flat layout: `<service>-<yyyy-mm-dd>.service-2.json[.gz]`, the newest version's when there are several. */
function flatFile(folder: string, names: readonly string[], service: string): string | undefined {
  const pattern = new RegExp(`^${service}-\\d{4}-\\d{2}-\\d{2}\\.service-2\\.json(\\.gz)?$`);
  const newest = names
    .filter((name) => pattern.test(name))
    .sort()
    .pop();
  return newest === undefined ? undefined : path.join(folder, newest);
}

const loaded = new Map<string, ServiceModel>();

/** A service's model, read once per process (the SageMaker one is 2.4 MB). */
export function loadModel(service: ServiceName, models: AwsModels = findAwsModels()): ServiceModel {
  const file = models.files[service];
  let model = loaded.get(file);
  if (!model) {
    const bytes = fs.readFileSync(file);
    model = JSON.parse((file.endsWith('.gz') ? zlib.gunzipSync(bytes) : bytes).toString('utf8')) as ServiceModel;
    loaded.set(file, model);
  }
  return model;
}
