import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { FileSystemContext } from '../../../core/src/dockerfile/buildContext';
import { lint, ruleTable } from '../../helpers/lint';
import { tempProject } from '../../helpers/tempDir';

const crlfPython = { content: '#!/usr/bin/env python3\r\nprint("hi")\r\n', mode: 0o755 };

ruleTable('SM403', [
  {
    name: 'a CRLF shebang on the train program is an error on its COPY source',
    dockerfile: 'FROM python:3.11\nENV PYTHONUNBUFFERED=1\nCOPY bin/ /usr/local/bin/\n',
    files: { 'bin/train': crlfPython },
    expect: [{ line: 3, text: 'bin/', severity: 'error', message: /first line "#!\/usr\/bin\/env python3" ends in a carriage return/ }],
  },
  {
    name: 'a CRLF shell script passed to bash is an error',
    dockerfile: 'FROM ubuntu:22.04\nCOPY run.sh /opt/run.sh\nENTRYPOINT ["bash", "/opt/run.sh"]\n',
    files: { 'run.sh': 'set -e\r\npython train.py\r\n' },
    expect: [{ line: 2, text: 'run.sh', message: /command not found/ }],
  },
  {
    name: 'a CRLF Python file run by the interpreter is fine',
    dockerfile: 'FROM python:3.11\nCOPY t.py /t.py\nENTRYPOINT ["python", "-u", "/t.py"]\n',
    files: { 't.py': 'print(1)\r\n' },
    expect: [],
  },
  {
    name: 'LF scripts are fine',
    dockerfile: 'FROM python:3.11\nCOPY bin/ /usr/local/bin/\n',
    files: { 'bin/train': { content: '#!/bin/sh\nexit 0\n', mode: 0o755 } },
    expect: [],
  },
]);

test('SM403: the fix converts the build-context file to LF, and the error is gone', () => {
  const root = tempProject({ Dockerfile: '', 'bin/train': crlfPython });
  const dockerfile = 'FROM python:3.11\nENV PYTHONUNBUFFERED=1\nCOPY bin/ /usr/local/bin/\n';
  const [finding] = lint(dockerfile, { context: new FileSystemContext(root) }).filter((found) => found.rule === 'SM403');
  const [edit] = finding.fixes[0].edits;
  const script = path.join(root, 'bin', 'train');
  assert.equal(edit.file, script);
  const document = TextDocument.create('file:///train', 'plaintext', 1, fs.readFileSync(script, 'utf8'));
  fs.writeFileSync(script, TextDocument.applyEdits(document, [edit]));
  assert.equal(fs.readFileSync(script, 'utf8'), '#!/usr/bin/env python3\nprint("hi")\n');
  assert.deepEqual(
    lint(dockerfile, { context: new FileSystemContext(root) }).filter((found) => found.rule === 'SM403'),
    [],
  );
});
