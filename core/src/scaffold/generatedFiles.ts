// The files of a new project that depend on the template and the user's choices: the Dockerfile,
// .dockerignore, the job file and the README. The programs themselves are copied from templates/.
import { LABELS } from '../serving/hostingContract';
import type { ProjectTemplate } from './projectTemplates';

export interface ProjectChoices {
  readonly template: ProjectTemplate;
  readonly name: string;
  readonly serving: boolean;
  readonly baseImage: string;
  readonly roleArn?: string;
}

/** The instance type of the job and the endpoint: general purpose, CPU only, in every region. */
const INSTANCE_TYPE = 'ml.m5.large';

export function dockerfileText(choices: ProjectChoices): string {
  const { template, serving } = choices;
  const lines = [
    `# A ${serving ? 'training and serving' : 'training'} container for Amazon SageMaker, made by "smct init --template ${template.id}".`,
    serving
      ? '# SageMaker runs "docker run <image> train" for training and "docker run <image> serve" for an\n# endpoint or a batch transform: with no ENTRYPOINT, Docker runs the program of that name found\n# on PATH, here /opt/program/train or /opt/program/serve.'
      : '# SageMaker runs "docker run <image> train": with no ENTRYPOINT, Docker runs the program named\n# "train" found on PATH, here /opt/program/train.',
    `ARG BASE_IMAGE=${choices.baseImage}`,
    'FROM ${BASE_IMAGE}',
    'ENV PYTHONUNBUFFERED=1 \\\n    PYTHONDONTWRITEBYTECODE=1',
  ];
  if (template.frameworkModule !== undefined) {
    lines.push(
      'COPY requirements.txt /opt/program/requirements.txt',
      '# Installs the framework unless the base image has it already (a framework base image).',
      `RUN python3 -c "import ${template.frameworkModule}" 2>/dev/null \\\n    || python3 -m pip install --no-cache-dir -r /opt/program/requirements.txt`,
    );
  }
  if (serving) {
    lines.push(
      '# "serve" listens on $SAGEMAKER_BIND_TO_PORT when SageMaker sets it (inference pipelines,',
      '# multi-container endpoints), which SageMaker allows only for images with this label.',
      `LABEL ${LABELS.acceptBindToPort}=true`,
    );
  }
  lines.push('COPY program/ /opt/program/', 'ENV PATH="/opt/program:${PATH}"', 'WORKDIR /opt/program');
  return lines.join('\n') + '\n';
}

export function dockerignoreText(): string {
  return [
    '# Keeps the build context to what the Dockerfile copies: the sample data goes to the job as a',
    '# channel, and local runs write their output next to the job file.',
    '.git',
    'data/',
    'output/',
    '**/__pycache__',
    '**/*.pyc',
    '.venv/',
    '',
  ].join('\n');
}

/** Local runs write their output next to the job file: models are not for version control. */
export function gitignoreText(): string {
  return ['output/', '__pycache__/', '*.pyc', '.venv/', ''].join('\n');
}

export function jobFileText(choices: ProjectChoices): string {
  const job: Record<string, unknown> = {
    baseJobName: choices.name,
    image: `${choices.name}:latest`,
    ...(choices.roleArn === undefined ? {} : { roleArn: choices.roleArn }),
    hyperparameters: choices.template.hyperparameters,
    inputs: {
      train: { source: 'data/train', contentType: 'text/csv' },
      validation: { source: 'data/validation', contentType: 'text/csv' },
    },
    resources: { instanceType: INSTANCE_TYPE, instanceCount: 1 },
    stopping: { maxRuntimeSeconds: 3600 },
    ...(choices.serving ? { serving: { endpointName: choices.name, instanceType: INSTANCE_TYPE } } : {}),
  };
  return JSON.stringify(job, null, 2) + '\n';
}
