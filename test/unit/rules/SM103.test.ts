import { localConfig, ruleTable } from '../../helpers/lint';

ruleTable('SM103', [
  {
    name: 'no ENTRYPOINT, no CMD and no train program on a base we do not know is a warning on the final FROM',
    dockerfile: 'FROM python:3.11 AS build\nRUN pip install numpy\nFROM registry.example.com/team/base:1.0\nRUN true\n',
    expect: [
      {
        line: 3,
        text: 'registry.example.com/team/base:1.0',
        severity: 'warning',
        message: /executable file not found in \$PATH \(unless the base image provides one\)/,
      },
    ],
  },
  {
    name: 'on a catalogued base known to have no train it is an error that names the base and its replaced CMD',
    dockerfile: 'FROM python:3.11 AS build\nRUN pip install numpy\nFROM python:3.11-slim\nCOPY train.py /opt/program/\n',
    expect: [
      {
        line: 3,
        text: 'python:3.11-slim',
        severity: 'error',
        message:
          /neither this Dockerfile nor the base image python:3\.11-slim puts a "train" program on PATH \(python:3\.11-slim's CMD "python3" is replaced by "train"\)/,
      },
    ],
  },
  {
    name: "the base image's own ENTRYPOINT that executes its arguments is followed: nvidia/cuda runs train from PATH",
    dockerfile: 'FROM nvidia/cuda:12.4.1-base-ubuntu22.04\nCOPY train.py /opt/ml/code/train.py\n',
    files: { 'train.py': 'print(1)\n' },
    expect: [
      {
        line: 1,
        text: 'nvidia/cuda:12.4.1-base-ubuntu22.04',
        severity: 'error',
        message: /base image's ENTRYPOINT "\/opt\/nvidia\/nvidia_entrypoint.sh" executes "train" from PATH/,
      },
    ],
  },
  {
    name: "a train copied into a folder of the base image's PATH is found (conda's /opt/conda/bin)",
    dockerfile: 'FROM continuumio/miniconda3:24.7.1-0\nCOPY --chmod=755 train /opt/conda/bin/train\n',
    files: { train: { content: '#!/bin/sh\n', mode: 0o755 } },
    expect: [],
  },
  {
    name: 'a serving image with no train at all is an inference image (container kind auto): training rules stay out',
    dockerfile: 'FROM python:3.11\nCOPY --chmod=755 serve /usr/local/bin/serve\n',
    files: { serve: { content: '#!/bin/sh\n', mode: 0o755 } },
    expect: [],
  },
  {
    name: "pip's general options before install still make an install of sagemaker-training (pip --no-cache-dir install, python -m pip -q install)",
    dockerfile: 'FROM nvidia/cuda:11.1-cudnn8-devel-ubuntu18.04\nRUN pip --no-cache-dir install sagemaker-training matplotlib\n',
    expect: [],
  },
  {
    name: 'python -m pip with options before install',
    dockerfile: 'FROM python:3.11\nRUN python3 -m pip -q --cache-dir /tmp/c install sagemaker-training\n',
    expect: [],
  },
  {
    name: 'pip with another command is no install',
    dockerfile: 'FROM python:3.11\nRUN pip --no-cache-dir download sagemaker-training\nCOPY src /opt/program\n',
    expect: [{ line: 1, text: 'python:3.11', severity: 'error' }],
  },
  {
    name: 'a base chosen at build time (a build argument with no default) can be anything: silent',
    dockerfile: 'ARG BASE_IMAGE\nFROM $BASE_IMAGE\nRUN true\n',
    expect: [],
  },
  {
    name: 'a build argument with a default names a known base',
    dockerfile: 'ARG BASE_IMAGE=python:3.11-slim\nFROM $BASE_IMAGE\nCOPY . /opt/program\n',
    expect: [{ line: 2, text: '$BASE_IMAGE', severity: 'error' }],
  },
  {
    name: 'an image that carries only its dependencies is an environment for a program the job brings (ContainerEntrypoint): a warning',
    dockerfile: 'FROM pytorch/pytorch:2.7.1-cuda12.8-cudnn9-devel\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\n',
    files: { 'requirements.txt': 'diffusers\n' },
    expect: [{ line: 1, text: 'pytorch/pytorch:2.7.1-cuda12.8-cudnn9-devel', severity: 'warning', message: /unless every job sets its own entry point/ }],
  },
  {
    name: 'the mirrors of the official images are the same images',
    dockerfile: 'FROM public.ecr.aws/docker/library/python:3.11-slim\nCOPY train.py /opt/program/\n',
    expect: [{ line: 1, text: 'public.ecr.aws/docker/library/python:3.11-slim', severity: 'error' }],
  },
  {
    name: 'a local base image whose ENTRYPOINT is not known to run its arguments takes train: silent',
    dockerfile: 'FROM team/trainer:1\nRUN true\n',
    localImage: (reference) => (reference === 'team/trainer:1' ? localConfig({ entrypoint: ['/usr/bin/start-training'] }) : undefined),
    expect: [],
  },
  {
    name: 'a local base image read from Docker with no ENTRYPOINT and an unknown PATH stays a warning',
    dockerfile: 'FROM team/base:1\nRUN true\n',
    localImage: () => localConfig({}),
    expect: [{ line: 1, text: 'team/base:1', severity: 'warning' }],
  },
  {
    name: 'a local base image built on the SageMaker training toolkit (SAGEMAKER_TRAINING_MODULE in its environment) provides train',
    dockerfile: 'FROM team/toolkit-base:1\nRUN true\n',
    localImage: () => localConfig({ env: { SAGEMAKER_TRAINING_MODULE: 'sagemaker_pytorch_container.training:main' } }),
    expect: [],
  },
  {
    name: 'on scratch it is an error',
    dockerfile: 'FROM scratch\nCOPY model.bin /model.bin\n',
    files: { 'model.bin': 'x' },
    expect: [{ line: 1, text: 'scratch', severity: 'error' }],
  },
  {
    name: 'not reported with a CMD (SM101 covers it)',
    dockerfile: 'FROM python:3.11\nCMD ["python", "train.py"]\n',
    expect: [],
  },
  {
    name: 'not reported on an image named for the SageMaker toolkit',
    dockerfile: 'FROM 683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-scikit-learn:1.2-1-cpu-py3\nRUN true\n',
    expect: [],
  },
  {
    name: 'not reported when the build context provides train on PATH',
    dockerfile: 'FROM scratch\nCOPY busybox train /bin/\n',
    files: { busybox: { content: '\x7fELF', mode: 0o755 }, train: { content: '#!/bin/busybox sh\n', mode: 0o755 } },
    expect: [],
  },
  {
    name: 'a train copied to a folder that is not on PATH does not count (WORKDIR is not searched)',
    dockerfile: 'FROM python:3.11\nWORKDIR /opt/program\nCOPY train .\n',
    files: { train: { content: '#!/bin/sh\n', mode: 0o755 } },
    expect: [{ line: 1, text: 'python:3.11' }],
  },
  {
    name: 'not reported for inference-only files',
    dockerfile: '# smct kind=inference\nFROM python:3.11\nRUN true\n',
    expect: [],
  },
  {
    name: 'an empty ENTRYPOINT leaves Docker to execute train',
    dockerfile: 'FROM python:3.11\nENTRYPOINT []\n',
    expect: [{ line: 1, text: 'python:3.11', message: /there is no ENTRYPOINT/ }],
  },
  {
    name: 'a lone init wrapper only executes train',
    dockerfile: 'FROM python:3.11\nENTRYPOINT ["/sbin/tini", "-g", "--"]\n',
    expect: [{ line: 1, text: 'python:3.11', message: /only starts an init wrapper, which executes "train"/ }],
  },
  {
    name: 'an inference Deep Learning Container is a known SageMaker image',
    dockerfile: 'FROM 763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-inference:2.1.0-cpu-py310\nENV SAGEMAKER_PROGRAM=inference.py\n',
    expect: [],
  },
]);
