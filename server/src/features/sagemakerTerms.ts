/**
 * What SageMaker puts under /opt/ml and what its SAGEMAKER_* variables mean, for hovers and
 * completion. Sources: the SageMaker Developer Guide's container pages,
 * https://docs.aws.amazon.com/sagemaker/latest/dg/your-algorithms-training-algo-running-container.html,
 * https://docs.aws.amazon.com/sagemaker/latest/dg/your-algorithms-training-algo-dockerfile.html and
 * https://docs.aws.amazon.com/sagemaker/latest/dg/your-algorithms-inference-code.html.
 */
export interface Term {
  readonly name: string;
  readonly description: string;
}

export const OPT_ML_PATHS: readonly Term[] = [
  {
    name: '/opt/ml',
    description:
      'Reserved by SageMaker: it mounts input, model, output and checkpoint folders here when the job runs, hiding what the image put there (only /opt/ml/code is left alone).',
  },
  {
    name: '/opt/ml/code',
    description:
      'Where the SageMaker training toolkit looks for your code (SAGEMAKER_SUBMIT_DIRECTORY). SageMaker itself never runs anything from here; the toolkit runs SAGEMAKER_PROGRAM. Not mounted over: files copied here stay visible.',
  },
  {
    name: '/opt/ml/input',
    description: 'Mounted by SageMaker at run time: job configuration (input/config) and data channels (input/data). Anything the image puts here is hidden.',
  },
  {
    name: '/opt/ml/input/config',
    description:
      'Written by SageMaker before the container starts: hyperparameters.json, inputdataconfig.json, resourceconfig.json, and checkpointconfig.json when checkpoints are configured.',
  },
  {
    name: '/opt/ml/input/config/hyperparameters.json',
    description: 'The job\'s hyperparameters as a JSON object. Every value is a string: convert numbers yourself (`{"epochs": "10"}`).',
  },
  {
    name: '/opt/ml/input/config/inputdataconfig.json',
    description: 'One entry per data channel: ContentType, TrainingInputMode (File, FastFile or Pipe), S3DistributionType, RecordWrapperType.',
  },
  {
    name: '/opt/ml/input/config/resourceconfig.json',
    description:
      'The cluster: current_host (e.g. "algo-1"), hosts (["algo-1", "algo-2", …]), network_interface_name, current_instance_type, instance_groups. Use it, not /etc/hostname, for distributed training.',
  },
  {
    name: '/opt/ml/input/config/checkpointconfig.json',
    description: 'Present only when the job sets CheckpointConfig: {"LocalPath": "/opt/ml/checkpoints/"}.',
  },
  {
    name: '/opt/ml/input/data',
    description:
      'One folder per input channel: /opt/ml/input/data/<channel>/ in File and FastFile mode (read-only in FastFile), FIFOs <channel>_0, <channel>_1, … in Pipe mode.',
  },
  {
    name: '/opt/ml/input/data/training',
    description: 'The "training" channel\'s data (the channel name is the one the job gives; "training" and "train" are common).',
  },
  {
    name: '/opt/ml/model',
    description:
      'Write the trained model here. After the job (also after a failure) SageMaker tars it to <S3OutputPath>/<job>/output/model.tar.gz. At serving time the model is unpacked here.',
  },
  { name: '/opt/ml/output', description: 'Job output. Write a failure description to /opt/ml/output/failure; put other results in /opt/ml/output/data.' },
  { name: '/opt/ml/output/failure', description: "Write why the job failed: SageMaker reports the first 1024 characters as the job's FailureReason." },
  { name: '/opt/ml/output/data', description: 'Other outputs: tarred to <S3OutputPath>/<job>/output/output.tar.gz after the job.' },
  { name: '/opt/ml/output/intermediate', description: 'Used by the training toolkit: synced to S3 while the job runs.' },
  {
    name: '/opt/ml/checkpoints',
    description:
      'The default CheckpointConfig.LocalPath: synced with the checkpoint S3 location during training and restored when a Spot job restarts. Not tarred.',
  },
];

export const SAGEMAKER_VARIABLES: readonly Term[] = [
  {
    name: 'SAGEMAKER_PROGRAM',
    description: 'The script the training (or inference) toolkit runs from /opt/ml/code, e.g. train.py. The only variable a toolkit-based image must set.',
  },
  {
    name: 'SAGEMAKER_SUBMIT_DIRECTORY',
    description: 'Where the toolkit finds the code: /opt/ml/code by default, or an S3 URI of a sourcedir.tar.gz (extracted only when /opt/ml/code is empty).',
  },
  {
    name: 'SAGEMAKER_TRAINING_MODULE',
    description:
      'The framework hook of a SageMaker framework training image (e.g. sagemaker_pytorch_container.training:main). Only toolkit-based images set it.',
  },
  {
    name: 'SAGEMAKER_SERVING_MODULE',
    description: 'The framework hook of a SageMaker framework serving image (e.g. sagemaker_pytorch_serving_container.serving:main).',
  },
  { name: 'SAGEMAKER_REGION', description: 'The AWS Region, read by the training toolkit when AWS_REGION is not set.' },
  { name: 'SAGEMAKER_CONTAINER_LOG_LEVEL', description: 'Log level of the SageMaker toolkits (Python logging level, e.g. 20 for INFO).' },
  { name: 'SAGEMAKER_BASE_DIR', description: 'Base folder of the toolkits instead of /opt/ml (used by local testing).' },
  {
    name: 'SAGEMAKER_BIND_TO_PORT',
    description:
      'Set by SageMaker in inference pipelines and multi-container endpoints: the port to listen on instead of 8080. Needs LABEL com.amazonaws.sagemaker.capabilities.accept-bind-to-port=true.',
  },
  { name: 'SAGEMAKER_SAFE_PORT_RANGE', description: 'Set by SageMaker for multi-container endpoints: the "XXXX-YYYY" range a second port must come from.' },
  {
    name: 'SAGEMAKER_MULTI_MODEL',
    description: 'Set to "true" by SageMaker for multi-model endpoints (the image needs LABEL com.amazonaws.sagemaker.capabilities.multi-models=true).',
  },
  { name: 'SAGEMAKER_MODEL_SERVER_WORKERS', description: 'Inference toolkit: number of model server workers.' },
  { name: 'SAGEMAKER_MODEL_SERVER_TIMEOUT', description: 'Inference toolkit: model server response timeout in seconds (default 60).' },
  { name: 'SAGEMAKER_DEFAULT_INVOCATIONS_ACCEPT', description: 'Inference toolkit: the Accept type used when a request gives none.' },
  { name: 'SAGEMAKER_ADDITIONAL_MODEL_SERVER_OPTIONS', description: 'Inference toolkit: extra options passed to the model server.' },
  { name: 'SAGEMAKER_BATCH', description: 'Set to "true" by SageMaker in Batch Transform jobs.' },
  { name: 'SAGEMAKER_MAX_PAYLOAD_IN_MB', description: 'Set by SageMaker in Batch Transform jobs: the largest request body.' },
  { name: 'SAGEMAKER_BATCH_STRATEGY', description: 'Set by SageMaker in Batch Transform jobs: SINGLE_RECORD or MULTI_RECORD.' },
  { name: 'SAGEMAKER_MAX_CONCURRENT_TRANSFORMS', description: 'Set by SageMaker in Batch Transform jobs: parallel requests per instance.' },
];

export const CAPABILITY_LABELS: readonly Term[] = [
  {
    name: 'com.amazonaws.sagemaker.capabilities.accept-bind-to-port=true',
    description: 'Required for inference pipelines and multi-container endpoints: the server listens on $SAGEMAKER_BIND_TO_PORT.',
  },
  { name: 'com.amazonaws.sagemaker.capabilities.multi-models=true', description: 'Required for multi-model endpoints: the server implements the /models API.' },
];

/** The most specific /opt/ml entry that contains the path. */
export function optMlTerm(path: string): Term | undefined {
  const normalized = path.replace(/\/+$/, '');
  let best: Term | undefined;
  for (const term of OPT_ML_PATHS) {
    if ((normalized === term.name || normalized.startsWith(term.name + '/')) && (!best || term.name.length > best.name.length)) best = term;
  }
  return best;
}
