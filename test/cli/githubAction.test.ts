// The GitHub Action (action.yml), run as the runner runs a composite action: inputs with their
// defaults, ${{ inputs.x }} in env:, each run: step with bash -e, in a workspace of its own.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { tempProject } from '../helpers/tempDir';
import { parseYaml } from '../helpers/yaml';

const REPOSITORY = path.resolve(__dirname, '../../..');
/** SM101 (error): CMD is replaced by "train". */
const BROKEN = 'FROM python:3.11\nENV PYTHONUNBUFFERED=1\nCMD ["python", "train.py"]\n';
/** A warning (SM402, line 2) and an info (SM401, line 3), no error. */
const WARNING_AND_INFO = 'FROM python:3.11\nUSER app\nENTRYPOINT ["python", "train.py"]\n';

interface Step {
  readonly name?: string;
  readonly shell?: string;
  readonly run?: string;
  readonly uses?: string;
  readonly env?: Record<string, string>;
}
interface Action {
  readonly inputs: Record<string, { readonly default?: string; readonly required?: boolean }>;
  readonly runs: { readonly using: string; readonly steps: readonly Step[] };
}

const action = parseYaml(fs.readFileSync(path.join(REPOSITORY, 'action.yml'), 'utf8')) as Action;

interface ActionRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Only the expression the file uses is understood; any other fails the test, so none slips by unevaluated. */
function evaluate(text: string, inputs: Record<string, string>): string {
  return text.replace(/\$\{\{\s*(.*?)\s*\}\}/g, (_whole, expression: string) => {
    const input = /^inputs\.([A-Za-z0-9_-]+)$/.exec(expression);
    assert.ok(input && input[1] in inputs, `action.yml uses an expression this runner does not know: ${expression}`);
    return inputs[input[1]];
  });
}

function runAction(workspace: string, withInputs: Record<string, string> = {}): ActionRun {
  for (const name of Object.keys(withInputs)) assert.ok(name in action.inputs, `no input ${name}`);
  const inputs = Object.fromEntries(Object.entries(action.inputs).map(([name, input]) => [name, withInputs[name] ?? input.default ?? '']));
  let stdout = '';
  let stderr = '';
  for (const step of action.runs.steps) {
    assert.equal(step.uses, undefined, 'a uses: step would need the network');
    assert.equal(step.shell, 'bash');
    const env = Object.fromEntries(Object.entries(step.env ?? {}).map(([name, value]) => [name, evaluate(value, inputs)]));
    // What GitHub runs for shell: bash (https://docs.github.com/en/actions/reference/workflow-syntax-for-github-actions#jobsjob_idstepsshell).
    const script = path.join(fs.mkdtempSync(path.join(workspace, '..', 'step-')), 'step.sh');
    fs.writeFileSync(script, step.run ?? '');
    const result = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', script], {
      cwd: workspace,
      encoding: 'utf8',
      env: { PATH: process.env.PATH, HOME: process.env.HOME, GITHUB_WORKSPACE: workspace, GITHUB_ACTION_PATH: REPOSITORY, GITHUB_ACTIONS: 'true', ...env },
    });
    stdout += result.stdout;
    stderr += result.stderr;
    if (result.status !== 0) return { code: result.status ?? 128, stdout, stderr };
  }
  return { code: 0, stdout, stderr };
}

/** A workspace in a folder of its own, so the step scripts written beside it are cleaned with it. */
function workspace(files: Record<string, string>): string {
  const root = tempProject(Object.fromEntries(Object.entries(files).map(([name, text]) => [`ws/${name}`, text])));
  return path.join(root, 'ws');
}

interface SarifLog {
  $schema: string;
  version: string;
  runs: {
    tool: { driver: { name: string; rules: { id: string }[] } };
    results: {
      ruleId: string;
      ruleIndex: number;
      level: string;
      message: { text: string };
      locations: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number; startColumn: number } } }[];
    }[];
  }[];
}

/** What GitHub code scanning requires of SARIF 2.1.0, checked field by field; returns the results as "uri:line rule level". */
function sarifResults(file: string): string[] {
  const log = JSON.parse(fs.readFileSync(file, 'utf8')) as SarifLog;
  assert.equal(log.version, '2.1.0');
  assert.match(log.$schema, /sarif-2\.1\.0/);
  assert.equal(log.runs.length, 1);
  const [run] = log.runs;
  assert.equal(run.tool.driver.name, 'smct');
  return run.results.map((result) => {
    assert.equal(run.tool.driver.rules[result.ruleIndex]?.id, result.ruleId);
    assert.ok(['error', 'warning', 'note'].includes(result.level));
    assert.ok(result.message.text.length > 0);
    const { artifactLocation, region } = result.locations[0].physicalLocation;
    assert.ok(!path.isAbsolute(artifactLocation.uri), 'code scanning matches relative URIs against the repository');
    assert.ok(region.startLine >= 1 && region.startColumn >= 1);
    return `${artifactLocation.uri}:${region.startLine} ${result.ruleId} ${result.level}`;
  });
}

test('action.yml: a composite action whose inputs are fail-on, dockerfiles and sarif-file, and whose run: text holds no expression', () => {
  assert.equal(action.runs.using, 'composite');
  assert.deepEqual(Object.keys(action.inputs).sort(), ['dockerfiles', 'fail-on', 'sarif-file']);
  assert.equal(action.inputs.dockerfiles.default, '**/Dockerfile');
  assert.equal(action.inputs['fail-on'].default, 'error');
  assert.equal(action.inputs['sarif-file'].default, 'smct.sarif');
  // An input interpolated into the script would be shell code (GitHub's script injection).
  for (const step of action.runs.steps) assert.doesNotMatch(step.run ?? '', /\$\{\{/, `step "${step.name}" interpolates into its script`);
});

test('the action with its defaults: SARIF of every Dockerfile, annotations on stdout, and exit 1 on an error', () => {
  const ws = workspace({ 'app/Dockerfile': BROKEN, 'soft/Dockerfile': WARNING_AND_INFO, 'deep/down/Dockerfile': BROKEN, 'notes.txt': BROKEN });
  const run = runAction(ws);
  assert.equal(run.code, 1, run.stderr);
  const results = sarifResults(path.join(ws, 'smct.sarif'));
  assert.ok(results.includes('app/Dockerfile:3 SM101 error'), results.join('\n'));
  assert.ok(results.includes('deep/down/Dockerfile:3 SM101 error'), results.join('\n'));
  assert.ok(results.includes('soft/Dockerfile:2 SM402 warning'), results.join('\n'));
  assert.ok(!results.some((result) => result.startsWith('notes.txt')));
  assert.match(run.stdout, /^::error file=app\/Dockerfile,line=3,col=\d+,endLine=3,endColumn=\d+,title=SM101::/m);
  assert.match(run.stdout, /^::warning file=soft\/Dockerfile,line=2,.*title=SM402::/m);
  assert.match(run.stdout, /^::notice file=soft\/Dockerfile,line=3,.*title=SM401::/m);
});

test('the action: the exit code follows fail-on, and the SARIF is written whatever it is', () => {
  const ws = workspace({ 'soft/Dockerfile': WARNING_AND_INFO, 'app/Dockerfile': BROKEN });
  const expected: [string, string, number][] = [
    ['soft/Dockerfile', 'error', 0],
    ['soft/Dockerfile', 'warning', 1],
    ['soft/Dockerfile', 'info', 1],
    ['soft/Dockerfile', 'none', 0],
    ['app/Dockerfile', 'none', 0],
    ['app/Dockerfile', 'error', 1],
  ];
  for (const [dockerfiles, failOn, code] of expected) {
    const sarif = `out-${failOn}-${path.dirname(dockerfiles)}.sarif`;
    const run = runAction(ws, { dockerfiles, 'fail-on': failOn, 'sarif-file': sarif });
    assert.equal(run.code, code, `${dockerfiles} --fail-on ${failOn}: ${run.stderr}`);
    assert.ok(sarifResults(path.join(ws, sarif)).length > 0);
    assert.match(run.stdout, new RegExp(`file=${dockerfiles.replace('/', '\\/')},`));
  }
});

test('the action: a path that looks like shell code is a path, and no match is an error', () => {
  const odd = 'odd $(touch pwned) `touch pwned2`; dir';
  const ws = workspace({ [`${odd}/Dockerfile`]: BROKEN, 'x.dockerfile': BROKEN });
  const run = runAction(ws, { dockerfiles: `${odd}/Dockerfile\n*.dockerfile\n` });
  assert.equal(run.code, 1, run.stderr);
  assert.ok(!fs.existsSync(path.join(ws, 'pwned')) && !fs.existsSync(path.join(ws, 'pwned2')), 'the input ran as shell code');
  const results = sarifResults(path.join(ws, 'smct.sarif'));
  assert.ok(results.includes(`${odd}/Dockerfile:3 SM101 error`), results.join('\n'));
  assert.ok(results.includes('x.dockerfile:3 SM101 error'), results.join('\n'));

  const none = runAction(ws, { dockerfiles: 'missing/**/Dockerfile' });
  assert.equal(none.code, 2);
  assert.match(none.stdout, /^::error::No Dockerfile matches the dockerfiles input: missing\/\*\*\/Dockerfile/m);
  // A path without a wildcard is passed as it is: smct says it cannot read it.
  const absent = runAction(ws, { dockerfiles: 'absent/Dockerfile' });
  assert.equal(absent.code, 2);
  assert.match(absent.stderr, /absent\/Dockerfile/);
});
