import { ruleTable } from '../../helpers/lint';

ruleTable('SM102', [
  {
    name: 'a shell-form ENTRYPOINT of plain words is reported and converted to exec form',
    dockerfile: 'FROM python:3.11\nENV PYTHONUNBUFFERED=1\nENTRYPOINT python /opt/program/train.py --verbose\n',
    expect: [{ line: 3, text: 'python /opt/program/train.py --verbose', severity: 'warning', message: /drops the "train" argument/ }],
    fixed: 'FROM python:3.11\nENV PYTHONUNBUFFERED=1\nENTRYPOINT ["python", "/opt/program/train.py", "--verbose"]\n',
  },
  {
    name: 'a shell-form ENTRYPOINT with shell syntax gets no automatic fix and says why',
    dockerfile: 'FROM python:3.11\nENTRYPOINT python train.py $ARGS\n',
    expect: [{ line: 2, text: 'python train.py $ARGS', message: /not converted automatically because it uses shell syntax \("\$"\)/ }],
  },
  {
    name: 'near-JSON is shell form, as BuildKit decides: a trailing comma',
    dockerfile: 'FROM python:3.11\nENTRYPOINT ["python", "train.py",]\n',
    expect: [{ line: 2, text: '["python", "train.py",]' }],
  },
  {
    name: 'near-JSON is shell form: text after the array',
    dockerfile: 'FROM python:3.11\nENTRYPOINT ["python"] train.py\n',
    expect: [{ line: 2, text: '["python"] train.py' }],
  },
  {
    name: 'near-JSON is shell form: single quotes',
    dockerfile: "FROM python:3.11\nENTRYPOINT ['python', 'train.py']\n",
    expect: [{ line: 2, text: "['python', 'train.py']" }],
  },
  {
    name: 'an exec form split over continuation lines with a comment is exec form',
    dockerfile: 'FROM python:3.11\nENTRYPOINT ["python", \\\n# the script\n  "train.py"]\n',
    expect: [],
  },
  {
    name: 'a shell-form ENTRYPOINT in a parent stage is the effective one',
    dockerfile: 'FROM python:3.11 AS base\nENTRYPOINT exec python train.py\nFROM base\nRUN true\n',
    expect: [{ line: 2, text: 'exec python train.py' }],
  },
  {
    name: 'an overridden shell-form ENTRYPOINT is not reported',
    dockerfile: 'FROM python:3.11\nENTRYPOINT python a.py\nENTRYPOINT ["python", "train.py"]\n',
    expect: [],
  },
  {
    name: 'a shell-form CMD alone is not this rule',
    dockerfile: 'FROM python:3.11\nCMD python train.py\n',
    expect: [],
  },
  {
    name: 'a leading exec is dropped by the exec-form fix, and the message says signals pass',
    dockerfile: 'FROM python:3.11\nENV PYTHONUNBUFFERED=1\nENTRYPOINT exec python train.py\n',
    expect: [{ line: 3, text: 'exec python train.py', message: /its exec passes signals on, but the argument is still lost/ }],
    fixed: 'FROM python:3.11\nENV PYTHONUNBUFFERED=1\nENTRYPOINT ["python", "train.py"]\n',
  },
  {
    name: 'a command list is shown with exec before its last command',
    dockerfile: 'FROM python:3.11\nENTRYPOINT cd /opt && python train.py\n',
    expect: [{ line: 2, text: 'cd /opt && python train.py', message: /\["\/bin\/sh", "-c", "cd \/opt && exec python train.py"\]/ }],
  },
  {
    name: 'near-JSON with a trailing comma is repaired by the fix',
    dockerfile: 'FROM python:3.11\nENV PYTHONUNBUFFERED=1\nENTRYPOINT ["python", "train.py",]\n',
    expect: [{ line: 3, text: '["python", "train.py",]', message: /not valid JSON, which Docker runs as a shell command: write \["python", "train.py"\]/ }],
    fixed: 'FROM python:3.11\nENV PYTHONUNBUFFERED=1\nENTRYPOINT ["python", "train.py"]\n',
  },
  {
    name: 'near-JSON with single quotes and a trailing comment is repaired by the fix',
    dockerfile: "FROM python:3.11\nENV PYTHONUNBUFFERED=1\nENTRYPOINT ['python', 'train.py'] # run training\n",
    expect: [{ line: 3, text: "['python', 'train.py'] # run training" }],
    fixed: 'FROM python:3.11\nENV PYTHONUNBUFFERED=1\nENTRYPOINT ["python", "train.py"]\n',
  },
]);
