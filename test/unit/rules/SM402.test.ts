import { ruleTable } from '../../helpers/lint';

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
  { name: 'a USER from a build argument is not guessed', dockerfile: 'FROM python:3.11\nARG RUNAS\nUSER $RUNAS\n', expect: [] },
  { name: 'a quoted root is root', dockerfile: 'FROM python:3.11\nUSER "root"\n', expect: [] },
]);
