import { ruleTable } from '../../helpers/lint';

ruleTable('SM202', [
  {
    name: 'files in /opt/ml/code that nothing runs are reported on the COPY',
    dockerfile: 'FROM python:3.11\nCOPY train.py /opt/ml/code/train.py\nCMD ["python", "/opt/ml/code/train.py"]\n',
    files: { 'train.py': 'x' },
    expect: [{ line: 2, text: '/opt/ml/code/train.py', message: /never runs files from \/opt\/ml\/code/ }],
  },
  {
    name: 'the training toolkit runs them',
    dockerfile: 'FROM python:3.11\nRUN pip3 install sagemaker-training\nCOPY train.py /opt/ml/code/\n',
    files: { 'train.py': 'x' },
    expect: [],
  },
  {
    name: 'a SageMaker framework base image runs them',
    dockerfile: 'FROM 763104351884.dkr.ecr.us-west-2.amazonaws.com/tensorflow-training:2.13-cpu-py310\nCOPY train.py /opt/ml/code/\n',
    files: { 'train.py': 'x' },
    expect: [],
  },
  {
    name: 'an ENTRYPOINT that names /opt/ml/code runs them',
    dockerfile: 'FROM python:3.11\nCOPY train.py /opt/ml/code/\nENTRYPOINT ["python", "/opt/ml/code/train.py"]\n',
    files: { 'train.py': 'x' },
    expect: [],
  },
  {
    name: 'an ENTRYPOINT script relative to WORKDIR /opt/ml/code runs them',
    dockerfile: 'FROM python:3.11\nWORKDIR /opt/ml/code\nCOPY train.py .\nENTRYPOINT ["python", "train.py"]\n',
    files: { 'train.py': 'x' },
    expect: [],
  },
  {
    name: 'a train program from the build context that runs /opt/ml/code counts',
    dockerfile: 'FROM python:3.11\nCOPY train /usr/local/bin/\nCOPY src/ /opt/ml/code/\n',
    files: { train: { content: '#!/bin/sh\nexec python /opt/ml/code/main.py "$@"\n', mode: 0o755 }, 'src/main.py': 'x' },
    expect: [],
  },
  {
    name: 'not a training rule for inference files',
    dockerfile: '# smct kind=inference\nFROM python:3.11\nCOPY a /opt/ml/code/\n',
    files: { a: 'x' },
    expect: [],
  },
  {
    name: 'an inference Deep Learning Container base runs them',
    dockerfile: 'FROM 763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-inference:2.1.0-cpu-py310\nCOPY inference.py /opt/ml/code/\n',
    files: { 'inference.py': 'x' },
    expect: [],
  },
  {
    name: 'the toolkit named in a requirements file installed with pip -r runs them',
    dockerfile:
      'FROM python:3.12-slim\nCOPY requirements.txt /tmp/requirements.txt\nRUN pip install -r /tmp/requirements.txt\nCOPY fit.py /opt/ml/code/\nENV SAGEMAKER_PROGRAM=fit.py\n',
    files: { 'requirements.txt': 'xgboost==2.1.1\nsagemaker-training\n', 'fit.py': 'x' },
    expect: [],
  },
  {
    name: 'the toolkit in a conda environment file runs them',
    dockerfile:
      'FROM continuumio/miniconda3\nCOPY environment.yml .\nRUN conda env create -f environment.yml\nCOPY fit.py /opt/ml/code/\nENV SAGEMAKER_PROGRAM=fit.py\n',
    files: { 'environment.yml': 'name: job\ndependencies:\n  - python=3.11\n  - pip:\n      - sagemaker-training\n', 'fit.py': 'x' },
    expect: [],
  },
  {
    name: 'the toolkit as a dependency of the local project installed with pip install . runs them',
    dockerfile: 'FROM python:3.12-slim\nWORKDIR /build\nCOPY . .\nRUN pip install .\nCOPY fit.py /opt/ml/code/\nENV SAGEMAKER_PROGRAM=fit.py\n',
    files: { 'pyproject.toml': '[project]\nname = "job"\ndependencies = ["sagemaker-training>=4"]\n', 'fit.py': 'x' },
    expect: [],
  },
  {
    name: 'a requirements file without the toolkit changes nothing',
    dockerfile: 'FROM python:3.12-slim\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\nCOPY fit.py /opt/ml/code/\n',
    files: { 'requirements.txt': 'xgboost==2.1.1\n', 'fit.py': 'x' },
    expect: [{ line: 4, text: '/opt/ml/code/' }],
  },
  {
    name: '/opt/ml/code on PATH: a script runs the train program there by name',
    dockerfile:
      'FROM ubuntu:22.04\nCOPY boot.sh /usr/local/bin/boot.sh\nENV PATH="/opt/ml/code:${PATH}"\nCOPY job/ /opt/ml/code\nENTRYPOINT ["bash", "/usr/local/bin/boot.sh"]\n',
    files: { 'boot.sh': '#!/bin/bash\nexec "$@"\n', 'job/train': { content: '#!/bin/sh\necho fit\n', mode: 0o755 } },
    expect: [],
  },
  {
    name: 'an ENTRYPOINT that starts in WORKDIR /opt/ml/code finds its modules there by relative name',
    dockerfile: 'FROM python:3.12-slim\nCOPY start.sh /usr/bin/start\nCOPY app.py /opt/ml/code/app.py\nWORKDIR /opt/ml/code\nENTRYPOINT ["/usr/bin/start"]\n',
    files: { 'start.sh': { content: '#!/bin/sh\nexec gunicorn --bind 0.0.0.0:8080 app:app\n', mode: 0o755 }, 'app.py': 'x' },
    expect: [],
  },
  {
    name: 'WORKDIR /opt/ml/code alone runs nothing: no ENTRYPOINT, no train program',
    dockerfile: 'FROM python:3.12-slim\nWORKDIR /opt/ml/code\nCOPY fit.py .\n',
    files: { 'fit.py': 'x' },
    expect: [{ line: 3, text: '.' }],
  },
  {
    name: "an unknown base image with the toolkit's SAGEMAKER_PROGRAM set is trusted to bring the toolkit",
    dockerfile: 'ARG BASE_URI\nFROM ${BASE_URI}\nCOPY fit.py /opt/ml/code/fit.py\nENV SAGEMAKER_PROGRAM fit.py\n',
    files: { 'fit.py': 'x' },
    expect: [],
  },
  {
    name: 'a known plain base image with SAGEMAKER_PROGRAM set still has no toolkit',
    dockerfile: 'FROM python:3.12-slim\nCOPY fit.py /opt/ml/code/fit.py\nENV SAGEMAKER_PROGRAM fit.py\n',
    files: { 'fit.py': 'x' },
    expect: [{ line: 2, text: '/opt/ml/code/fit.py' }],
  },
]);
