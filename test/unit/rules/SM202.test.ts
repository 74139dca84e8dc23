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
]);
