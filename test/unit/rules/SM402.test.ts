import { localConfig, ruleTable } from '../../helpers/lint';

ruleTable('SM402', [
  {
    name: 'a non-root final USER is reported',
    dockerfile: 'FROM python:3.11\nUSER 1000:1000\n',
    expect: [{ line: 2, text: '1000:1000', message: /not root/ }],
  },
  { name: 'a USER in the parent stage is inherited', dockerfile: 'FROM python:3.11 AS base\nUSER app\nFROM base\n', expect: [{ line: 2, text: 'app' }] },
  { name: 'switching back to root is fine', dockerfile: 'FROM python:3.11\nUSER app\nRUN id\nUSER root\n', expect: [] },
  { name: '0:0 is root', dockerfile: 'FROM python:3.11\nUSER 0:0\n', expect: [] },
  { name: 'no USER: the base image decides, not guessed', dockerfile: 'FROM python:3.11\n', expect: [] },
  {
    name: 'no USER on a base known to run as another user (micromamba runs as mambauser) is reported on the FROM',
    dockerfile: 'FROM mambaorg/micromamba:1.5.8\nENTRYPOINT ["python", "/opt/program/train.py"]\n',
    expect: [{ line: 1, text: 'mambaorg/micromamba:1.5.8', message: /runs as "mambauser", not root, and this Dockerfile sets no USER/ }],
  },
  { name: 'USER root on such a base is fine', dockerfile: 'FROM mambaorg/micromamba:1.5.8\nUSER root\n', expect: [] },
  {
    name: 'the user of a local base image read from Docker counts',
    dockerfile: 'FROM team/base:1\n',
    localImage: () => localConfig({ user: '1000' }),
    expect: [{ line: 1, text: 'team/base:1' }],
  },
  { name: 'a USER from a build argument is not guessed', dockerfile: 'FROM python:3.11\nARG RUNAS\nUSER $RUNAS\n', expect: [] },
  { name: 'a quoted root is root', dockerfile: 'FROM python:3.11\nUSER "root"\n', expect: [] },
]);
