import { ruleTable } from '../../helpers/lint';

ruleTable('SM303', [
  {
    name: 'an untagged base image is reported on the image',
    dockerfile: 'FROM python\nENTRYPOINT ["python", "-u"]\n',
    expect: [{ line: 1, text: 'python', severity: 'info', message: /has no tag/ }],
  },
  { name: 'latest is reported on the tag', dockerfile: 'FROM nvidia/cuda:latest\n', expect: [{ line: 1, text: 'latest', message: /uses the tag "latest"/ }] },
  {
    name: 'the base of the chain counts, not the final FROM naming a stage',
    dockerfile: 'FROM ubuntu AS base\nFROM base\n',
    expect: [{ line: 1, text: 'ubuntu' }],
  },
  { name: 'a tag is enough', dockerfile: 'FROM python:3.11.9-slim\n', expect: [] },
  {
    name: 'a digest is enough, even with latest',
    dockerfile: 'FROM python:latest@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n',
    expect: [],
  },
  { name: 'a registry port is not a tag', dockerfile: 'FROM localhost:5000/team/trainer\n', expect: [{ line: 1, text: 'localhost:5000/team/trainer' }] },
  { name: 'scratch is fine', dockerfile: 'FROM scratch\n', expect: [] },
  { name: 'an unresolved variable is not guessed', dockerfile: 'ARG BASE\nFROM $BASE\n', expect: [] },
  { name: 'a global ARG default is resolved', dockerfile: 'ARG BASE=python\nFROM ${BASE}\n', expect: [{ line: 2, text: '${BASE}' }] },
  { name: 'a FROM without an image says nothing', dockerfile: 'FROM\n', expect: [] },
]);
