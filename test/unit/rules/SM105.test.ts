import { ruleTable } from '../../helpers/lint';

const strict = 'import argparse\nparser = argparse.ArgumentParser()\nparser.add_argument("--epochs", type=int)\nargs = parser.parse_args()\n';

ruleTable('SM105', [
  {
    name: 'an argparse script without positional arguments behind an exec-form ENTRYPOINT is reported',
    dockerfile: 'FROM python:3.11\nCOPY train.py /opt/program/train.py\nENTRYPOINT ["python", "-u", "/opt/program/train.py"]\n',
    files: { 'train.py': strict },
    expect: [{ line: 3, text: '["python", "-u", "/opt/program/train.py"]', message: /unrecognized arguments: train.*nargs="\?".*parse_known_args/ }],
  },
  {
    name: 'a relative script is resolved against WORKDIR',
    dockerfile: 'FROM python:3.11\nWORKDIR /opt/program\nCOPY . .\nENTRYPOINT ["python3", "train.py"]\n',
    files: { 'train.py': strict },
    expect: [{ line: 4, text: '["python3", "train.py"]' }],
  },
  {
    name: 'a directly executed Python script with a python shebang is checked too',
    dockerfile: 'FROM python:3.11\nCOPY --chmod=755 fit /usr/local/bin/fit\nENTRYPOINT ["fit"]\n',
    files: { fit: `#!/usr/bin/env python3\n${strict}` },
    expect: [{ line: 3, text: '["fit"]' }],
  },
  {
    name: 'parse_known_args accepts train',
    dockerfile: 'FROM python:3.11\nCOPY train.py /t.py\nENTRYPOINT ["python", "/t.py"]\n',
    files: { 'train.py': strict.replace('parse_args()', 'parse_known_args()') },
    expect: [],
  },
  {
    name: 'a positional argument accepts train',
    dockerfile: 'FROM python:3.11\nCOPY train.py /t.py\nENTRYPOINT ["python", "/t.py"]\n',
    files: { 'train.py': strict.replace('"--epochs", type=int', '"mode", nargs="?"') },
    expect: [],
  },
  {
    name: 'parse_args with an explicit list is not flagged',
    dockerfile: 'FROM python:3.11\nCOPY train.py /t.py\nENTRYPOINT ["python", "/t.py"]\n',
    files: { 'train.py': strict.replace('parse_args()', 'parse_args(sys.argv[2:])') },
    expect: [],
  },
  {
    name: 'a shell-form ENTRYPOINT drops train, so this rule is silent (SM102 reports)',
    dockerfile: 'FROM python:3.11\nCOPY train.py /t.py\nENTRYPOINT python /t.py\n',
    files: { 'train.py': strict },
    expect: [],
  },
  {
    name: 'python -m runs a module, not a context script',
    dockerfile: 'FROM python:3.11\nCOPY train.py /t.py\nENTRYPOINT ["python", "-m", "t"]\n',
    files: { 'train.py': strict },
    expect: [],
  },
  {
    name: 'argparse sub-commands accept train',
    dockerfile: 'FROM python:3.11\nCOPY cli.py /cli.py\nENTRYPOINT ["python", "/cli.py"]\n',
    files: {
      'cli.py':
        'import argparse\np = argparse.ArgumentParser()\nsub = p.add_subparsers(dest="mode")\nsub.add_parser("train")\nsub.add_parser("serve")\np.parse_args()\n',
    },
    expect: [],
  },
]);
