import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DockerfileModel } from '../../../core/src/dockerfile/model';

function entrypointForm(args: string): unknown {
  return new DockerfileModel(`FROM x\nENTRYPOINT ${args}\n`).entrypoint?.form;
}

test('exec form is decided as BuildKit decides it', () => {
  assert.deepEqual(entrypointForm('["python", "train.py"]'), { kind: 'exec', argv: ['python', 'train.py'] });
  assert.deepEqual(entrypointForm('["a\\u0041"]'), { kind: 'exec', argv: ['aA'] });
  assert.deepEqual(entrypointForm('  ["a"]  '), { kind: 'exec', argv: ['a'] });
  assert.deepEqual(entrypointForm('[]'), { kind: 'exec', argv: [] });
  assert.deepEqual(entrypointForm('["a",]'), { kind: 'shell', command: '["a",]' });
  assert.deepEqual(entrypointForm('["a"] x'), { kind: 'shell', command: '["a"] x' });
  assert.deepEqual(entrypointForm("['a']"), { kind: 'shell', command: "['a']" });
  assert.deepEqual(entrypointForm('[1, 2]'), { kind: 'invalid' });
});

test('continuation lines are joined and comment lines inside them dropped', () => {
  assert.deepEqual(entrypointForm('["python", \\\n  # why\n\n  "train.py"]'), { kind: 'exec', argv: ['python', 'train.py'] });
  const model = new DockerfileModel('# escape=`\nFROM x\nCMD python `\n  train.py\n');
  assert.deepEqual(model.cmd?.form, { kind: 'shell', command: 'python   train.py' });
});

test('an ENTRYPOINT clears an inherited CMD but not one set earlier in its own stage', () => {
  const inherited = new DockerfileModel('FROM x AS a\nCMD ["c"]\nFROM a\nENTRYPOINT ["e"]\n');
  assert.equal(inherited.cmd, undefined);
  const own = new DockerfileModel('FROM x\nCMD ["c"]\nENTRYPOINT ["e"]\n');
  assert.deepEqual(own.cmd?.form, { kind: 'exec', argv: ['c'] });
});

test('stage names compare case-insensitively and variables resolve in FROM', () => {
  const model = new DockerfileModel(
    'ARG A=1 BASE=Builder\nFROM python:3.11 AS builder\nENV PATH=/opt/x:$PATH\nFROM ${BASE} AS final\nWORKDIR app\nWORKDIR sub\n',
  );
  assert.deepEqual(
    model.chain.map((stage) => stage.name),
    ['builder', 'final'],
  );
  assert.equal(model.path[0], '/opt/x');
  assert.equal(model.workdir, '/app/sub');
});
