/**
 * A local AWS for the test suites: SageMaker, ECR, CloudWatch Logs, S3 and STS on one port of
 * 127.0.0.1, speaking their wire protocols to the real SDK clients, validating every request
 * against the official models. Start one with startAwsEmulator() and give its `env` to the code
 * under test.
 */
export { AwsEmulator, startAwsEmulator, type EmulatorOptions, type EmulatorRequest, type Fault } from './server';
export {
  dockerRunner,
  scriptedRunner,
  pullImage,
  pullForRun,
  localJob,
  type PulledImage,
  type DockerRunnerOptions,
  type ScriptedRunnerOptions,
} from './runners';
export {
  findAwsModels,
  loadModel,
  locateAwsModels,
  MIN_BOTOCORE,
  modelFilesIn,
  olderThan,
  SERVICES,
  type AwsModels,
  type ServiceModel,
  type ServiceName,
} from './models';
export { validateInput, validateValue, issuesError, type ValidationIssue } from './modelValidator';
export { javaPattern, translateJavaPattern, UntranslatablePatternError } from './javaRegex';
export {
  HostingService,
  pingFailure,
  type EndpointInfo,
  type EndpointRunner,
  type EndpointRunnerContext,
  type EndpointState,
  type EndpointStatus,
  type RunningEndpoint,
} from './hosting';
export {
  dockerEndpointRunner,
  imagePullFailure,
  scriptedEndpointRunner,
  type DockerEndpointRunnerOptions,
  type ScriptedEndpointOptions,
} from './endpointRunners';
export { TRAINING_LOG_GROUP, type TrainingJobState, type StatusTransition } from './sagemaker';
export type { RegistryInfo } from './ecr';
export type { CreateTrainingJobRequest, RunnerContext, RunnerResult, SecondaryStatus, TrainingJobInfo, TrainingJobStatus, TrainingRunner } from './training';
