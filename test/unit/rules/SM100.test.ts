import assert from 'node:assert/strict';
import { test } from 'node:test';
import { lint, ruleTable } from '../../helpers/lint';

ruleTable('SM100', [
  {
    name: "a pasted fragment with no FROM is an error on its first instruction, in Docker's words",
    dockerfile: 'RUN pip install pandas\nCOPY train.py /opt/program/\nENTRYPOINT ["python", "/opt/program/train.py"]\n',
    expect: [{ line: 1, text: 'RUN', severity: 'error', message: /no FROM, so Docker cannot build it \("no build stage in current context"\)/ }],
  },
  {
    name: 'ARGs alone build no stage',
    dockerfile: '# base image chosen by CI\nARG BASE=python:3.12\n',
    expect: [{ line: 2, text: 'ARG', message: /"dockerfile contains no stages to build"/ }],
  },
  {
    name: 'an empty file is reported at its start',
    dockerfile: '',
    expect: [{ line: 1, text: '', severity: 'error', message: /"the Dockerfile cannot be empty"/ }],
  },
  {
    name: 'a file of comments only is reported on its first line',
    dockerfile: '# TODO: write the training image\n\n# FROM python:3.12\n',
    expect: [{ line: 1, text: '# TODO: write the training image', message: /no instructions/ }],
  },
  { name: 'a Dockerfile with a FROM is silent', dockerfile: 'FROM python:3.12\n', expect: [] },
  { name: 'ARGs before a FROM are silent', dockerfile: 'ARG BASE=python:3.12\nFROM ${BASE}\n', expect: [] },
  {
    name: 'a file-wide pragma silences it',
    dockerfile: '# smct global ignore=SM100\nRUN echo fragment\n',
    expect: [],
  },
]);

test('SM100: on a file Docker cannot build, no other rule speaks', () => {
  const fragments = [
    '',
    '# only a comment\n',
    'ARG X=1\n',
    'CMD ["python", "train.py"]\nENTRYPOINT python train.py\nEXPOSE 9000\n',
    'COPY data/ /opt/ml/input/data/training/\nENV SAGEMAKER_PROGRAM=main.py\nRUN python train.py\nUSER nobody\nWORKDIR /opt/ml/code\nCOPY --chmod=644 train /usr/local/bin/\n',
  ];
  for (const dockerfile of fragments) {
    const rules = lint(dockerfile, { files: { train: '#!/bin/sh\n', 'train.py': 'print(1)\n', 'data/x.csv': '1\n' } }).map((finding) => finding.rule);
    assert.deepEqual(rules, ['SM100'], JSON.stringify(dockerfile));
  }
});
