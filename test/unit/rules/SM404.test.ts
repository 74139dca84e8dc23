import { ruleTable } from '../../helpers/lint';

ruleTable('SM404', [
  {
    name: 'a train script without a shebang is reported',
    dockerfile: 'FROM python:3.11\nCOPY train /usr/local/bin/\n',
    files: { train: { content: 'python /opt/t.py\n', mode: 0o755 } },
    expect: [{ line: 2, text: 'train', severity: 'error', message: /exec format error/ }],
  },
  {
    name: 'an ENTRYPOINT .py without a shebang is reported',
    dockerfile: 'FROM python:3.11\nCOPY --chmod=755 t.py /opt/t.py\nENTRYPOINT ["/opt/t.py"]\n',
    files: { 't.py': 'print(1)\n' },
    expect: [{ line: 2, text: 't.py' }],
  },
  {
    name: 'a shebang is fine',
    dockerfile: 'FROM python:3.11\nCOPY train /usr/local/bin/\n',
    files: { train: { content: '#!/bin/sh\n', mode: 0o755 } },
    expect: [],
  },
  {
    name: 'an ELF binary is fine',
    dockerfile: 'FROM scratch\nCOPY train /bin/train\n',
    files: { train: { content: Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1]), mode: 0o755 } },
    expect: [],
  },
  {
    name: 'a script run by python needs no shebang',
    dockerfile: 'FROM python:3.11\nCOPY t.py /opt/t.py\nENTRYPOINT ["python", "/opt/t.py"]\n',
    files: { 't.py': 'print(1)\n' },
    expect: [],
  },
]);
