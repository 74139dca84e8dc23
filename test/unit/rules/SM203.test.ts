import { ruleTable } from '../../helpers/lint';

ruleTable('SM203', [
  {
    name: 'sagemaker-training without SAGEMAKER_PROGRAM is reported on the install, with a fix per copied script',
    dockerfile: 'FROM python:3.11\nENV PYTHONUNBUFFERED=1\nRUN pip install sagemaker-training\nCOPY src/ /opt/ml/code/\n',
    files: { 'src/train.py': 'x', 'src/utils.py': 'y', 'src/README.md': 'z' },
    expect: [{ line: 3, text: 'sagemaker-training', message: /SAGEMAKER_PROGRAM/ }],
    fixed: 'FROM python:3.11\nENV PYTHONUNBUFFERED=1\nRUN pip install sagemaker-training\nCOPY src/ /opt/ml/code/\nENV SAGEMAKER_PROGRAM=train.py\n',
  },
  {
    name: 'the second fix names the other script',
    dockerfile: 'FROM python:3.11\nENV PYTHONUNBUFFERED=1\nRUN pip install sagemaker-training\nCOPY src/ /opt/ml/code/\n',
    files: { 'src/train.py': 'x', 'src/utils.py': 'y' },
    expect: [{ line: 3, text: 'sagemaker-training' }],
    fixTitle: 'Add ENV SAGEMAKER_PROGRAM=utils.py',
    fixed: 'FROM python:3.11\nENV PYTHONUNBUFFERED=1\nRUN pip install sagemaker-training\nCOPY src/ /opt/ml/code/\nENV SAGEMAKER_PROGRAM=utils.py\n',
  },
  {
    name: 'a SageMaker training base image with code in /opt/ml/code is reported on the COPY',
    dockerfile: 'FROM 763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-training:2.1-cpu-py310\nCOPY fit.py /opt/ml/code/\n',
    files: { 'fit.py': 'x' },
    expect: [{ line: 2, text: '/opt/ml/code/' }],
    fixed: 'FROM 763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-training:2.1-cpu-py310\nCOPY fit.py /opt/ml/code/\nENV SAGEMAKER_PROGRAM=fit.py\n',
  },
  {
    name: 'SAGEMAKER_PROGRAM set (legacy ENV syntax)',
    dockerfile: 'FROM python:3.11\nRUN pip install sagemaker-training\nCOPY train.py /opt/ml/code/\nENV SAGEMAKER_PROGRAM train.py\n',
    files: { 'train.py': 'x' },
    expect: [],
  },
  {
    name: 'a framework base image without code in /opt/ml/code is fine (code comes with the job)',
    dockerfile: 'FROM 763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-training:2.1-cpu-py310\nRUN pip install numpy\n',
    expect: [],
  },
  {
    name: 'an inference Deep Learning Container with a "-sagemaker" tag is not a training image',
    dockerfile:
      'FROM 763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-inference:2.1.0-gpu-py310-cu118-ubuntu20.04-sagemaker\nCOPY inference.py /opt/ml/code/\n',
    files: { 'inference.py': 'x' },
    expect: [],
  },
  {
    name: 'a toolkit image with no code in /opt/ml/code is silent: jobs name their program (entry_point gives sagemaker_program)',
    dockerfile: 'FROM python:3.12-slim\nRUN pip install --no-cache-dir lightgbm sagemaker-training\n',
    expect: [],
  },
  {
    name: "code in /opt/ml/code run by the image's own ENTRYPOINT is silent: the toolkit is only a library there",
    dockerfile:
      'FROM python:3.12-slim\nRUN pip install sagemaker-training flask\nCOPY app/ /opt/ml/code/\nWORKDIR /opt/ml/code\nENTRYPOINT ["/opt/ml/code/start.sh"]\n',
    files: { 'app/start.sh': { content: '#!/bin/sh\nexec python fit.py "$@"\n', mode: 0o755 }, 'app/fit.py': 'print(1)\n' },
    expect: [],
  },
  {
    name: "a train program of the image's own on PATH wins over the toolkit's console script: silent",
    dockerfile:
      'FROM python:3.12-slim\nRUN pip install sagemaker-containers gunicorn\nENV PATH="/opt/job:${PATH}"\nCOPY job/ /opt/job/\nCOPY helpers.py /opt/ml/code/helpers.py\n',
    files: { 'job/train': { content: '#!/usr/bin/env python3\nprint(1)\n', mode: 0o755 }, 'helpers.py': 'x = 1\n' },
    expect: [],
  },
]);
