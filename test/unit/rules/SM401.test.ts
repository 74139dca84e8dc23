import { ruleTable } from '../../helpers/lint';

ruleTable('SM401', [
  {
    name: 'a python ENTRYPOINT without PYTHONUNBUFFERED is reported, and the fix adds it after the final FROM',
    dockerfile: 'FROM python:3.11\nENTRYPOINT ["python", "/opt/train.py"]\n',
    expect: [{ line: 2, text: '["python", "/opt/train.py"]', severity: 'info' }],
    fixed: 'FROM python:3.11\nENV PYTHONUNBUFFERED=1\nENTRYPOINT ["python", "/opt/train.py"]\n',
  },
  {
    name: 'the toolkit is Python: reported on its install',
    dockerfile: 'FROM python:3.11 AS base\nFROM base\nRUN pip install sagemaker-training\nCOPY t.py /opt/ml/code/\nENV SAGEMAKER_PROGRAM=t.py\n',
    files: { 't.py': 'x' },
    expect: [{ line: 3, text: 'sagemaker-training' }],
    fixed:
      'FROM python:3.11 AS base\nFROM base\nENV PYTHONUNBUFFERED=1\nRUN pip install sagemaker-training\nCOPY t.py /opt/ml/code/\nENV SAGEMAKER_PROGRAM=t.py\n',
  },
  {
    name: 'a train script with a python shebang is Python',
    dockerfile: 'FROM python:3.11\nCOPY --chmod=755 train /usr/local/bin/\n',
    files: { train: '#!/usr/bin/env python3\nprint(1)\n' },
    expect: [{ line: 2, text: 'train /usr/local/bin/' }],
  },
  { name: 'python -u is unbuffered', dockerfile: 'FROM python:3.11\nENTRYPOINT ["python3", "-u", "/opt/train.py"]\n', expect: [] },
  {
    name: 'ENV PYTHONUNBUFFERED in a parent stage counts',
    dockerfile: 'FROM python:3.11 AS base\nENV PYTHONUNBUFFERED=TRUE\nFROM base\nENTRYPOINT ["python", "/t.py"]\n',
    expect: [],
  },
  {
    name: 'an empty PYTHONUNBUFFERED does not count',
    dockerfile: 'FROM python:3.11\nENV PYTHONUNBUFFERED=""\nENTRYPOINT ["python", "/t.py"]\n',
    expect: [{ line: 3, text: '["python", "/t.py"]' }],
  },
  { name: 'a non-Python program is not reported', dockerfile: 'FROM ubuntu:22.04\nENTRYPOINT ["/usr/local/bin/trainer"]\n', expect: [] },
  {
    name: 'python behind an init wrapper is Python',
    dockerfile: 'FROM python:3.11\nENTRYPOINT ["tini", "--", "python", "train.py"]\n',
    expect: [{ line: 2, text: '["tini", "--", "python", "train.py"]' }],
  },
  {
    name: 'env PYTHONUNBUFFERED=1 in the ENTRYPOINT is unbuffered',
    dockerfile: 'FROM python:3.11\nENTRYPOINT ["env", "PYTHONUNBUFFERED=1", "python", "t.py"]\n',
    expect: [],
  },
  {
    name: "a -u after the script is the script's own option",
    dockerfile: 'FROM python:3.11\nENTRYPOINT ["python", "/opt/train.py", "-u", "admin"]\n',
    expect: [{ line: 2, text: '["python", "/opt/train.py", "-u", "admin"]' }],
  },
  {
    name: 'a serving package is named as such',
    dockerfile: '# smct kind=inference\nFROM python:3.11\nRUN pip install sagemaker-pytorch-inference\n',
    expect: [{ line: 3, text: 'sagemaker-pytorch-inference', message: /the "serve" entry point of sagemaker-pytorch-inference/ }],
  },
]);
