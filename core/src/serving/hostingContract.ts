// What SageMaker hosting and batch transform promise and demand of a serving container, in one
// place, each with its source. [DG] is the developer guide's "Use your own inference code with
// hosting services" (https://docs.aws.amazon.com/sagemaker/latest/dg/your-algorithms-inference-code.html),
// [BT] its batch transform page (https://docs.aws.amazon.com/sagemaker/latest/dg/your-algorithms-batch-code.html),
// [API] the SageMaker API reference.

/** The container's port: "Containers need to implement a web server that responds to /invocations and /ping on port 8080." [DG] */
export const CONTAINER_PORT = 8080;

/**
 * "If the container does not begin to pass health checks, by consistently responding with 200s,
 * during the 4 minutes after startup, new instance launch will fail" [DG, 2023 text]; a variant's
 * ContainerStartupHealthCheckTimeoutInSeconds (60 to 3600) changes it [API ProductionVariant].
 */
export const DEFAULT_STARTUP_HEALTH_CHECK_SECONDS = 240;

/** "The request timeout on /ping attempts is 2 seconds." [DG] */
export const PING_TIMEOUT_MS = 2_000;

/** "Your model containers must respond to requests within 60 seconds." [DG] */
export const INVOCATION_TIMEOUT_MS = 60_000;

/** "must accept socket connection requests within 250 ms" [DG] */
export const CONNECT_TIMEOUT_MS = 250;

/**
 * InvokeEndpoint's payload limit: the API model's BodyBlob has `max: 6291456` (6 MiB) [API
 * sagemaker-runtime]; serverless endpoints take 4 MB ("Maximum request payload size: 4 MB",
 * https://docs.aws.amazon.com/sagemaker/latest/dg/serverless-endpoints.html), read as MiB like the 6.
 */
export const MAX_PAYLOAD_BYTES = { realTime: 6_291_456, serverless: 4 * 1024 * 1024 } as const;

/**
 * On scale-in and UpdateEndpoint "The command sends the SIGTERM signal, then it sends the SIGKILL
 * signal thirty seconds later." [DG]
 */
export const SERVING_STOP_GRACE_SECONDS = 30;

/** The labels an image declares to take a port other than 8080, and to be a multi-model container [DG, multi-container and MME pages]. */
export const LABELS = {
  acceptBindToPort: 'com.amazonaws.sagemaker.capabilities.accept-bind-to-port',
  multiModels: 'com.amazonaws.sagemaker.capabilities.multi-models',
} as const;

/** Where SageMaker extracts the model ("SageMaker decompresses this tar file into /opt/ml/model"), and MME's models. [DG] */
export const MODEL_DIR = '/opt/ml/model';
export const MULTI_MODEL_DIR = '/opt/ml/models';

/** Batch transform's environment [BT]: SAGEMAKER_BATCH, SAGEMAKER_MAX_PAYLOAD_IN_MB, SAGEMAKER_BATCH_STRATEGY, SAGEMAKER_MAX_CONCURRENT_TRANSFORMS. */
export const BATCH_STRATEGY_VALUES = { SingleRecord: 'SINGLE_RECORD', MultiRecord: 'MULTI_RECORD' } as const;
