import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import {
  CreateEndpointCommand,
  CreateEndpointConfigCommand,
  CreateModelCommand,
  DeleteEndpointConfigCommand,
  DeleteModelCommand,
  UpdateEndpointCommand,
} from '@aws-sdk/client-sagemaker';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { Upload } from '@aws-sdk/lib-storage';
import type { TrainingJob } from '../job/trainingJob';
import type { ModelSource } from '../job/servingSection';
import { describeProblems } from '../config/fileProblems';
import { displayPath } from '../lint/lintGate';
import type { AwsClients } from './awsClients';
import { awsCall, errorName, explainAwsError, required } from './awsErrors';
import { pushImage } from './ecrPush';
import { checkEndpointRequests, endpointRequests, endpointResourceName, updateEndpointRequest, type EndpointRequests } from './endpointRequest';
import { deleteConfigAndModels, ENDPOINT_TRANSITIONAL, findEndpoint, isNotFound, type DeleteOutcome } from './endpoints';
import { ecrRegistry, parseImageReference } from './imageReference';
import { ensureBucket } from './inputUpload';
import { defaultBucketName } from './placement';
import { getTrainingJob } from './trainingJobs';
import { SmctError } from '../errors';

export type DeployStep = 'identity' | 'push' | 'model' | 'upload' | 'create' | 'update';

export interface DeployOptions {
  /** Overrides the job file's roleArn: the role SageMaker pulls the image and the model as. */
  readonly roleArn?: string;
  /** Serves this completed training job's model artifact instead of serving.model. */
  readonly fromJob?: string;
  readonly onStep?: (step: DeployStep, message: string) => void;
  /** Push output, line by line. */
  readonly onOutput?: (line: string) => void;
  readonly onWarning?: (message: string) => void;
  readonly signal?: AbortSignal;
  /** For tests: the clock that names the model and configuration. */
  readonly now?: () => Date;
}

export interface DeployedEndpoint {
  readonly endpointName: string;
  readonly endpointArn: string;
  readonly region: string;
  /** The model and endpoint configuration this deployment made (one name for both). */
  readonly resourceName: string;
  /** True when an existing endpoint was updated to the new configuration. */
  readonly updated: boolean;
  /** The configuration an update replaces: still serving until the update is InService, then the caller may delete it. */
  readonly previousConfig?: string;
  readonly serverless: boolean;
  readonly requests: EndpointRequests;
}

/**
 * Puts the job file's serving image and model behind a SageMaker endpoint: a local image is pushed
 * to ECR (by digest), the model is taken from S3, from a completed training job, or uploaded from
 * this machine; then a new model and endpoint configuration named `<endpoint>-<UTC stamp>` are
 * created, and the endpoint is created, or updated when it exists. An update leaves the previous
 * configuration and model in place: SageMaker serves them until the new ones are InService, and
 * rolls back to them when the update fails.
 */
export async function deployEndpoint(clients: AwsClients, job: TrainingJob, options: DeployOptions = {}): Promise<DeployedEndpoint> {
  const step = options.onStep ?? (() => {});
  const roleArn = options.roleArn ?? job.roleArn;
  if (!roleArn) {
    throw new SmctError(
      'REQUEST_INVALID',
      `No execution role for the endpoint: add "roleArn" to ${displayPath(job.file)}, or pass --role. SageMaker pulls the image and the model as this role.`,
    );
  }
  const now = options.now ?? (() => new Date());
  const resourceName = endpointResourceName(job.serving.endpointName, now());
  // What the job file gets wrong is said before anything is pushed or uploaded.
  check(job, endpointRequests(job, { resourceName, image: job.serving.image, modelDataUrl: 's3://bucket/model.tar.gz', roleArn }));
  step('identity', `Checking the AWS credentials (${clients.target.profile ?? 'default chain'}, ${clients.target.region})`);
  const identity = await awsCall('GetCallerIdentity', clients.target, () =>
    clients.sts.send(new GetCallerIdentityCommand({}), { abortSignal: options.signal }),
  );
  const account = required(identity.Account, 'Account');
  const name = job.serving.endpointName;
  const existing = await findEndpoint(clients, name, options.signal);
  if (existing && existing.EndpointStatus !== 'InService') throw notUpdatable(name, existing.EndpointStatus ?? 'Unknown', existing.FailureReason);
  const modelDataUrl = await modelData(clients, job, account, options);
  const image = await servingImage(clients, job, options);
  const requests = endpointRequests(job, { resourceName, image, modelDataUrl, roleArn });
  check(job, requests);
  step('model', `Creating model ${resourceName} (${image}, ${modelDataUrl})`);
  // What this call made, undone in reverse order when a later step fails or is aborted, so that a
  // failed deploy leaves nothing behind. The endpoint of an update is never among them.
  const undo: (() => Promise<unknown>)[] = [];
  try {
    await send(clients, 'CreateModel', () => clients.sagemaker.send(new CreateModelCommand(requests.model), { abortSignal: options.signal }));
    undo.push(() => clients.sagemaker.send(new DeleteModelCommand({ ModelName: resourceName })));
    await send(clients, 'CreateEndpointConfig', () =>
      clients.sagemaker.send(new CreateEndpointConfigCommand(requests.config), { abortSignal: options.signal }),
    );
    undo.push(() => clients.sagemaker.send(new DeleteEndpointConfigCommand({ EndpointConfigName: resourceName })));
    const result = { endpointName: name, region: clients.target.region, resourceName, serverless: job.serving.serverless !== undefined, requests };
    if (existing) {
      step('update', `Updating endpoint ${name} from ${existing.EndpointConfigName} to ${resourceName}`);
      const updated = await send(clients, 'UpdateEndpoint', () =>
        clients.sagemaker.send(new UpdateEndpointCommand(updateEndpointRequest(requests)), { abortSignal: options.signal }),
      );
      return { ...result, endpointArn: required(updated.EndpointArn, 'EndpointArn'), updated: true, previousConfig: existing.EndpointConfigName };
    }
    step('create', `Creating endpoint ${name}`);
    const created = await send(clients, 'CreateEndpoint', () =>
      clients.sagemaker.send(new CreateEndpointCommand(requests.endpoint), { abortSignal: options.signal }),
    );
    return { ...result, endpointArn: required(created.EndpointArn, 'EndpointArn'), updated: false };
  } catch (error) {
    await undoCreated(undo, resourceName, options);
    throw error;
  }
}

/**
 * Deletes what a failed deployment made, newest first. It runs without the caller's signal (an
 * abort is what brought it here); a piece it cannot delete is named in a warning, not thrown over
 * the error that matters.
 */
async function undoCreated(undo: readonly (() => Promise<unknown>)[], resourceName: string, options: DeployOptions): Promise<void> {
  for (const step of [...undo].reverse()) {
    try {
      await step();
    } catch (error) {
      if (isNotFound(error)) continue;
      options.onWarning?.(`Could not delete ${resourceName} after the failed deployment (${(error as Error).message}): delete it yourself (smct delete).`);
    }
  }
}

/**
 * After SageMaker rolled an update back to the configuration it served before, the new
 * configuration and model serve nothing: they are deleted (what smct made for this deployment only).
 */
export async function discardRolledBackUpdate(
  clients: AwsClients,
  deployed: Pick<DeployedEndpoint, 'endpointName' | 'resourceName' | 'updated'>,
  signal?: AbortSignal,
): Promise<DeleteOutcome | undefined> {
  if (!deployed.updated) return undefined;
  const endpoint = await findEndpoint(clients, deployed.endpointName, signal);
  const serving = endpoint?.EndpointConfigName;
  if (!endpoint || ENDPOINT_TRANSITIONAL.has(endpoint.EndpointStatus ?? '') || serving === deployed.resourceName) return undefined;
  const outcome = { deleted: [] as string[], notes: [] as string[] };
  await deleteConfigAndModels(clients, deployed.resourceName, outcome, signal, deployed.endpointName);
  return outcome;
}

/** SageMaker updates only an endpoint that is InService; one that failed must go first, one that is changing must settle. */
function notUpdatable(name: string, status: string, reason: string | undefined): SmctError {
  if (status === 'Failed') {
    return new SmctError(
      'AWS_INVALID',
      `Endpoint ${name} is Failed (${reason ?? 'no reason given'}) and SageMaker cannot update a failed endpoint: delete it (smct delete ${name}), then deploy again.`,
    );
  }
  return new SmctError(
    'AWS_INVALID',
    `Endpoint ${name} is ${status}: SageMaker updates an endpoint only once it is InService. Wait for it (smct endpoints shows its status), then deploy again.`,
  );
}

function check(job: TrainingJob, requests: EndpointRequests): void {
  const problems = checkEndpointRequests(requests);
  if (problems.length > 0) throw new SmctError('JOB_FILE_INVALID', describeProblems(displayPath(job.file), problems));
}

async function send<T>(clients: AwsClients, operation: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw explainAwsError(error, operation, clients.target);
  }
}

/** The serving image in ECR: a local one is pushed (and used by digest); one in a registry is used as it is. */
async function servingImage(clients: AwsClients, job: TrainingJob, options: DeployOptions): Promise<string> {
  const image = job.serving.image;
  const registry = parseImageReference(image).registry;
  if (registry !== undefined) {
    const ecr = ecrRegistry(registry);
    if (!ecr) {
      options.onWarning?.(
        `${image} is not in Amazon ECR: SageMaker hosting pulls images from ECR (or a private registry in your VPC, which smct does not set up).`,
      );
    } else if (ecr.region !== clients.target.region) {
      throw new SmctError(
        'AWS_INVALID',
        `${image} is in Amazon ECR in ${ecr.region}, but the endpoint goes to ${clients.target.region}. Push it there (smct push --region ${clients.target.region}).`,
      );
    }
    return image;
  }
  options.onStep?.('push', `Pushing ${image} to Amazon ECR`);
  // No platform is required: inference instances include Graviton (arm64) ones.
  const pushed = await pushImage(clients, { image, repository: job.repository, onProgress: options.onOutput, signal: options.signal });
  options.onStep?.('push', `Pushed ${pushed.digestUri}`);
  return pushed.digestUri;
}

/** Where SageMaker takes the model from: --from-job's artifact, serving.model's S3 URI, or a local model.tar.gz uploaded first. */
async function modelData(clients: AwsClients, job: TrainingJob, account: string, options: DeployOptions): Promise<string> {
  if (options.fromJob) {
    const trained = await getTrainingJob(clients, options.fromJob, options.signal);
    const artifact = trained.ModelArtifacts?.S3ModelArtifacts;
    if (trained.TrainingJobStatus !== 'Completed' || !artifact) {
      throw new SmctError(
        'AWS_INVALID',
        `Training job ${options.fromJob} is ${trained.TrainingJobStatus ?? 'in an unknown state'}: only a Completed job's model can be deployed (smct logs ${options.fromJob} --follow waits for it).`,
      );
    }
    options.onStep?.('model', `Serving the model of training job ${options.fromJob}: ${artifact}`);
    return artifact;
  }
  return placeModel(clients, job, job.serving.model, account, options);
}

async function placeModel(clients: AwsClients, job: TrainingJob, model: ModelSource, account: string, options: DeployOptions): Promise<string> {
  if (model.kind === 's3') return model.uri;
  if (model.kind === 'latestLocalRun') {
    throw new SmctError(
      'REQUEST_INVALID',
      `SageMaker needs the model in S3, and ${displayPath(job.file)} names none: pass --from-job <training job> to serve a job's model, or set "serving": {"model": …} to an s3:// URI or a local model.tar.gz (smct uploads it).`,
    );
  }
  if (!fs.existsSync(model.path) || !fs.statSync(model.path).isFile() || !/\.tar\.gz$/.test(model.path)) {
    throw new SmctError(
      'REQUEST_INVALID',
      `serving.model in ${displayPath(job.file)} is ${model.path}: for an endpoint it must be an s3:// URI or a model.tar.gz file on this machine (pack a folder with: tar -czf model.tar.gz -C <folder> .).`,
    );
  }
  return uploadModel(clients, job, model.path, account, options);
}

/**
 * Uploads a local model.tar.gz to `<output path>/smct-models/<endpoint>/<sha256>/model.tar.gz`
 * (the job's S3 output path, else `s3://sagemaker-<region>-<account>/smct/models/…`). The key
 * holds the content hash: the same file is uploaded once, and a model an endpoint serves is never
 * overwritten by a later deployment.
 */
async function uploadModel(clients: AwsClients, job: TrainingJob, file: string, account: string, options: DeployOptions): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(fs.createReadStream(file), hash);
  const digest = hash.digest('hex');
  const output = job.output.s3 ? /^s3:\/\/([^/]+)\/?(.*?)\/*$/.exec(job.output.s3) : null;
  const bucket = output ? output[1] : defaultBucketName(clients.target.region, account);
  const prefix = output ? [output[2], 'smct-models'].filter(Boolean).join('/') : 'smct/models';
  const key = `${prefix}/${job.serving.endpointName}/${digest}/${path.basename(file)}`;
  const uri = `s3://${bucket}/${key}`;
  const owner = output ? undefined : account;
  if (!output) await ensureBucket(clients, bucket, owner, options.signal);
  try {
    await clients.s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key, ExpectedBucketOwner: owner }), { abortSignal: options.signal });
    options.onStep?.('upload', `${displayPath(file)} is already at ${uri}`);
    return uri;
  } catch (error) {
    if (errorName(error) !== 'NotFound' && (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode !== 404) {
      throw explainAwsError(error, 'HeadObject', clients.target);
    }
  }
  options.onStep?.('upload', `Uploading ${displayPath(file)} to ${uri}`);
  const upload = new Upload({ client: clients.s3, params: { Bucket: bucket, Key: key, Body: fs.createReadStream(file), ExpectedBucketOwner: owner } });
  await awsCall('PutObject', clients.target, () => upload.done());
  return uri;
}
