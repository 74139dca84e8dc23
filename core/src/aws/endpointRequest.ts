// The three requests that put a model behind a SageMaker endpoint, built in one place for the
// deployment and its tests. No value of the SDK is imported (see load.ts).
import type {
  CreateEndpointConfigInput,
  CreateEndpointInput,
  CreateModelInput,
  ProductionVariant,
  ProductionVariantInstanceType,
  Tag,
  UpdateEndpointInput,
} from '@aws-sdk/client-sagemaker';
import { jobName, type TrainingJob } from '../job/trainingJob';
import { DEFAULT_STARTUP_HEALTH_CHECK_SECONDS } from '../serving/hostingContract';
import type { FileProblem } from '../config/fileProblems';
import { checkLimits, S3_URI, TAG_TEXT, type Limit } from './requestLimits';

/** The one variant smct deploys; the name the SageMaker Python SDK gives it too. */
export const VARIANT_NAME = 'AllTraffic';

/** Where the endpoint's parts are in AWS once pushed and uploaded. */
export interface PlacedEndpoint {
  /** Names the model and the endpoint configuration alike: `<endpoint>-<UTC stamp>`. */
  readonly resourceName: string;
  /** The image in ECR. */
  readonly image: string;
  /** The model.tar.gz (or, for a multi-model endpoint, the prefix of them). */
  readonly modelDataUrl: string;
  readonly roleArn: string;
}

export interface EndpointRequests {
  readonly model: CreateModelInput;
  readonly config: CreateEndpointConfigInput;
  readonly endpoint: CreateEndpointInput;
}

/** `<endpoint>-<UTC stamp>`: a new model and configuration per deployment, so that an update never changes what is serving. */
export function endpointResourceName(endpointName: string, now: Date = new Date(), suffix = ''): string {
  return jobName(endpointName, now, suffix);
}

/**
 * CreateModel, CreateEndpointConfig and CreateEndpoint for the job file's `serving` section.
 * The startup health-check window is sent only when it differs from SageMaker's default and the
 * endpoint runs on instances: serverless endpoints do not take it (a ProductionVariant field for
 * instance-based variants; https://docs.aws.amazon.com/sagemaker/latest/dg/serverless-endpoints.html
 * lists what serverless inference leaves out).
 */
export function endpointRequests(job: TrainingJob, placed: PlacedEndpoint): EndpointRequests {
  const serving = job.serving;
  const tags: Tag[] | undefined = Object.keys(job.tags).length > 0 ? Object.entries(job.tags).map(([Key, Value]) => ({ Key, Value })) : undefined;
  const environment = Object.keys(serving.environment).length > 0 ? { Environment: { ...serving.environment } } : {};
  const variant: ProductionVariant = {
    VariantName: VARIANT_NAME,
    ModelName: placed.resourceName,
    ...(serving.serverless
      ? { ServerlessConfig: { MemorySizeInMB: serving.serverless.memorySizeInMB, MaxConcurrency: serving.serverless.maxConcurrency } }
      : {
          InstanceType: serving.instanceType as ProductionVariantInstanceType,
          InitialInstanceCount: serving.instanceCount,
          ...(serving.startupHealthCheckSeconds !== DEFAULT_STARTUP_HEALTH_CHECK_SECONDS
            ? { ContainerStartupHealthCheckTimeoutInSeconds: serving.startupHealthCheckSeconds }
            : {}),
        }),
  };
  return {
    model: {
      ModelName: placed.resourceName,
      PrimaryContainer: {
        Image: placed.image,
        ModelDataUrl: placed.modelDataUrl,
        ...environment,
        ...(serving.mode === 'MultiModel' ? { Mode: 'MultiModel' as const } : {}),
      },
      ExecutionRoleArn: placed.roleArn,
      ...(tags ? { Tags: tags } : {}),
    },
    config: { EndpointConfigName: placed.resourceName, ProductionVariants: [variant], ...(tags ? { Tags: tags } : {}) },
    endpoint: { EndpointName: serving.endpointName, EndpointConfigName: placed.resourceName, ...(tags ? { Tags: tags } : {}) },
  };
}

/** UpdateEndpoint to the new configuration: SageMaker keeps serving the old one until the new one is InService. */
export function updateEndpointRequest(requests: EndpointRequests): UpdateEndpointInput {
  return { EndpointName: requests.endpoint.EndpointName, EndpointConfigName: requests.endpoint.EndpointConfigName };
}

const NAME = '[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}';

/** The SageMaker API model's constraints on what the job file sets (the SDK checks none of them). */
export const ENDPOINT_LIMITS: readonly Limit[] = [
  { path: 'model.ModelName', max: 63, pattern: '[a-zA-Z0-9]([\\-a-zA-Z0-9]*[a-zA-Z0-9])?', key: 'serving.endpointName' },
  {
    path: 'model.ExecutionRoleArn',
    min: 20,
    max: 2048,
    pattern: 'arn:aws[a-z\\-]*:iam::\\d{12}:role/?[a-zA-Z_0-9+=,.@\\-_/]+',
    key: 'roleArn',
    option: '--role',
  },
  { path: 'model.PrimaryContainer.Image', max: 255, pattern: '[\\S]+', key: 'serving.image' },
  { path: 'model.PrimaryContainer.ModelDataUrl', max: 1024, pattern: S3_URI, key: 'serving.model' },
  { path: 'model.PrimaryContainer.Environment', max: 100, key: 'serving.environment' },
  { path: 'model.PrimaryContainer.Environment{key}', max: 1024, pattern: '[a-zA-Z_][a-zA-Z0-9_]*', key: 'serving.environment.*' },
  { path: 'model.PrimaryContainer.Environment{value}', max: 1024, pattern: '[\\S\\s]*', key: 'serving.environment.*' },
  { path: 'model.Tags', max: 50, key: 'tags' },
  { path: 'model.Tags[].Key', min: 1, max: 128, pattern: TAG_TEXT, key: 'tags.*' },
  { path: 'model.Tags[].Value', max: 256, pattern: TAG_TEXT, key: 'tags.*' },
  { path: 'config.EndpointConfigName', max: 63, pattern: NAME, key: 'serving.endpointName' },
  { path: 'config.ProductionVariants[].InitialInstanceCount', min: 1, key: 'serving.instanceCount' },
  { path: 'config.ProductionVariants[].ContainerStartupHealthCheckTimeoutInSeconds', min: 60, max: 3600, key: 'serving.startupHealthCheckTimeoutSeconds' },
  { path: 'config.ProductionVariants[].ServerlessConfig.MemorySizeInMB', min: 1024, max: 6144, key: 'serving.serverless.memorySizeInMB' },
  { path: 'config.ProductionVariants[].ServerlessConfig.MaxConcurrency', min: 1, max: 200, key: 'serving.serverless.maxConcurrency' },
  { path: 'endpoint.EndpointName', max: 63, pattern: NAME, key: 'serving.endpointName' },
];

/** Every limit the requests break, at the job file's key that sets the value. */
export function checkEndpointRequests(requests: EndpointRequests): FileProblem[] {
  return checkLimits(requests, ENDPOINT_LIMITS);
}
