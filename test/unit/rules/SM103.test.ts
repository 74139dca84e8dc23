import { ruleTable } from '../../helpers/lint';

ruleTable('SM103', [
  {
    name: 'no ENTRYPOINT, no CMD and no train program is a warning on the final FROM',
    dockerfile: 'FROM python:3.11 AS build\nRUN pip install numpy\nFROM python:3.11-slim\nRUN true\n',
    expect: [{ line: 3, text: 'python:3.11-slim', severity: 'warning', message: /executable file not found in \$PATH \(unless the base image provides one\)/ }],
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
