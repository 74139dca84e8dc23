import { NO_CONTEXT } from '../../../core/src/dockerfile/buildContext';
import { ruleTable } from '../../helpers/lint';

/** It handles SIGTERM, so that SM107 has nothing to say once a fix makes it the program. */
const TRAIN = { 'train.py': 'import signal, sys\nsignal.signal(signal.SIGTERM, lambda *_: sys.exit(0))\nprint("training")\n' };

ruleTable('SM205', [
  {
    name: 'the issue example: python is handed /opt/program/trainer.py, only train.py was copied; the fix runs train.py',
    dockerfile: 'FROM python:3.12-slim\nCOPY train.py /opt/program/\nENTRYPOINT ["python", "/opt/program/trainer.py"]\n',
    files: TRAIN,
    expect: [
      {
        line: 3,
        text: '/opt/program/trainer.py',
        severity: 'error',
        message:
          /hands \/opt\/program\/trainer\.py to python, but nothing puts that file in the image.*python: can't open file '\/opt\/program\/trainer\.py': \[Errno 2\] No such file or directory\. train\.py is copied to \/opt\/program\/train\.py: did you mean it\?/,
      },
    ],
    fixed: 'FROM python:3.12-slim\nCOPY train.py /opt/program/\nENTRYPOINT ["python", "/opt/program/train.py"]\n',
  },
  {
    name: 'a relative script is resolved against WORKDIR, and the fix keeps it relative',
    dockerfile: 'FROM python:3.12\nWORKDIR /app\nCOPY train.py .\nENTRYPOINT ["python3", "-u", "trainer.py"]\n',
    files: TRAIN,
    expect: [{ line: 4, text: 'trainer.py', message: /hands \/app\/trainer\.py to python3/ }],
    fixed: 'FROM python:3.12\nWORKDIR /app\nCOPY train.py .\nENTRYPOINT ["python3", "-u", "train.py"]\n',
  },
  {
    name: 'an executable path that nothing puts in the image, behind tini',
    dockerfile: 'FROM ubuntu:24.04\nCOPY --chmod=755 train /opt/program/train\nENTRYPOINT ["tini", "--", "/opt/program/run"]\n',
    files: { train: '#!/bin/sh\n' },
    expect: [{ line: 3, text: '/opt/program/run', message: /executes \/opt\/program\/run.*exec: "\/opt\/program\/run": stat/ }],
  },
  {
    name: 'a shell-form ENTRYPOINT of plain words is checked too (sh -c runs python the same way)',
    dockerfile: 'FROM python:3.12\nCOPY train.py /opt/program/\nENTRYPOINT python /opt/program/trainer.py --verbose\n',
    files: TRAIN,
    expect: [{ line: 3, text: '/opt/program/trainer.py', message: /can't open file '\/opt\/program\/trainer\.py'/ }],
    fixed: 'FROM python:3.12\nCOPY train.py /opt/program/\nENTRYPOINT python /opt/program/train.py --verbose\n',
  },
  {
    name: 'with no close name the message lists what the folder holds',
    dockerfile: 'FROM python:3.12\nCOPY src/ /opt/program/\nENTRYPOINT ["python", "/opt/program/main.py"]\n',
    files: { 'src/fit.py': 'x', 'src/data.py': 'y' },
    expect: [{ line: 3, text: '/opt/program/main.py', message: /Files copied to \/opt\/program: data\.py, fit\.py\./ }],
  },
  {
    name: 'on scratch any missing path is certain',
    dockerfile: 'FROM scratch\nCOPY busybox /bin/busybox\nENTRYPOINT ["/bin/sh", "/usr/local/bin/train"]\n',
    files: { busybox: 'x' },
    expect: [
      { line: 3, text: '/bin/sh', message: /the base image is scratch/ },
      { line: 3, text: '/usr/local/bin/train' },
    ],
  },
  {
    name: 'on a base image it does not know, a folder the Dockerfile fills itself gives a warning',
    dockerfile: 'FROM registry.example.com/team/base:1\nCOPY train.py /opt/program/\nENTRYPOINT ["python", "/opt/program/trainer.py"]\n',
    files: TRAIN,
    expect: [{ line: 3, text: '/opt/program/trainer.py', severity: 'warning', message: /unless it adds one/ }],
  },
  {
    name: 'an image of a Docker Hub namespace is not an official image: a warning',
    dockerfile: 'FROM pytorch/pytorch:2.3.0-cuda12.1-cudnn8-runtime\nWORKDIR /workspace\nCOPY train.py .\nENTRYPOINT ["python", "trainer.py"]\n',
    files: TRAIN,
    expect: [{ line: 4, text: 'trainer.py', severity: 'warning' }],
    fixed: 'FROM pytorch/pytorch:2.3.0-cuda12.1-cudnn8-runtime\nWORKDIR /workspace\nCOPY train.py .\nENTRYPOINT ["python", "train.py"]\n',
  },
  {
    name: 'an official image named with its registry and library/ prefix is known',
    dockerfile: 'FROM docker.io/library/python:3.12\nENTRYPOINT ["python", "/app/train.py"]\n',
    expect: [{ line: 2, text: '/app/train.py', severity: 'error', message: /Copy it there with COPY, or fix the path\./ }],
  },
  {
    name: 'silent for the folder named after the image, which holds its own files',
    dockerfile: 'FROM spark:3.5.1\nENTRYPOINT ["python3", "/opt/spark/examples/src/main/python/pi.py"]\n',
    expect: [],
  },
  {
    name: 'silent on an unknown base image when the Dockerfile puts nothing in that folder',
    dockerfile: 'FROM registry.example.com/team/base:1\nENTRYPOINT ["python", "/opt/program/trainer.py"]\n',
    expect: [],
  },
  {
    name: 'silent when the script is copied',
    dockerfile: 'FROM python:3.12\nCOPY train.py /opt/program/\nENTRYPOINT ["python", "/opt/program/train.py"]\n',
    files: TRAIN,
    expect: [],
  },
  {
    name: 'silent when a copied folder contains it',
    dockerfile: 'FROM python:3.12\nCOPY src /opt/program\nENTRYPOINT ["python", "/opt/program/pkg/trainer.py"]\n',
    files: { 'src/pkg/trainer.py': 'x' },
    expect: [],
  },
  {
    name: 'silent when a RUN creates it',
    dockerfile: 'FROM python:3.12\nRUN mkdir -p /opt/program && echo "print(1)" > /opt/program/trainer.py\nENTRYPOINT ["python", "/opt/program/trainer.py"]\n',
    expect: [],
  },
  {
    name: 'silent when a git clone runs in that folder',
    dockerfile: 'FROM python:3.12\nWORKDIR /srv/app\nRUN git clone https://example.com/r.git .\nENTRYPOINT ["python", "trainer.py"]\n',
    expect: [],
  },
  {
    name: 'silent when a RUN runs a script, which may write anywhere',
    dockerfile: 'FROM python:3.12\nCOPY setup.sh /tmp/\nRUN bash /tmp/setup.sh\nENTRYPOINT ["python", "/opt/program/trainer.py"]\n',
    files: { 'setup.sh': 'x' },
    expect: [],
  },
  {
    name: 'silent when pip install -e puts a project there',
    dockerfile: 'FROM python:3.12\nWORKDIR /srv/project\nCOPY . .\nRUN pip install -e .\nENTRYPOINT ["python", "/srv/project/trainer.py"]\n',
    files: TRAIN,
    expect: [],
  },
  {
    name: 'silent when it is copied from another stage',
    dockerfile:
      'FROM python:3.12 AS build\nRUN echo\nFROM python:3.12\nCOPY --from=build /out/ /opt/program/\nENTRYPOINT ["python", "/opt/program/trainer.py"]\n',
    expect: [],
  },
  {
    name: 'silent when python is handed a folder the Dockerfile fills (it runs its __main__.py)',
    dockerfile: 'FROM python:3.12\nCOPY src /opt/program\nENTRYPOINT ["python", "/opt/program"]\n',
    files: { 'src/__main__.py': 'x' },
    expect: [],
  },
  {
    name: 'silent when ADD unpacks an archive into the folder',
    dockerfile: 'FROM python:3.12\nADD code.tar.gz /opt/program/\nENTRYPOINT ["python", "/opt/program/trainer.py"]\n',
    files: { 'code.tar.gz': 'x' },
    expect: [],
  },
  {
    name: 'silent when ADD downloads into the folder',
    dockerfile: 'FROM python:3.12\nADD https://example.com/trainer.py /opt/program/\nENTRYPOINT ["python", "/opt/program/trainer.py"]\n',
    expect: [],
  },
  {
    name: 'silent when the build context cannot be read',
    dockerfile: 'FROM python:3.12\nCOPY src/ /opt/program/\nENTRYPOINT ["python", "/opt/program/trainer.py"]\n',
    context: NO_CONTEXT,
    expect: [],
  },
  {
    name: 'silent when a copied source is missing (the build fails first)',
    dockerfile: 'FROM python:3.12\nCOPY src/ /opt/program/\nENTRYPOINT ["python", "/opt/program/trainer.py"]\n',
    expect: [],
  },
  {
    name: 'silent when a COPY destination has a variable of unknown value',
    dockerfile: 'FROM python:3.12\nARG DEST\nCOPY train.py $DEST\nENTRYPOINT ["python", "/opt/program/trainer.py"]\n',
    files: TRAIN,
    expect: [],
  },
  {
    name: 'silent when the path has a variable (exec form does not expand it)',
    dockerfile: 'FROM python:3.12\nCOPY train.py /opt/program/\nENTRYPOINT ["python", "$APP/trainer.py"]\n',
    files: TRAIN,
    expect: [],
  },
  {
    name: 'silent for a relative path when the Dockerfile sets no WORKDIR (the base image may set one)',
    dockerfile: 'FROM golang:1.22\nCOPY train.py /go/\nENTRYPOINT ["python3", "src/trainer.py"]\n',
    files: TRAIN,
    expect: [],
  },
  {
    name: "a relative path is resolved against a known base image's WORKDIR (pytorch/pytorch: /workspace)",
    dockerfile: 'FROM pytorch/pytorch:2.3.0-cuda12.1-cudnn8-runtime\nCOPY train.py /workspace/\nENTRYPOINT ["python", "trainer.py"]\n',
    files: TRAIN,
    expect: [{ line: 3, text: 'trainer.py', severity: 'warning', message: /hands \/workspace\/trainer\.py to python/ }],
  },
  {
    name: 'silent for a standard folder a base image may fill',
    dockerfile: 'FROM python:3.12\nENTRYPOINT ["python", "/usr/local/lib/trainer.py"]\n',
    expect: [],
  },
  {
    name: 'silent under /opt/ml, which SageMaker mounts when the job runs',
    dockerfile: 'FROM python:3.12\nENTRYPOINT ["python", "/opt/ml/input/data/code/train.py"]\n',
    expect: [],
  },
  {
    name: 'silent for a program found on PATH by name',
    dockerfile: 'FROM python:3.12\nENTRYPOINT ["trainer"]\n',
    expect: [],
  },
  {
    name: 'a shell option that takes a value is not the script (bash -o pipefail run.sh)',
    dockerfile: 'FROM python:3.12\nWORKDIR /app\nCOPY run.sh /app/run.sh\nENTRYPOINT ["bash", "-o", "pipefail", "/app/run.sh"]\n',
    files: { 'run.sh': 'set -e\n' },
    expect: [],
  },
  {
    name: "a missing shell script fails in the shell's words, not Python's",
    dockerfile: 'FROM python:3.12\nCOPY run.sh /opt/program/run.sh\nENTRYPOINT ["bash", "/opt/program/start.sh"]\n',
    files: { 'run.sh': 'set -e\n' },
    expect: [{ line: 3, text: '/opt/program/start.sh', message: /bash: \/opt\/program\/start\.sh: No such file or directory/ }],
  },
]);
