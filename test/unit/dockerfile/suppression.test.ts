import assert from 'node:assert/strict';
import { test } from 'node:test';
import { lintDockerfile } from '../../../core/src/lint/linter';
import type { Rule } from '../../../core/src/rules/rule';
import { RULES } from '../../../core/src/rules';
import { lint } from '../../helpers/lint';
import type { LintSettings } from '../../../core/src/config/settings';

const broken = 'FROM python\nCMD ["python", "train.py"]\n';
const rules = (text: string, settings?: LintSettings): string[] => lint(text, { settings }).map((finding) => `${finding.rule}:${finding.severity}`);

test('an ignore pragma directly above an instruction silences that rule for it only', () => {
  assert.deepEqual(rules(broken), ['SM303:info', 'SM101:error']);
  assert.deepEqual(rules('FROM python\n# smct ignore=SM101 # we pass ContainerEntrypoint\nCMD ["python", "train.py"]\n'), ['SM303:info']);
  assert.deepEqual(rules('# smct ignore=SM101\nFROM python\nCMD ["python", "train.py"]\n'), ['SM303:info', 'SM101:error']);
});

test('ignore pragmas stack over several comment lines, but a blank line ends the block', () => {
  assert.deepEqual(rules('# smct ignore=SM303\n# smct ignore=sm101\nFROM python\nCMD ["python", "train.py"]\n'), ['SM101:error']);
  assert.deepEqual(rules('# smct ignore=SM303\n\nFROM python\n'), ['SM103:warning', 'SM303:info']);
});

test('a global ignore pragma anywhere silences the rule for the whole file', () => {
  assert.deepEqual(rules(`${broken}# smct global ignore=SM303, SM101\n`), []);
});

test('severity settings override defaults rule by rule; partial settings keep the other defaults', () => {
  assert.deepEqual(rules(broken, { rules: { SM303: 'warning' } }), ['SM303:warning', 'SM101:error']);
  assert.deepEqual(rules(broken, { rules: { SM101: 'off' } }), ['SM303:info']);
  assert.deepEqual(rules('FROM scratch\n', { rules: { SM103: 'info' } }), ['SM103:info']);
});

test('the kind pragma wins over the kind setting', () => {
  const text = '# smct kind=training\nFROM python:3.11\nCMD ["python", "serve.py"]\n';
  assert.deepEqual(rules(text, { kind: 'inference' }), ['SM101:error']);
  assert.deepEqual(rules(text.replace('# smct kind=training\n', ''), { kind: 'inference' }), ['SM502:error']);
  assert.deepEqual(rules(text.replace('# smct kind=training\n', ''), { kind: 'both' }), ['SM101:error', 'SM502:error']);
});

test('a rule that throws is recorded and the other rules still report', () => {
  const throwing: Rule = {
    id: 'SM999',
    title: 'broken',
    severity: 'error',
    appliesTo: 'any',
    check: () => {
      throw new Error('boom');
    },
  };
  const result = lintDockerfile(broken, { rules: [throwing, ...RULES] });
  assert.equal(result.failures.length, 1);
  assert.equal(result.failures[0].rule, 'SM999');
  assert.deepEqual(
    result.findings.map((finding) => finding.rule),
    ['SM303', 'SM101'],
  );
});
