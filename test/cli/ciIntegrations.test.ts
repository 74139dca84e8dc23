// The pre-commit hook (.pre-commit-hooks.yaml) and the README's GitLab CI snippet, run as those tools run them.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { tempProject } from '../helpers/tempDir';
import { parseYaml } from '../helpers/yaml';
import { SMCT } from '../helpers/smctProcess';

const REPOSITORY = path.resolve(__dirname, '../../..');
const BROKEN = 'FROM python:3.11\nENV PYTHONUNBUFFERED=1\nCMD ["python", "train.py"]\n';
const CLEAN = 'FROM python:3.11\nENV PYTHONUNBUFFERED=1\nENTRYPOINT ["python", "train.py"]\n';

/**
 * A folder with the commands the tools would find on PATH: `smct` as pre-commit's node
 * environment installs it, and `npx smct` as it resolves once the package is installed.
 */
function shims(): string {
  const bin = path.join(tempProject({}), 'bin');
  fs.mkdirSync(bin);
  const smct = `exec ${JSON.stringify(process.execPath)} ${JSON.stringify(SMCT)} "$@"`;
  fs.writeFileSync(path.join(bin, 'smct'), `#!/bin/bash\n${smct}\n`, { mode: 0o755 });
  fs.writeFileSync(path.join(bin, 'npx'), `#!/bin/bash\n[ "$1" = smct ] || { echo "npx: only smct here" >&2; exit 127; }\nshift\n${smct}\n`, { mode: 0o755 });
  return bin;
}

interface Hook {
  readonly id: string;
  readonly name: string;
  readonly entry: string;
  readonly language: string;
  readonly files?: string;
  readonly args?: readonly string[];
  readonly pass_filenames?: boolean;
}

const hooks = parseYaml(fs.readFileSync(path.join(REPOSITORY, '.pre-commit-hooks.yaml'), 'utf8')) as Hook[];
const hook = hooks.find((candidate) => candidate.id === 'smct-lint');

test('.pre-commit-hooks.yaml: smct-lint has the fields pre-commit requires, and its files pattern picks Dockerfiles', () => {
  assert.ok(hook, 'no hook smct-lint');
  // Required by pre-commit's manifest schema (https://pre-commit.com/#creating-new-hooks).
  for (const field of ['id', 'name', 'entry', 'language'] as const) assert.equal(typeof hook[field], 'string', field);
  assert.ok(['node', 'system'].includes(hook.language));
  assert.notEqual(hook.pass_filenames, false);
  // pre-commit matches with Python's re.search, whose syntax this pattern shares with JavaScript.
  const files = new RegExp(hook.files ?? '');
  for (const name of ['Dockerfile', 'app/Dockerfile', 'Dockerfile.train', 'a/b/Dockerfile.serve', 'x.dockerfile', 'docker/train.dockerfile']) {
    assert.ok(files.test(name), name);
  }
  for (const name of ['MyDockerfile', 'Dockerfiles/readme.md', 'dockerfile.txt', 'src/train.py']) assert.ok(!files.test(name), name);
});

test('the hook entry, run as pre-commit runs it (entry, args, then the staged files): exit 1 on a finding, 0 when clean', () => {
  assert.ok(hook);
  const repo = tempProject({ 'app/Dockerfile': BROKEN, 'clean/Dockerfile.train': CLEAN });
  const env = { ...process.env, PATH: `${shims()}${path.delimiter}${process.env.PATH}` };
  // pre-commit splits entry with shlex; this entry has no quotes, so whitespace is enough.
  const run = (files: string[]) =>
    spawnSync('bash', ['-c', 'exec "$@"', 'hook', ...hook.entry.split(/\s+/), ...(hook.args ?? []), ...files], { cwd: repo, env, encoding: 'utf8' });
  const broken = run(['app/Dockerfile', 'clean/Dockerfile.train']);
  assert.equal(broken.status, 1, broken.stderr);
  assert.match(broken.stdout, /app\/Dockerfile:3:\d+.*SM101/);
  const clean = run(['clean/Dockerfile.train']);
  assert.equal(clean.status, 0, clean.stdout + clean.stderr);
});

test('the real pre-commit runs the hook (a local language: system copy of it)', (t) => {
  if (spawnSync('bash', ['-c', 'command -v pre-commit']).status !== 0) {
    t.skip('pre-commit is not installed here (the hook file and its entry are tested above without it)');
    return;
  }
  // language: node installs this repository with npm, which needs the registry: a local language:
  // system copy of the hook runs the same entry through the real pre-commit.
  const repo = tempProject({ Dockerfile: BROKEN, 'README.md': 'x\n' });
  const env = { ...process.env, PATH: `${shims()}${path.delimiter}${process.env.PATH}`, PRE_COMMIT_HOME: path.join(repo, '.pre-commit-cache') };
  assert.ok(hook);
  fs.writeFileSync(path.join(repo, '.pre-commit-config.yaml'), JSON.stringify({ repos: [{ repo: 'local', hooks: [{ ...hook, language: 'system' }] }] }));
  for (const args of [
    ['init', '-q'],
    ['add', '.'],
  ]) {
    assert.equal(spawnSync('git', args, { cwd: repo }).status, 0);
  }
  const run = spawnSync('pre-commit', ['run', 'smct-lint', '--files', 'Dockerfile', 'README.md'], { cwd: repo, env, encoding: 'utf8' });
  assert.equal(run.status, 1, run.stdout + run.stderr);
  assert.match(run.stdout, /SM101/);
});

/** The README's GitLab CI snippet, between its markers, so the test runs what the documentation says. */
function gitlabSnippet(): { script: string[]; report: string } {
  const readme = fs.readFileSync(path.join(REPOSITORY, 'README.md'), 'utf8');
  const between = /<!-- gitlab-ci:begin -->\s*```yaml\n([\s\S]*?)```\s*<!-- gitlab-ci:end -->/.exec(readme);
  assert.ok(between, 'README.md has no gitlab-ci:begin/end block');
  const jobs = parseYaml(between[1]) as Record<string, { script: string | string[]; artifacts: { when: string; reports: { codequality: string } } }>;
  const job = Object.values(jobs)[0];
  assert.equal(job.artifacts.when, 'always', 'without it GitLab drops the report when smct exits with 1');
  return { script: typeof job.script === 'string' ? [job.script] : job.script, report: job.artifacts.reports.codequality };
}

test('the README GitLab CI snippet writes a Code Quality report with every field GitLab requires', () => {
  const { script, report } = gitlabSnippet();
  const repo = tempProject({ Dockerfile: BROKEN });
  const env = { ...process.env, PATH: `${shims()}${path.delimiter}${process.env.PATH}` };
  // GitLab runs the script lines in one shell and stops at the first that fails.
  const run = spawnSync('bash', ['-e', '-c', script.join('\n')], { cwd: repo, env, encoding: 'utf8' });
  assert.equal(run.status, 1, run.stderr);
  const issues = JSON.parse(fs.readFileSync(path.join(repo, report), 'utf8')) as Record<string, unknown>[];
  assert.ok(issues.length > 0);
  // https://docs.gitlab.com/ci/testing/code_quality/#code-quality-report-format
  for (const issue of issues) {
    const location = issue.location as { path: unknown; lines: { begin: unknown } };
    for (const field of ['description', 'check_name', 'fingerprint'] as const) assert.ok(typeof issue[field] === 'string' && issue[field].length > 0, field);
    assert.ok(['info', 'minor', 'major', 'critical', 'blocker'].includes(issue.severity as string));
    assert.equal(location.path, 'Dockerfile');
    assert.ok(Number.isInteger(location.lines.begin) && (location.lines.begin as number) >= 1);
  }
  assert.ok(issues.some((issue) => issue.check_name === 'SM101' && issue.severity === 'blocker'));
  assert.equal(new Set(issues.map((issue) => issue.fingerprint)).size, issues.length, 'GitLab shows one issue per fingerprint');
});
