import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { PROJECT_TEMPLATES } from '../../core/src/scaffold/projectTemplates';
import { smctSync } from '../helpers/smctProcess';
import { tempProject } from '../helpers/tempDir';

test('smct init writes the project, names every file and says what to run next', () => {
  const parent = tempProject({});
  const result = smctSync(['init', 'my-job', '--template', 'scikit-learn', '--serving'], parent);
  assert.equal(result.status, 0, result.stderr);
  assert.equal(result.stderr, '');
  const written = result.stdout
    .split('\n')
    .filter((line) => line.startsWith('  '))
    .map((line) => line.trim());
  assert.deepEqual(
    written,
    (fs.readdirSync(path.join(parent, 'my-job'), { recursive: true }) as string[])
      .filter((name) => fs.statSync(path.join(parent, 'my-job', name)).isFile())
      .map((name) => name.split(path.sep).join('/'))
      .sort(),
  );
  assert.match(result.stdout, /^Wrote 12 files into my-job:\n/);
  assert.match(result.stdout, /\nNext: cd my-job && npx smct build && npx smct train --local\n$/);
  // Then `smct lint` over the new Dockerfile agrees: nothing to report.
  const lint = smctSync(['lint', 'Dockerfile'], path.join(parent, 'my-job'));
  assert.equal(lint.status, 0, lint.stdout);
  assert.match(lint.stdout, /No SageMaker problems found/);
});

test('smct init says how to cd into a folder whose name a shell would expand, quoted so it does not', () => {
  const parent = tempProject({});
  const result = smctSync(['init', "it's $HOME", '--template', 'python', '--name', 'quoted'], parent);
  assert.equal(result.status, 0, result.stderr);
  assert.match(result.stdout, /\nNext: cd 'it'\\''s \$HOME' && npx smct build/);
});

test('smct init over an existing project refuses in one line, exit code 2, and changes nothing', () => {
  const parent = tempProject({});
  assert.equal(smctSync(['init', 'job', '--template', 'python'], parent).status, 0);
  const train = path.join(parent, 'job', 'program', 'train');
  fs.writeFileSync(train, '#!/usr/bin/env python3\n# my edits\n');
  const again = smctSync(['init', 'job', '--template', 'pytorch'], parent);
  assert.equal(again.status, 2);
  assert.equal(again.stdout, '');
  assert.match(
    again.stderr,
    /^smct: Not overwriting Dockerfile, \.dockerignore, \.gitignore, sagemaker-job\.json, README\.md and \d+ more in job: nothing was written\. Choose a new or empty folder\.\n$/,
  );
  assert.equal(fs.readFileSync(train, 'utf8'), '#!/usr/bin/env python3\n# my edits\n');
  assert.equal(fs.existsSync(path.join(parent, 'job', 'requirements.txt')), false, 'no PyTorch file was added');
});

const usageErrors: { args: string[]; message: RegExp }[] = [
  { args: ['init', '--template', 'python'], message: /^smct: smct init needs one folder/ },
  { args: ['init', 'job'], message: /^smct: smct init needs --template: one of scikit-learn, xgboost, pytorch, tensorflow, python\.\n$/ },
  { args: ['init', 'job', '--template', 'keras'], message: /^smct: There is no template "keras"/ },
  { args: ['init', 'job', '--template', 'python', '--base-image', 'python 3'], message: /^smct: --base-image "python 3" is not an image reference/ },
];

for (const { args, message } of usageErrors) {
  test(`smct ${args.join(' ')}: a usage error in one line, nothing written`, () => {
    const parent = tempProject({});
    const result = smctSync(args, parent);
    assert.equal(result.status, 2);
    assert.match(result.stderr, message);
    assert.equal(result.stderr.trim().split('\n').length, 1, result.stderr);
    assert.deepEqual(fs.readdirSync(parent), []);
  });
}

test('smct init --help lists every template', () => {
  const result = smctSync(['init', '--help'], tempProject({}));
  assert.equal(result.status, 0);
  const lines = result.stdout.split('\n');
  for (const template of PROJECT_TEMPLATES) assert.ok(lines.includes(`  ${template.id.padEnd(14)}${template.description}`), `${template.id} is listed`);
});
