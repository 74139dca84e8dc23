// The AWS half of the engine, bundled apart (dist/aws.js) and loaded on first use through
// load.ts: the SDK is large, and linting, the language server and activation never need it.
export { AwsClients } from './awsClients';
export { awsNetwork, bypassesProxy, type AwsNetwork } from './awsNetwork';
export { QUOTAS_URL, READING_LOGS, awsCall, explainAwsError } from './awsErrors';
export { listProfiles, resolveAwsTarget, type AwsProfile, type AwsTarget } from './awsTarget';
export { pushImage, TRAINING_PLATFORM, type PushOptions, type PushResult } from './ecrPush';
export type { UploadProgress } from './inputUpload';
export { TRAINING_INSTANCE_TYPES } from './instanceTypes';
export { followTrainingJob, FollowProgress, TERMINAL_STATUSES, type FollowOptions, type StatusUpdate } from './jobFollower';
export { summarizeTrainingJob, statusLine, instanceCount } from './jobSummary';
export { invokeEndpoint } from './invokeEndpoint';
export { deployEndpoint, discardRolledBackUpdate, type DeployedEndpoint, type DeployOptions, type DeployStep } from './deploy';
export {
  checkEndpointRequests,
  endpointRequests,
  endpointResourceName,
  updateEndpointRequest,
  ENDPOINT_LIMITS,
  VARIANT_NAME,
  type EndpointRequests,
  type PlacedEndpoint,
} from './endpointRequest';
export { endpointLogGroup, followEndpoint, type EndpointFollowOptions } from './endpointFollower';
export {
  deleteConfigAndModels,
  deleteEndpoint,
  describeEndpoint,
  endpointCostNote,
  findEndpoint,
  listEndpoints,
  SAGEMAKER_PRICING_URL,
  type DeleteOutcome,
} from './endpoints';
export { s3Reader } from './s3Reader';
export { logLineFormatter, TrainingLogReader, type LogLine } from './logStreams';
export {
  submitTrainingJob,
  previewSubmission,
  previewTrainingJobRequest,
  type SubmissionPreview,
  type SubmitOptions,
  type SubmittedJob,
  type SubmitStep,
} from './submit';
export { consoleUrl, downloadModelArtifact, getTrainingJob, listTrainingJobs, stopTrainingJob, type StopOutcome } from './trainingJobs';
export { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
