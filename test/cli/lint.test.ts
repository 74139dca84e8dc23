import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import Ajv from 'ajv-draft-04';
import { tempProject } from '../helpers/tempDir';
import { smctSync } from '../helpers/smctProcess';

const SMCT = path.resolve(__dirname, '../../../bin/smct.js');

const smct = (args: string[], cwd: string): ReturnType<typeof smctSync> => smctSync(args, cwd);

const BROKEN = 'FROM python:3.11\nENV PYTHONUNBUFFERED=1\nCMD ["python", "train.py"]\n';
const WARNING_ONLY = 'FROM python:3.11\nENV PYTHONUNBUFFERED=1\nUSER app\nENTRYPOINT ["python", "train.py"]\n';

const root = tempProject({
  'broken/Dockerfile': BROKEN,
  'warn/Dockerfile': WARNING_ONLY,
  'clean/Dockerfile': 'FROM python:3.11\nENV PYTHONUNBUFFERED=1\nENTRYPOINT ["python", "train.py"]\n',
  'binary/Dockerfile': Buffer.from([0x46, 0x52, 0x00, 0x01, 0xff]),
  'latin1/Dockerfile': Buffer.from('FROM python\n# caf\xe9\n', 'latin1'),
  'configured/.smct.json': JSON.stringify({ rules: { SM101: 'warning' } }),
  'configured/Dockerfile': BROKEN,
  'badconfig/.smct.json': JSON.stringify({ rules: { SM101: 'loud' } }),
  'badconfig/Dockerfile': BROKEN,
  'fragment/Dockerfile': 'RUN pip install pandas\nENTRYPOINT ["python", "train.py"]\n',
  'target/Dockerfile': 'FROM python:3.11 AS train\nENV PYTHONUNBUFFERED=1\nENTRYPOINT ["python", "t.py"]\nFROM python:3.11 AS serve\nCMD ["python", "s.py"]\n',
});

test('text output names file, position, severity, rule and message, and exits 1 on an error', () => {
  const { stdout, stderr, status } = smct(['lint', 'broken/Dockerfile'], root);
  assert.equal(status, 1);
  assert.equal(stderr, '');
  assert.match(stdout, /^broken\/Dockerfile:3:5: error SM101 SageMaker runs "docker run <image> train", which replaces this CMD/m);
  assert.match(stdout, /1 problem in 1 file \(1 errors, 0 warnings, 0 info\)\.\n$/);
});

test('a file Docker cannot build (no FROM) is an error, and lint exits 1', () => {
  const { stdout, status } = smct(['lint', 'fragment/Dockerfile'], root);
  assert.equal(status, 1);
  assert.match(stdout, /^fragment\/Dockerfile:1:1: error SM100 .*"no build stage in current context"/m);
  assert.doesNotMatch(stdout, /SM1(?!00)\d\d|SM[2-5]\d\d/, 'no other rule speaks');
});

test('--format json prints one array of findings with 1-based positions', () => {
  const { stdout, status } = smct(['lint', '--format', 'json', 'broken/Dockerfile', 'clean/Dockerfile'], root);
  assert.equal(status, 1);
  const findings = JSON.parse(stdout) as Record<string, unknown>[];
  assert.deepEqual(
    findings.map((finding) => Object.keys(finding)),
    [['file', 'line', 'column', 'endLine', 'endColumn', 'rule', 'severity', 'message']],
  );
  assert.deepEqual(
    { ...findings[0], message: undefined },
    { file: 'broken/Dockerfile', line: 3, column: 5, endLine: 3, endColumn: 27, rule: 'SM101', severity: 'error', message: undefined },
  );
});

test('--fail-on sets the exit code threshold', () => {
  assert.equal(smct(['lint', 'warn/Dockerfile'], root).status, 0);
  assert.equal(smct(['lint', '--fail-on', 'warning', 'warn/Dockerfile'], root).status, 1);
  assert.equal(smct(['lint', '--fail-on', 'none', 'broken/Dockerfile'], root).status, 0);
  assert.equal(smct(['lint', '--fail-on', 'info', 'clean/Dockerfile'], root).status, 0);
});

test('--format sarif is SARIF 2.1.0 with rule metadata and help links, valid against the schema', () => {
  const { stdout, status } = smct(['lint', '--format', 'sarif', 'broken/Dockerfile'], root);
  assert.equal(status, 1);
  const log = JSON.parse(stdout);
  // The official SARIF 2.1.0 schema, as Microsoft's SARIF matchers ship it.
  const schema = JSON.parse(fs.readFileSync(require.resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json'), 'utf8'));
  const validate = new Ajv({ strict: false, validateFormats: false, unicodeRegExp: false }).compile(schema);
  assert.ok(validate(JSON.parse(stdout)), JSON.stringify(validate.errors?.slice(0, 3)));
  const run = log.runs[0];
  assert.equal(log.version, '2.1.0');
  assert.equal(run.tool.driver.name, 'smct');
  const rule = run.tool.driver.rules[run.results[0].ruleIndex];
  assert.equal(rule.id, 'SM101');
  assert.match(rule.helpUri, /^https:\/\/.*\/docs\/rules\/SM101\.md$/);
  assert.match(rule.help.markdown, /^# SM101/);
  assert.deepEqual(run.results[0].locations[0].physicalLocation, {
    artifactLocation: { uri: 'broken/Dockerfile' },
    region: { startLine: 3, startColumn: 5, endLine: 3, endColumn: 27 },
  });
});

test('the project config file is read, --kind and --target override it', () => {
  assert.match(smct(['lint', 'configured/Dockerfile'], root).stdout, /warning SM101/);
  assert.match(smct(['lint', '--kind', 'inference', 'configured/Dockerfile'], root).stdout, /error SM502/);
  assert.equal(smct(['lint', '--target', 'train', 'target/Dockerfile'], root).status, 0);
  assert.equal(smct(['lint', 'target/Dockerfile'], root).status, 1);
});

const badInputs: [string, string[], RegExp][] = [
  ['a missing file', ['lint', 'nope/Dockerfile'], /^smct: nope\/Dockerfile: no such file\. Check the path\.\n$/],
  ['a folder', ['lint', 'broken'], /^smct: broken is a folder: give the path of the Dockerfile inside it/],
  ['a binary file', ['lint', 'binary/Dockerfile'], /^smct: binary\/Dockerfile is a binary file, not a Dockerfile\.\n$/],
  ['invalid UTF-8', ['lint', 'latin1/Dockerfile'], /^smct: latin1\/Dockerfile is not valid UTF-8 text/],
  ['a 5 MB file', ['lint', 'big/Dockerfile'], /^smct: big\/Dockerfile is 5\.0 MB, which is not a Dockerfile/],
  ['an unknown flag', ['lint', '--colour', 'broken/Dockerfile'], /^smct: Unknown option '--colour'.*See smct --help\.\n$/],
  [
    'a bad --format',
    ['lint', '--format', 'xml', 'broken/Dockerfile'],
    /^smct: --format must be one of text, json, sarif, checkstyle, gitlab, codeclimate, github \(got "xml"\)\.\n$/,
  ],
  ['no file', ['lint'], /^smct: smct lint needs at least one Dockerfile/],
  ['an unknown command', ['dploy'], /^smct: unknown command "dploy"/],
  [
    'an invalid config file',
    ['lint', 'badconfig/Dockerfile'],
    /^smct: .*badconfig\/\.smct\.json: `rules\.SM101` must be one of off, info, warning, error, got "loud"\n$/,
  ],
  [
    'a missing target stage',
    ['lint', '--target', 'nope', 'target/Dockerfile'],
    /^smct: target\/Dockerfile has no stage named "nope" \(its stages: train, serve\)\.\n$/,
  ],
];

for (const [what, args, message] of badInputs) {
  test(`bad input: ${what} gives a clear message, no stack trace, and exit code 2`, () => {
    if (what === 'a 5 MB file') {
      fs.mkdirSync(path.join(root, 'big'), { recursive: true });
      fs.writeFileSync(path.join(root, 'big', 'Dockerfile'), 'RUN echo x\n'.repeat(Math.ceil((5 * 1024 * 1024) / 11)).slice(0, 5 * 1024 * 1024));
    }
    const { stderr, status } = smct(args, root);
    assert.equal(status, 2);
    assert.match(stderr, message);
    assert.doesNotMatch(stderr, /\n\s+at /, 'no stack trace');
  });
}

test('one unreadable file among several: the others are still linted, exit code 2', () => {
  const { stdout, stderr, status } = smct(['lint', 'broken/Dockerfile', 'nope/Dockerfile'], root);
  assert.equal(status, 2);
  assert.match(stdout, /SM101/);
  assert.match(stderr, /nope\/Dockerfile: no such file/);
});

test('--help and --version', () => {
  assert.match(smct(['--help'], root).stdout, /lint FILE\.\.\./);
  assert.match(smct(['lint', '--help'], root).stdout, /--fail-on error\|warning\|info\|none/);
  assert.match(smct(['--version'], root).stdout, /^\d+\.\d+\.\d+\n$/);
});

/** A project whose copied folder holds two links back to itself, as the probe found. */
function loopProject(): string {
  const root = tempProject({ Dockerfile: 'FROM python:3.11\nRUN pip install sagemaker-training\nCOPY src /opt/ml/code\nENV SAGEMAKER_PROGRAM train.py\n' });
  fs.mkdirSync(path.join(root, 'src'));
  fs.symlinkSync('.', path.join(root, 'src/a'));
  fs.symlinkSync('.', path.join(root, 'src/b'));
  return root;
}

test('a symbolic-link loop in the build context: lint finishes and reports', { timeout: 60_000 }, () => {
  const result = spawnSync(process.execPath, [SMCT, 'lint', 'Dockerfile'], { cwd: loopProject(), encoding: 'utf8', timeout: 20_000 });
  assert.equal(result.signal, null, 'lint finished before the hang guard');
  assert.match(result.stdout, /problems? in 1 file/);
});

test('a FIFO in the build context is not opened: lint finishes and reports', { timeout: 60_000 }, () => {
  const root = tempProject({
    Dockerfile: 'FROM python:3.11\nENV PYTHONUNBUFFERED=1\nCOPY train.py /opt/program/\nENTRYPOINT ["python", "/opt/program/train.py"]\n',
  });
  const made = spawnSync('mkfifo', [path.join(root, 'train.py')]);
  assert.equal(made.status, 0, String(made.stderr));
  const result = spawnSync(process.execPath, [SMCT, 'lint', 'Dockerfile'], { cwd: root, encoding: 'utf8', timeout: 20_000 });
  assert.equal(result.signal, null, 'lint finished before the hang guard');
  assert.match(result.stdout, /in 1 file/);
});

/** CPU time a process has used, from /proc (Linux), in clock ticks; 0 once it has gone. */
function cpuTicks(pid: number): number {
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return 0;
  }
}

test('Ctrl-C during a long lint ends smct at once', { timeout: 120_000, skip: process.platform !== 'linux' && 'reads /proc' }, async () => {
  const big = 'FROM python:3.11\n' + 'RUN echo "one of many lines of a generated Dockerfile"\n'.repeat(35_000);
  const files = Object.fromEntries(Array.from({ length: 20 }, (_, index) => [`big${index}/Dockerfile`, big]));
  const root = tempProject(files);
  const child = spawn(process.execPath, [SMCT, 'lint', ...Object.keys(files)], { cwd: root, stdio: 'ignore' });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  // Half a second of CPU: Node has started and smct is linting.
  while (child.exitCode === null && cpuTicks(child.pid as number) < 50) await new Promise((resolve) => setImmediate(resolve));
  child.kill('SIGINT');
  const guard = new Promise<'still running'>((resolve) => setTimeout(() => resolve('still running'), 10_000).unref());
  const outcome = await Promise.race([exited, guard]);
  child.kill('SIGKILL');
  assert.ok(outcome !== 'still running', 'smct lint was still running 10 s after Ctrl-C');
  assert.ok(outcome.code === 130 || outcome.signal === 'SIGINT', `ended with ${JSON.stringify(outcome)}`);
});
