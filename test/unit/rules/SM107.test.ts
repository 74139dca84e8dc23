import { ruleTable } from '../../helpers/lint';

const PLAIN = 'import pandas as pd\n\ndef main():\n    print("training")\n\nif __name__ == "__main__":\n    main()\n';
const HANDLED = 'import signal, sys\n\ndef stop(signum, frame):\n    sys.exit(0)\n\nsignal.signal(signal.SIGTERM, stop)\nprint("training")\n';
const EXECUTABLE = (content: string): { content: string; mode: number } => ({ content, mode: 0o755 });

ruleTable('SM107', [
  {
    name: 'python as PID 1 running a script with no SIGTERM handler is reported on the script argument',
    dockerfile: 'FROM python:3.12\nCOPY train.py /opt/program/\nENTRYPOINT ["python", "/opt/program/train.py"]\n',
    files: { 'train.py': PLAIN },
    expect: [
      {
        line: 3,
        text: '/opt/program/train.py',
        severity: 'warning',
        message:
          /PID 1 is Python running \/opt\/program\/train\.py, which installs no SIGTERM handler.*waits the full 120 s.*signal\.signal\(signal\.SIGTERM.*tini/,
      },
    ],
  },
  {
    name: 'a train program on PATH with a python shebang is reported on its COPY',
    dockerfile: 'FROM python:3.12\nENV PATH=/opt/program:$PATH\nCOPY train /opt/program/train\n',
    files: { train: EXECUTABLE('#!/usr/bin/env python3\n' + PLAIN) },
    expect: [{ line: 3, text: 'train', message: /PID 1 is Python running \/opt\/program\/train/ }],
  },
  {
    name: 'a shell script as PID 1 without a trap is reported',
    dockerfile: 'FROM python:3.12\nCOPY run.sh /opt/\nENTRYPOINT ["bash", "/opt/run.sh"]\n',
    files: { 'run.sh': 'set -e\npython /opt/train.py "$@"\n' },
    expect: [{ line: 3, text: '/opt/run.sh', message: /PID 1 is the shell running \/opt\/run\.sh.*trap/ }],
  },
  {
    name: 'silent when the script handles SIGTERM',
    dockerfile: 'FROM python:3.12\nCOPY train.py /opt/program/\nENTRYPOINT ["python", "/opt/program/train.py"]\n',
    files: { 'train.py': HANDLED },
    expect: [],
  },
  {
    name: 'silent when asyncio installs the handler',
    dockerfile: 'FROM python:3.12\nCOPY train.py /opt/program/\nENTRYPOINT ["python", "/opt/program/train.py"]\n',
    files: { 'train.py': 'import asyncio\nloop = asyncio.new_event_loop()\nloop.add_signal_handler(15, loop.stop)\n' },
    expect: [],
  },
  {
    name: 'silent when a sibling module it imports handles SIGTERM',
    dockerfile: 'FROM python:3.12\nCOPY src/ /opt/program/\nENTRYPOINT ["python", "/opt/program/train.py"]\n',
    files: { 'src/train.py': 'from checkpoints import install\ninstall()\n', 'src/checkpoints.py': HANDLED },
    expect: [],
  },
  {
    name: 'silent when it imports a package of its own (the handler may be inside)',
    dockerfile: 'FROM python:3.12\nCOPY src/ /opt/program/\nENTRYPOINT ["python", "/opt/program/train.py"]\n',
    files: { 'src/train.py': 'from mylib.loop import run\nrun()\n', 'src/mylib/__init__.py': '', 'src/mylib/loop.py': 'x' },
    expect: [],
  },
  {
    name: 'silent behind an init wrapper',
    dockerfile: 'FROM python:3.12\nCOPY train.py /opt/program/\nENTRYPOINT ["/usr/bin/tini", "--", "python", "/opt/program/train.py"]\n',
    files: { 'train.py': PLAIN },
    expect: [],
  },
  {
    name: 'silent when a lone dumb-init ENTRYPOINT executes train',
    dockerfile: 'FROM python:3.12\nENTRYPOINT ["dumb-init", "--"]\nCOPY train /usr/local/bin/train\n',
    files: { train: EXECUTABLE('#!/usr/bin/env python3\n' + PLAIN) },
    expect: [],
  },
  {
    name: 'a base image\'s ENTRYPOINT that ends with exec "$@" (NVIDIA\'s) is no init: train becomes PID 1',
    dockerfile: 'FROM tensorflow/tensorflow:2.16.1-gpu\nCOPY train /usr/local/bin/train\n',
    files: { train: EXECUTABLE('#!/usr/bin/env python3\n' + PLAIN) },
    expect: [{ line: 2, text: 'train' }],
  },
  {
    name: "silent behind a base image's init (miniforge's tini)",
    dockerfile: 'FROM condaforge/miniforge3:24.3.0-0\nCOPY train /usr/local/bin/train\n',
    files: { train: EXECUTABLE('#!/usr/bin/env python3\n' + PLAIN) },
    expect: [],
  },
  {
    name: 'silent when a shell script traps TERM or ends with exec',
    dockerfile: 'FROM python:3.12\nCOPY run.sh /opt/\nENTRYPOINT ["sh", "/opt/run.sh"]\n',
    files: { 'run.sh': 'echo start\nexec python /opt/train.py "$@"\n' },
    expect: [],
  },
  {
    name: 'silent for a shell script of builtins only, which ends at once',
    dockerfile: 'FROM python:3.12\nCOPY run.sh /opt/\nENTRYPOINT ["sh", "/opt/run.sh"]\n',
    files: { 'run.sh': '#!/bin/sh\necho ready\nexit 0\n' },
    expect: [],
  },
  {
    name: 'silent when the script cannot be read',
    dockerfile: 'FROM python:3.12\nCOPY train.py /opt/program/\nENTRYPOINT ["python", "/opt/program/train.py"]\n',
    expect: [],
  },
  {
    name: 'silent for python -m (the module is not read)',
    dockerfile: 'FROM python:3.12\nCOPY train.py /opt/program/\nENTRYPOINT ["python", "-m", "train"]\n',
    files: { 'train.py': PLAIN },
    expect: [],
  },
  {
    name: 'silent for an inference-only image',
    dockerfile: '# smct kind=inference\nFROM python:3.12\nCOPY serve.py /opt/program/\nENTRYPOINT ["python", "/opt/program/serve.py"]\n',
    files: { 'serve.py': PLAIN },
    expect: [],
  },
]);
