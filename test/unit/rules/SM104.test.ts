import { ruleTable } from '../../helpers/lint';

const script = (mode: number): { content: string; mode: number } => ({ content: '#!/bin/sh\nexec python /opt/program/train.py\n', mode });

ruleTable('SM104', [
  {
    name: 'a train script without an execute bit is reported on its COPY source, and --chmod=755 fixes it',
    dockerfile: 'FROM python:3.11\nCOPY train /usr/local/bin/\n',
    files: { train: script(0o644) },
    expect: [{ line: 2, text: 'train', message: /SageMaker executes \/usr\/local\/bin\/train \(from train in the build context\), but it is not executable/ }],
    fixed: 'FROM python:3.11\nCOPY --chmod=755 train /usr/local/bin/\n',
  },
  {
    name: 'a COPY --chmod without an execute bit is replaced by --chmod=755',
    dockerfile: 'FROM python:3.11\nCOPY --chmod=644 train /usr/local/bin/train\n',
    files: { train: script(0o644) },
    expect: [{ line: 2, text: 'train' }],
    fixed: 'FROM python:3.11\nCOPY --chmod=755 train /usr/local/bin/train\n',
  },
  {
    name: 'the exec-form ENTRYPOINT script from the build context is checked',
    dockerfile: 'FROM python:3.11\nWORKDIR /app\nCOPY scripts/ ./\nENTRYPOINT ["./entry.sh"]\n',
    files: { 'scripts/entry.sh': script(0o600) },
    expect: [{ line: 3, text: 'scripts/' }],
    fixed: 'FROM python:3.11\nWORKDIR /app\nCOPY --chmod=755 scripts/ ./\nENTRYPOINT ["./entry.sh"]\n',
  },
  {
    name: 'an execute bit in the build context is enough',
    dockerfile: 'FROM python:3.11\nCOPY train /usr/local/bin/\n',
    files: { train: script(0o755) },
    expect: [],
  },
  {
    name: 'COPY --chmod with an execute bit is enough',
    dockerfile: 'FROM python:3.11\nCOPY --chmod=0755 train /usr/local/bin/\n',
    files: { train: script(0o644) },
    expect: [],
  },
  {
    name: 'a later RUN chmod +x naming the file is enough',
    dockerfile: 'FROM python:3.11\nCOPY train /usr/local/bin/\nRUN chmod +x /usr/local/bin/train\n',
    files: { train: script(0o644) },
    expect: [],
  },
  {
    name: 'a later RUN chmod naming the folder is enough',
    dockerfile: 'FROM python:3.11\nENV PATH=/opt/program:$PATH\nCOPY prog /opt/program\nRUN chmod -R 755 /opt/program\n',
    files: { 'prog/train': script(0o644) },
    expect: [],
  },
  {
    name: 'a later RUN chmod with a glob is enough',
    dockerfile: 'FROM python:3.11\nCOPY train /usr/local/bin/\nRUN chmod a+x /usr/local/bin/*\n',
    files: { train: script(0o644) },
    expect: [],
  },
  {
    name: 'a RUN chmod that removes permissions does not count',
    dockerfile: 'FROM python:3.11\nCOPY train /usr/local/bin/\nRUN chmod 644 /usr/local/bin/train\n',
    files: { train: script(0o644) },
    expect: [{ line: 2, text: 'train' }],
  },
  {
    name: 'a RUN chmod before the COPY does not count for it',
    dockerfile: 'FROM python:3.11\nRUN chmod +x /usr/local/bin/train\nCOPY train /usr/local/bin/\n',
    files: { train: script(0o644) },
    expect: [{ line: 3, text: 'train' }],
  },
  { name: 'silent when the build context cannot be read', dockerfile: 'FROM python:3.11\nCOPY train /usr/local/bin/\n', expect: [] },
  {
    name: 'a script run by python needs no execute bit',
    dockerfile: 'FROM python:3.11\nCOPY train.py /opt/\nENTRYPOINT ["python", "/opt/train.py"]\n',
    files: { 'train.py': 'print(1)\n' },
    expect: [],
  },
]);
