/**
 * The exam question behind the project: a custom TensorFlow algorithm in a Docker container must
 * run on SageMaker. (A) a CMD that starts training, (B) a RUN that trains at build time, (C) the
 * training script as ENTRYPOINT, (D) the script placed in /opt/ml/code. Only C works: SageMaker runs
 * `docker run <image> train`, which replaces A's CMD and finds no `train` for B and D. The same
 * holds on every base image custom containers usually start from.
 */
export const EXAM_BASES = [
  'tensorflow/tensorflow:2.13.0',
  'tensorflow/tensorflow:2.13.0-gpu',
  'python:3.11-slim',
  'pytorch/pytorch:2.1.0-cuda12.1-cudnn8-runtime',
  'ubuntu:22.04',
  'continuumio/miniconda3:24.7.1-0',
  'nvidia/cuda:12.4.1-base-ubuntu22.04',
  'condaforge/miniforge3:24.3.0-0',
  'public.ecr.aws/docker/library/python:3.11-slim',
];

export interface ExamAnswer {
  readonly letter: 'A' | 'B' | 'C' | 'D';
  readonly works: boolean;
  /** The rule whose error says why it fails. */
  readonly rule?: string;
  dockerfile(base: string): string;
}

export const EXAM_ANSWERS: readonly ExamAnswer[] = [
  {
    letter: 'A',
    works: false,
    rule: 'SM101',
    dockerfile: (base) => `FROM ${base}\nENV PYTHONUNBUFFERED=1\nCOPY train.py /opt/program/train.py\nCMD ["python", "/opt/program/train.py"]\n`,
  },
  {
    letter: 'B',
    works: false,
    rule: 'SM103',
    dockerfile: (base) => `FROM ${base}\nENV PYTHONUNBUFFERED=1\nCOPY train.py /opt/program/train.py\nRUN python /opt/program/train.py\n`,
  },
  {
    letter: 'C',
    works: true,
    dockerfile: (base) => `FROM ${base}\nENV PYTHONUNBUFFERED=1\nCOPY train.py /opt/program/train.py\nENTRYPOINT ["python", "/opt/program/train.py"]\n`,
  },
  {
    letter: 'D',
    works: false,
    rule: 'SM103',
    dockerfile: (base) => `FROM ${base}\nENV PYTHONUNBUFFERED=1\nCOPY train.py /opt/ml/code/train.py\n`,
  },
];

/** The training script of the exam: it takes SageMaker's `train` argument and saves on SIGTERM. */
export const EXAM_SCRIPT =
  'import signal\nimport sys\n\n\ndef stop(signum, frame):\n    sys.exit(0)\n\n\nsignal.signal(signal.SIGTERM, stop)\nprint("training", sys.argv[1:])\n';

/** File name of one case in a project folder: `A/tensorflow_tensorflow_2.13.0.Dockerfile`. */
export function examFile(answer: ExamAnswer, base: string): string {
  return `${answer.letter}/${base.replace(/[/:]/g, '_')}.Dockerfile`;
}
