import { ruleTable } from '../../helpers/lint';

ruleTable('SM201', [
  {
    name: 'a COPY into /opt/ml/model is hidden by the mount',
    dockerfile: 'FROM python:3.11\nCOPY weights.bin /opt/ml/model/\n',
    files: { 'weights.bin': 'x' },
    expect: [{ line: 2, text: '/opt/ml/model/', message: /mounts \/opt\/ml\/model/ }],
  },
  {
    name: 'a relative destination is resolved against WORKDIR',
    dockerfile: 'FROM python:3.11\nWORKDIR /opt/ml/input\nADD data ./data\n',
    files: { 'data/a.csv': 'x' },
    expect: [{ line: 3, text: './data' }],
  },
  {
    name: 'a destination named by a variable is resolved',
    dockerfile: 'FROM python:3.11\nENV ML=/opt/ml\nCOPY ckpt $ML/checkpoints\n',
    files: { ckpt: 'x' },
    expect: [{ line: 3, text: '$ML/checkpoints' }],
  },
  { name: '/opt/ml itself is reported', dockerfile: 'FROM python:3.11\nCOPY stuff /opt/ml\n', files: { stuff: 'x' }, expect: [{ line: 2, text: '/opt/ml' }] },
  {
    name: 'a VOLUME under /opt/ml/output is reported',
    dockerfile: 'FROM python:3.11\nVOLUME ["/data", "/opt/ml/output"]\n',
    expect: [{ line: 2, text: '/opt/ml/output' }],
  },
  {
    name: '/opt/ml/code is allowed',
    dockerfile: 'FROM python:3.11\nRUN pip install sagemaker-training\nCOPY train.py /opt/ml/code/\nENV SAGEMAKER_PROGRAM=train.py\n',
    files: { 'train.py': 'x' },
    expect: [],
  },
  {
    name: 'a folder whose name only starts like a mount is fine',
    dockerfile: 'FROM python:3.11\nCOPY x /opt/ml/models-cache/\n',
    files: { x: 'x' },
    expect: [],
  },
  {
    name: 'a builder stage outside the final chain is ignored',
    dockerfile: 'FROM python:3.11 AS build\nCOPY x /opt/ml/model/\nFROM python:3.11\nENTRYPOINT ["python"]\n',
    files: { x: 'x' },
    expect: [],
  },
]);
