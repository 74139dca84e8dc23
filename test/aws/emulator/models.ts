import * as fs from 'node:fs';
import * as path from 'node:path';

/** The services the emulator answers, by the name in a SigV4 credential scope. */
export type ServiceName = 'sagemaker' | 'ecr' | 'logs' | 's3' | 'sts';

/** The official botocore model files, never copied into the repository. */
export const MODEL_FILES: Readonly<Record<ServiceName, string>> = {
  sagemaker: 'sagemaker-2017-07-24.service-2.json',
  ecr: 'ecr-2015-09-21.service-2.json',
  logs: 'logs-2014-03-28.service-2.json',
  s3: 's3-2006-03-01.service-2.json',
  sts: 'sts-2011-06-15.service-2.json',
};

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
const FALLBACK = '/work/shared/aws-models';

/**
 * The folder of the official models: $SMCT_AWS_MODELS, else the first `shared/aws-models` found
 * walking up from the repository root, else /work/shared/aws-models. Throws when there is none:
 * tests that validate requests against the models must fail without them, not pass unchecked.
 */
export function findAwsModels(): string {
  const fromEnv = process.env[ENV];
  if (fromEnv) {
    const missing = missingFiles(fromEnv);
    if (missing.length > 0) {
      throw new Error(`${ENV}=${fromEnv} lacks the AWS models ${missing.join(', ')}: point it at a folder of botocore service-2.json files.`);
    }
    return fromEnv;
  }
  const looked: string[] = [];
  for (let folder = repositoryRoot(); ; folder = path.dirname(folder)) {
    const candidate = path.join(folder, 'shared', 'aws-models');
    looked.push(candidate);
    if (missingFiles(candidate).length === 0) return candidate;
    if (path.dirname(folder) === folder) break;
  }
  looked.push(FALLBACK);
  if (missingFiles(FALLBACK).length === 0) return FALLBACK;
  throw new Error(
    `The official AWS service models (${Object.values(MODEL_FILES).join(', ')}) were not found. Looked in: ${looked.join(', ')}. ` +
      `Set ${ENV} to a folder holding them (botocore's data/<service>/<version>/service-2.json, renamed <service>-<version>.service-2.json).`,
  );
}

function missingFiles(folder: string): string[] {
  return Object.values(MODEL_FILES).filter((file) => !fs.existsSync(path.join(folder, file)));
}

/** The folder of this repository's package.json, found from this file's (compiled or not) location. */
function repositoryRoot(): string {
  for (let folder = __dirname; ; folder = path.dirname(folder)) {
    const manifest = path.join(folder, 'package.json');
    if (fs.existsSync(manifest) && (JSON.parse(fs.readFileSync(manifest, 'utf8')) as { name?: string }).name === 'sagemaker-container-tools') return folder;
    if (path.dirname(folder) === folder) return process.cwd();
  }
}

const loaded = new Map<string, ServiceModel>();

/** A service's model, read once per process (the SageMaker one is 2.4 MB). */
export function loadModel(service: ServiceName, folder: string = findAwsModels()): ServiceModel {
  const file = path.join(folder, MODEL_FILES[service]);
  let model = loaded.get(file);
  if (!model) {
    model = JSON.parse(fs.readFileSync(file, 'utf8')) as ServiceModel;
    loaded.set(file, model);
  }
  return model;
}
