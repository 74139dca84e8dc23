import { ruleTable } from '../../helpers/lint';

ruleTable('SM301', [
  {
    name: 'an arm64 final stage is an error on the flag, replaced by linux/amd64',
    dockerfile: 'FROM --platform=linux/arm64 python:3.11\nENTRYPOINT ["python", "-u", "t.py"]\n',
    expect: [{ line: 1, text: '--platform=linux/arm64', severity: 'error', message: /exec format error/ }],
    fixed: 'FROM --platform=linux/amd64 python:3.11\nENTRYPOINT ["python", "-u", "t.py"]\n',
  },
  {
    name: 'a platform from a global ARG is resolved',
    dockerfile: 'ARG ARCH=linux/arm64/v8\nFROM --platform=$ARCH python:3.11\nENTRYPOINT ["python", "-u", "t.py"]\n',
    expect: [{ line: 2, text: '--platform=$ARCH' }],
  },
  {
    name: 'the platform of the stage the final stage is built from counts',
    dockerfile: 'FROM --platform=linux/arm64 python:3.11 AS base\nFROM base\nENTRYPOINT ["python", "-u", "t.py"]\n',
    expect: [{ line: 1, text: '--platform=linux/arm64' }],
  },
  { name: 'linux/amd64 is right', dockerfile: 'FROM --platform=linux/amd64 python:3.11\n', expect: [] },
  { name: '$BUILDPLATFORM cannot be known', dockerfile: 'FROM --platform=$BUILDPLATFORM python:3.11\n', expect: [] },
  { name: 'a builder stage for another platform is fine', dockerfile: 'FROM --platform=linux/arm64 golang AS tools\nFROM python:3.11\n', expect: [] },
  { name: 'inference-only images may be arm64 (Graviton)', dockerfile: '# smct kind=inference\nFROM --platform=linux/arm64 python:3.11\n', expect: [] },
  {
    name: 'a training kind from settings keeps the error',
    dockerfile: 'FROM --platform=linux/arm64 python:3.11\n',
    settings: { kind: 'both' },
    expect: [{ line: 1, text: '--platform=linux/arm64' }],
  },
]);
