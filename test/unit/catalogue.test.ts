import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { RULES } from '../../core/src/rules';

const ROOT = path.resolve(__dirname, '../../..');
const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');

test('every rule has its documentation page, titled with its ID and name', () => {
  for (const rule of RULES) {
    const page = fs.readFileSync(path.join(ROOT, 'docs', 'rules', `${rule.id}.md`), 'utf8');
    assert.equal(page.split('\n')[0], `# ${rule.id}: ${rule.title}`);
  }
});

test('the README rule table lists every rule with its link, name and default severity', () => {
  for (const rule of RULES) {
    const title = rule.title.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    assert.match(readme, new RegExp(`\\|\\s*\\[${rule.id}\\]\\(docs/rules/${rule.id}\\.md\\)\\s*\\|\\s*${title}\\s*\\|\\s*${rule.severity}`));
  }
});

test('every rule page states its default severity, the same as the rule, and why it has that grade', () => {
  for (const rule of RULES) {
    const page = fs.readFileSync(path.join(ROOT, 'docs', 'rules', `${rule.id}.md`), 'utf8');
    assert.match(page, new RegExp(`^- \\*\\*Default severity:\\*\\* ${rule.severity}\\b`, 'm'), rule.id);
    assert.match(page, /^- \*\*Why this grade:\*\* \S.{20,}$/m, rule.id);
  }
});

test('the contributed severity setting names every rule', () => {
  const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  const names = manifest.contributes.configuration.properties['sagemakerContainerTools.rules'].propertyNames.enum;
  assert.deepEqual([...names].sort(), RULES.map((rule) => rule.id).sort());
});

test('every rule has its table of tests, test/unit/rules/<ID>.test.ts', () => {
  const tables = new Set(fs.readdirSync(path.join(ROOT, 'test', 'unit', 'rules')));
  const missing = RULES.map((rule) => `${rule.id}.test.ts`).filter((name) => !tables.has(name));
  assert.deepEqual(missing, [], 'a rule without its test file');
});

test('every rule file of core/src/rules is in the catalogue (core/src/rules/index.ts)', () => {
  const ids = new Set(RULES.map((rule) => rule.id));
  const files = fs.readdirSync(path.join(ROOT, 'core', 'src', 'rules')).filter((name) => /^sm\d{3}-.+\.ts$/.test(name));
  assert.ok(files.length > 0, 'rule files found');
  assert.deepEqual(
    files.filter((name) => !ids.has(name.slice(0, 5).toUpperCase())),
    [],
    'a rule file that RULES does not list',
  );
});
