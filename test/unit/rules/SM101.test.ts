import { ruleTable } from '../../helpers/lint';

const unbuffered = 'ENV PYTHONUNBUFFERED=1\n';

ruleTable('SM101', [
  {
    name: 'CMD is reported when there is no ENTRYPOINT and no train program',
    dockerfile: `FROM python:3.11\n${unbuffered}COPY train.py /opt/program/\nCMD ["python", "/opt/program/train.py"]\n`,
    // It handles SIGTERM, so that SM107 has nothing to say once the CMD becomes the ENTRYPOINT.
    files: { 'train.py': 'import signal, sys\nsignal.signal(signal.SIGTERM, lambda *_: sys.exit(0))\nprint(1)\n' },
    expect: [
      { line: 4, text: '["python", "/opt/program/train.py"]', severity: 'error', message: /replaces this CMD; "python \/opt\/program\/train.py" never runs/ },
    ],
    fixed: `FROM python:3.11\n${unbuffered}COPY train.py /opt/program/\nENTRYPOINT ["python", "/opt/program/train.py"]\n`,
  },
  {
    name: 'a shell-form CMD of plain words is converted to an exec-form ENTRYPOINT',
    dockerfile: `FROM python:3.11\n${unbuffered}cmd python train.py --epochs 3\n`,
    expect: [{ line: 3, text: 'python train.py --epochs 3' }],
    fixed: `FROM python:3.11\n${unbuffered}entrypoint ["python", "train.py", "--epochs", "3"]\n`,
  },
  {
    name: 'a shell-form CMD with shell syntax is reported without an automatic fix',
    dockerfile: 'FROM python:3.11\nCMD cd /app && python train.py\n',
    expect: [{ line: 2, text: 'cd /app && python train.py' }],
  },
  {
    name: 'a CMD after an init-wrapper ENTRYPOINT is reported, and the fix keeps the wrapper',
    dockerfile: `FROM python:3.11\n${unbuffered}ENTRYPOINT ["/usr/bin/tini", "--"]\nCMD ["python", "train.py"]\n`,
    expect: [{ line: 4, text: '["python", "train.py"]', message: /tini --" then executes "train"/ }],
    fixed: `FROM python:3.11\n${unbuffered}ENTRYPOINT ["/usr/bin/tini", "--"]\nENTRYPOINT ["/usr/bin/tini", "--", "python", "train.py"]\n`,
  },
  {
    name: 'a CMD inherited from an earlier stage is reported on that stage',
    dockerfile: `FROM python:3.11 AS Base\n${unbuffered}CMD ["python", "train.py"]\nFROM base\nRUN echo hi\n`,
    expect: [{ line: 3, text: '["python", "train.py"]' }],
    fixed: `FROM python:3.11 AS Base\n${unbuffered}ENTRYPOINT ["python", "train.py"]\nFROM base\nRUN echo hi\n`,
  },
  {
    name: 'no report with an exec-form ENTRYPOINT',
    dockerfile: 'FROM python:3.11\nENTRYPOINT ["python", "train.py"]\nCMD ["--epochs", "3"]\n',
    expect: [],
  },
  {
    name: 'no report when a train file is copied into a PATH folder',
    dockerfile: 'FROM python:3.11\nCOPY train /usr/local/bin/train\nCMD ["python", "x.py"]\n',
    files: { train: { content: '#!/bin/sh\n', mode: 0o755 } },
    expect: [],
  },
  {
    name: 'no report when a context folder holding train is copied into a folder added to PATH',
    dockerfile: 'FROM python:3.11\nENV PATH="/opt/program:${PATH}"\nCOPY decision_trees /opt/program\nCMD ["serve"]\n',
    files: { 'decision_trees/train': { content: '#!/usr/bin/env python\n', mode: 0o755 } },
    expect: [],
  },
  {
    name: 'no report when sagemaker-training is installed (any pip spelling)',
    dockerfile: 'FROM python:3.11\nRUN python3 -m pip install --no-cache-dir "sagemaker-training==4.7.4"\nCMD ["python", "train.py"]\n',
    expect: [],
  },
  {
    name: 'no report when the toolkit archive is named by an ARG default',
    dockerfile: 'FROM python:3.11\nARG TOOLKIT=sagemaker_tensorflow_training.tar.gz\nRUN pip install /tmp/$TOOLKIT\nCMD ["python", "train.py"]\n',
    expect: [],
  },
  {
    name: 'no report when a RUN links train into /usr/local/bin',
    dockerfile: 'FROM python:3.11\nRUN ln -s /opt/program/run.py /usr/local/bin/train\nCMD ["python", "x.py"]\n',
    expect: [],
  },
  {
    name: 'no report on an AWS Deep Learning Container for training, even with a build variable in the host',
    dockerfile: 'ARG REGION=us-east-1\nFROM 763104351884.dkr.ecr.$REGION.amazonaws.com/pytorch-training:2.1.0-gpu-py310\nCMD ["python", "train.py"]\n',
    expect: [],
  },
  {
    name: 'no report when SAGEMAKER_TRAINING_MODULE is set',
    dockerfile: 'FROM python:3.11\nENV SAGEMAKER_TRAINING_MODULE=sagemaker_pytorch_container.training:main\nCMD ["python", "train.py"]\n',
    expect: [],
  },
  {
    name: 'an ENTRYPOINT in a later stage clears the inherited CMD',
    dockerfile: 'FROM python:3.11 AS base\nCMD ["python", "train.py"]\nFROM base\nENTRYPOINT ["python", "main.py"]\n',
    expect: [],
  },
  {
    name: 'only the target stage counts',
    dockerfile: 'FROM python:3.11 AS train\nENTRYPOINT ["python", "t.py"]\nFROM python:3.11 AS other\nCMD ["python", "x.py"]\n',
    settings: { target: 'TRAIN' },
    expect: [],
  },
  {
    name: 'not reported for an inference-only file',
    dockerfile: '# smct kind=inference\nFROM python:3.11\nCMD ["python", "serve.py"]\n',
    expect: [],
  },
  {
    name: 'an init wrapper with option values (tini -e 143 --) is still only a wrapper',
    dockerfile: 'FROM python:3.11\nENTRYPOINT ["tini", "-e", "143", "--"]\nCMD ["python", "train.py"]\n',
    expect: [{ line: 3, text: '["python", "train.py"]' }],
  },
  {
    name: 'dumb-init --rewrite 15:2 -- is only a wrapper',
    dockerfile: 'FROM python:3.11\nENTRYPOINT ["dumb-init", "--rewrite", "15:2", "--"]\nCMD ["python", "train.py"]\n',
    expect: [{ line: 3, text: '["python", "train.py"]' }],
  },
  {
    name: 'a train linked by a relative name in a PATH folder (WORKDIR) counts',
    dockerfile: 'FROM python:3.11\nWORKDIR /usr/local/bin\nRUN ln -s /opt/program/train.py train\nCMD ["python", "x.py"]\n',
    expect: [],
  },
  {
    name: 'a train linked after cd into a PATH folder counts',
    dockerfile: 'FROM python:3.11\nRUN cd /usr/local/bin && ln -s /opt/program/train.py train\nCMD ["python", "x.py"]\n',
    expect: [],
  },
  {
    name: 'install -m 755 into a PATH folder counts',
    dockerfile: 'FROM python:3.11\nRUN install -m 755 /tmp/run.sh /usr/local/bin/train\nCMD ["python", "x.py"]\n',
    expect: [],
  },
]);
