// The engine's one public entry point: the language server, smct and the VS Code extension import
// from here and nowhere deeper. The AWS half is not exported as code: it is bundled apart
// (dist/aws.js) and loaded on first use with loadAws(); only its types are re-exported.
export { VERSION } from './version';
export { SmctError, isSmctError, isCancellation, exitCodeOf, EXIT_CODES, type SmctErrorCode } from './errors';

export { CONFIG_FILE_NAME, findProjectConfig, loadProjectConfig, type LoadedConfig } from './config/projectConfig';
export { KIND_SETTINGS, mergeSettings, severityRank, type KindSetting, type LintSettings, type Severity, type SeveritySetting } from './config/settings';

export { Analysis } from './dockerfile/analysis';
export { FileSystemContext } from './dockerfile/buildContext';
export type { Verb } from './dockerfile/evidence';
export { displayArgv, type StartedProgram } from './dockerfile/program';

export type { LocalImageLookup } from './dockerfile/baseFacts';
export { inspectImageConfig, type ImageConfig } from './image/imageConfig';
export {
  INSPECT_TIMEOUT_MS,
  baseReferenceOf,
  inspectLocalImages,
  localBaseReference,
  localImageLookup,
  readLocalImages,
  type LocalImageInspector,
  type LocalImageRead,
  type LocalImageReadOptions,
} from './image/localImages';

export { lintDockerfile, type LintFinding, type LintResult } from './lint/linter';
export { MAX_DOCKERFILE_BYTES, readDockerfile } from './lint/readDockerfile';
export { RULES, RULE_IDS } from './rules';
export type { FileEdit } from './rules/rule';
export { localRulePage, PROJECT_HOME, rulePageMarkdown, webRulePage } from './rules/rulePages';

export { describeProblems, keyPath, type FileProblem, type LocatedProblem } from './config/fileProblems';
export { JOB_FILE_NAME, checkJobFileText, loadTrainingJob, type JobFileRule, type TrainingJob } from './job/trainingJob';
export { jobFileProblems, sageMakerLimits, type SageMakerCheckOptions } from './job/sageMakerChecks';
export { displayPath, lintErrorSummary, lintJobDockerfile, passLintGate, type LintGateResult } from './lint/lintGate';

export { buildImage } from './local/build';
export {
  checkImage,
  checkImageFiles,
  imageErrorsRefusal,
  imageCheckErrors,
  imageCheckLines,
  type ImageCheckId,
  type ImageCheckOptions,
  type ImageCheckResult,
  type ImageProblem,
} from './image/imageCheck';
export { CHECK_LABEL, missingImage, type ImageEntry, type ImageFiles } from './image/imageFiles';
export { imageExists } from './local/docker';
export { engineRuntimes, gpuPlan, gpuStartFailure, type GpuPlan, type GpuPlanOptions } from './local/gpus';
export { instanceHardware, type AcceleratorKind, type InstanceHardware } from './local/instanceHardware';
export { killOwnContainers, removeOwnRunFolders } from './local/leftovers';
export { interruptionProblem, runLocalTraining, type LocalStatusTransition, type LocalTrainingOptions, type LocalTrainingResult } from './local/localTraining';
export { formatBytes, parseDuration, parseSize } from './config/quantities';
export { interruptionVerdict, trainingSummaryLines } from './local/trainingSummary';
export type { DownloadProgress } from './local/inputs';

export { loadAws, type Aws } from './aws/load';
export { parseImageReference } from './aws/imageReference';
export type {
  AwsClients,
  AwsNetwork,
  AwsProfile,
  AwsTarget,
  FollowProgress,
  LogLine,
  PushResult,
  StopOutcome,
  SubmittedJob,
  UploadProgress,
} from './aws/index';
export {
  startLocalEndpoint,
  PING_FAILURE,
  LOCAL_BIND_TO_PORT,
  LOCAL_SAFE_PORT_RANGE,
  type LocalEndpoint,
  type LocalEndpointOptions,
} from './serving/localEndpoint';
export type { ModelSource, ServingSpec } from './job/servingSection';
export { latestLocalModel, prepareModel, extractBounded, type PreparedModel, type PrepareModelOptions } from './serving/modelSource';

export { httpExchange, noEndpoint, type HttpAnswer, type HttpExchange } from './serving/localHttp';
export { forwardedHeaders, invokeLocal, modelErrorMessage, timeoutMessage, type InvokeLocalOptions } from './serving/invokeLocal';
export { checkPayloadSize, checkRequestHeaders, type InvocationRequest, type InvocationResponse } from './serving/invocation';
export {
  invokeModel,
  isModelLoaded,
  listModels,
  loadModel,
  modelNameOf,
  modelUrlOf,
  unloadModel,
  type LoadedModel,
  type ModelApiOptions,
} from './serving/multiModelApi';
export { crc32c, maskedCrc32c, recordPayload, splitRecords, tfRecordEncode } from './serving/transform/records';
export { BYTES_PER_MB, makeBatches, type Batch } from './serving/transform/batches';
export { DEFAULT_TRANSFORM_PARAMETERS, effectiveParameters, readExecutionParameters, type TransformParameters } from './serving/transform/executionParameters';
export {
  TRANSFORM_REQUEST_TIMEOUT_MS,
  parametersLine,
  transformWithEndpoint,
  type TransformOptions,
  type TransformResult,
  type TransformedFile,
} from './serving/transform/transformWithEndpoint';
export { batchEnvironment, runLocalTransform, transformSpecOf, type LocalTransformOptions } from './serving/transform/localTransform';

export { initProject, type InitOptions, type InitResult } from './scaffold/initProject';
export { DEFAULT_BASE_IMAGE, PROJECT_TEMPLATES, type ProjectTemplate, type TemplateId } from './scaffold/projectTemplates';
export { nameFromFolder } from './scaffold/projectValues';
