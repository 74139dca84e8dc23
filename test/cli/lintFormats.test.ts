// smct lint's CI formats (checkstyle, gitlab/codeclimate, github): as smct prints them, and their escaping.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { formatCheckstyle } from '../../cli/src/formats/checkstyle';
import { formatGithub } from '../../cli/src/formats/github';
import { formatGitlab } from '../../cli/src/formats/gitlab';
import type { ReportedFinding } from '../../cli/src/positions';
import { tempProject } from '../helpers/tempDir';
import { smctSync } from '../helpers/smctProcess';

const smct = (args: string[], cwd: string): ReturnType<typeof smctSync> => smctSync(args, cwd);

/** A folder name that needs escaping in every format: a space, a comma, a colon, a percent sign. */
const ODD_FOLDER = 'my job, v2: 100%';
/** SM101 quotes the CMD into its message, so the message carries commas, colons, %, <, &, > and quotes. */
const ODD_CMD = 'CMD ["python", "a,b:c%d<&>\\"q\\"\'.py"]';
const BROKEN = 'FROM python:3.11\nENV PYTHONUNBUFFERED=1\nCMD ["python", "train.py"]\n';
/** A warning (SM402, line 2) and an info (SM401, line 3). */
const WARNING_AND_INFO = 'FROM python:3.11\nUSER app\nENTRYPOINT ["python", "train.py"]\n';

const root = tempProject({
  [`${ODD_FOLDER}/Dockerfile`]: `FROM python:3.11\nENV PYTHONUNBUFFERED=1\n${ODD_CMD}\n`,
  'broken/Dockerfile': BROKEN,
  'twice/Dockerfile': WARNING_AND_INFO,
  'clean/Dockerfile': 'FROM python:3.11\nENV PYTHONUNBUFFERED=1\nENTRYPOINT ["python", "train.py"]\n',
});
const ODD_FILE = `${ODD_FOLDER}/Dockerfile`;

/** The findings as --format json reports them: the reference the other formats must agree with. */
function jsonFindings(files: string[]): ReportedFinding[] {
  return JSON.parse(smct(['lint', '--format', 'json', ...files], root).stdout) as ReportedFinding[];
}

function finding(overrides: Partial<ReportedFinding>): ReportedFinding {
  return {
    file: 'Dockerfile',
    line: 1,
    column: 1,
    endLine: 1,
    endColumn: 5,
    rule: 'SM101',
    severity: 'error',
    message: 'm',
    underlined: 'CMD x',
    ...overrides,
  };
}

/** Text no format may mangle: a line break, a carriage return, a tab, %, commas, colons, markup and quotes. */
const HOSTILE = 'first, second: third\nnext line\r\tend 100% <tag> & "double" \'single\' %0A';

// ---------- A minimal XML reader: enough of XML to read checkstyle back, strict about what it accepts. ----------

interface XmlElement {
  readonly name: string;
  readonly attributes: Record<string, string>;
  readonly children: XmlElement[];
}

function decodeXml(value: string): string {
  assert.doesNotMatch(value, /[<\n\r\t]|&(?!(amp|lt|gt|quot|apos|#\d+);)/, `raw markup or line break in an attribute: ${value}`);
  const named: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
  return value.replace(/&(amp|lt|gt|quot|apos|#(\d+));/g, (_match, name: string, code: string | undefined) =>
    code ? String.fromCodePoint(Number(code)) : named[name],
  );
}

function parseXml(xml: string): XmlElement {
  const declaration = /^<\?xml version="1\.0" encoding="UTF-8"\?>\n/;
  assert.match(xml, declaration);
  const tokens = xml.replace(declaration, '').matchAll(/<(\/?)([A-Za-z]+)((?:\s+[A-Za-z]+="[^"]*")*)\s*(\/?)>|([^<]+)/g);
  const stack: XmlElement[] = [{ name: '#document', attributes: {}, children: [] }];
  for (const [, closing, name, attributeText, selfClosing, text] of tokens) {
    if (text !== undefined) {
      assert.equal(text.trim(), '', `unexpected text ${JSON.stringify(text)}`);
      continue;
    }
    if (closing) {
      assert.equal(stack.pop()?.name, name, `</${name}> closes another element`);
      continue;
    }
    const attributes = Object.fromEntries([...attributeText.matchAll(/([A-Za-z]+)="([^"]*)"/g)].map(([, key, value]) => [key, decodeXml(value)]));
    const element: XmlElement = { name, attributes, children: [] };
    stack[stack.length - 1].children.push(element);
    if (!selfClosing) stack.push(element);
  }
  assert.equal(stack.length, 1, 'every element is closed');
  assert.equal(stack[0].children.length, 1, 'one root element');
  return stack[0].children[0];
}

// ---------- checkstyle ----------

test('--format checkstyle is Checkstyle 4.3 XML: one <file> per Dockerfile with findings, one <error> per finding, 1-based', () => {
  const files = [ODD_FILE, 'twice/Dockerfile', 'clean/Dockerfile'];
  const { stdout, status } = smct(['lint', '--format', 'checkstyle', ...files], root);
  assert.equal(status, 1);
  const checkstyle = parseXml(stdout);
  assert.equal(checkstyle.name, 'checkstyle');
  assert.equal(checkstyle.attributes.version, '4.3');
  assert.deepEqual(
    checkstyle.children.map((file) => [file.name, file.attributes.name]),
    [
      ['file', ODD_FILE],
      ['file', 'twice/Dockerfile'],
    ],
  );
  const errors = checkstyle.children.flatMap((file) => file.children.map((error) => ({ file: file.attributes.name, ...error.attributes })));
  assert.deepEqual(
    errors,
    jsonFindings(files).map((reported) => ({
      file: reported.file,
      line: String(reported.line),
      column: String(reported.column),
      severity: reported.severity,
      message: reported.message,
      source: reported.rule,
    })),
  );
  assert.deepEqual(
    errors.map((error) => [error.line, error.column, error.severity, error.source]),
    [
      ['3', '5', 'error', 'SM101'],
      ['2', '6', 'warning', 'SM402'],
      ['3', '12', 'info', 'SM401'],
    ],
  );
  assert.match(errors[0].message, /"python "a,b:c%d<&>\\"q\\"'\.py""/, 'the CMD survives the round trip');
});

test('checkstyle escapes markup, quotes and line breaks, and replaces characters XML cannot hold', () => {
  const xml = formatCheckstyle([finding({ file: 'a "b" & <c>/Dockerfile', message: HOSTILE + '\u0001\udc00' })]);
  const error = parseXml(xml).children[0].children[0];
  assert.equal(parseXml(xml).children[0].attributes.name, 'a "b" & <c>/Dockerfile');
  assert.equal(error.attributes.message, HOSTILE + '\ufffd\ufffd');
  assert.equal(xml.split('\n').length, 7, 'the message stays on its line');
});

test('checkstyle with no findings is an empty <checkstyle> element', () => {
  const { stdout, status } = smct(['lint', '--format', 'checkstyle', 'clean/Dockerfile'], root);
  assert.equal(status, 0);
  assert.deepEqual(parseXml(stdout), { name: 'checkstyle', attributes: { version: '4.3' }, children: [] });
});

// ---------- gitlab / codeclimate ----------

interface CodeQualityIssue {
  type: string;
  check_name: string;
  description: string;
  categories: string[];
  severity: string;
  fingerprint: string;
  location: { path: string; lines: { begin: number; end: number } };
}

function gitlab(files: string[], cwd = root): CodeQualityIssue[] {
  const { stdout, stderr } = smct(['lint', '--format', 'gitlab', ...files], cwd);
  assert.equal(stderr, '');
  return JSON.parse(stdout) as CodeQualityIssue[];
}

test('--format gitlab is a GitLab Code Quality array: description, check_name, fingerprint, severity, location.path and 1-based lines', () => {
  const files = [ODD_FILE, 'twice/Dockerfile'];
  const issues = gitlab(files);
  const reported = jsonFindings(files);
  assert.deepEqual(
    issues.map(({ fingerprint, ...issue }) => {
      assert.match(fingerprint, /^[0-9a-f]{64}$/);
      return issue;
    }),
    reported.map((finding, index) => ({
      type: 'issue',
      check_name: finding.rule,
      description: finding.message,
      categories: ['Bug Risk'],
      severity: ['blocker', 'major', 'info'][index],
      location: { path: finding.file, lines: { begin: finding.line, end: finding.endLine } },
    })),
  );
  assert.deepEqual(
    issues.map((issue) => [issue.location.path, issue.location.lines.begin, issue.check_name, issue.severity]),
    [
      [ODD_FILE, 3, 'SM101', 'blocker'],
      ['twice/Dockerfile', 2, 'SM402', 'major'],
      ['twice/Dockerfile', 3, 'SM401', 'info'],
    ],
  );
  assert.equal(new Set(issues.map((issue) => issue.fingerprint)).size, issues.length, 'one fingerprint per issue');
});

test('gitlab paths are relative to the folder smct runs in, however the file was named', () => {
  const absolute = path.join(root, ODD_FILE);
  assert.deepEqual(
    [gitlab([absolute]), gitlab([`./${ODD_FILE}`]), gitlab([`../${path.basename(root)}/${ODD_FILE}`])].map((issues) => issues[0].location.path),
    [ODD_FILE, ODD_FILE, ODD_FILE],
  );
  assert.equal(gitlab(['Dockerfile'], path.join(root, ODD_FOLDER))[0].location.path, 'Dockerfile');
});

test('a gitlab fingerprint survives lines moving and changes with the file, the rule or the underlined text', () => {
  const project = tempProject({ Dockerfile: BROKEN });
  const [before] = gitlab(['Dockerfile'], project);
  fs.writeFileSync(path.join(project, 'Dockerfile'), `# a comment that moves the finding down\n${BROKEN}`);
  const [after] = gitlab(['Dockerfile'], project);
  assert.equal(after.location.lines.begin, before.location.lines.begin + 1);
  assert.equal(after.fingerprint, before.fingerprint);
  assert.notEqual(gitlab(['broken/Dockerfile'])[0].fingerprint, before.fingerprint, 'another file');
  const print = (overrides: Partial<ReportedFinding>): string => (JSON.parse(formatGitlab([finding(overrides)], '/repo')) as CodeQualityIssue[])[0].fingerprint;
  assert.equal(print({ line: 7, endLine: 7 }), print({ line: 3, endLine: 3 }));
  assert.equal(print({ underlined: 'CMD  x\n' }), print({ underlined: 'CMD x' }), 'whitespace does not count');
  assert.notEqual(print({ file: 'other/Dockerfile' }), print({}));
  assert.notEqual(print({ rule: 'SM102' }), print({}));
  assert.notEqual(print({ underlined: 'CMD y' }), print({}));
  const [first, second] = JSON.parse(formatGitlab([finding({ line: 2 }), finding({ line: 9 })], '/repo')) as CodeQualityIssue[];
  assert.notEqual(first.fingerprint, second.fingerprint, 'two identical findings in one file stay two issues');
});

test('gitlab keeps every character of a message (JSON escaping)', () => {
  const [issue] = JSON.parse(formatGitlab([finding({ message: HOSTILE })], '/repo')) as CodeQualityIssue[];
  assert.equal(issue.description, HOSTILE);
});

test('--format codeclimate prints the same report as --format gitlab; none found is []', () => {
  const files = [ODD_FILE, 'twice/Dockerfile'];
  const codeclimate = smct(['lint', '--format', 'codeclimate', ...files], root);
  assert.equal(codeclimate.status, 1);
  assert.equal(codeclimate.stdout, smct(['lint', '--format', 'gitlab', ...files], root).stdout);
  assert.equal(smct(['lint', '--format', 'gitlab', 'clean/Dockerfile'], root).stdout, '[]\n');
});

// ---------- github ----------

test('--format github prints one workflow command per finding, with file, 1-based positions and the rule as title', () => {
  const { stdout, status } = smct(['lint', '--format', 'github', 'broken/Dockerfile', 'twice/Dockerfile'], root);
  assert.equal(status, 1);
  const [sm101, sm402, sm401] = jsonFindings(['broken/Dockerfile', 'twice/Dockerfile']);
  assert.equal(
    stdout,
    [
      `::error file=broken/Dockerfile,line=3,col=5,endLine=3,endColumn=27,title=SM101::${sm101.message}`,
      `::warning file=twice/Dockerfile,line=2,col=6,endLine=${sm402.endLine},endColumn=${sm402.endColumn},title=SM402::${sm402.message}`,
      `::notice file=twice/Dockerfile,line=3,col=12,endLine=${sm401.endLine},endColumn=${sm401.endColumn},title=SM401::${sm401.message}`,
    ].join('\n') + '\n',
  );
  assert.equal(smct(['lint', '--format', 'github', 'clean/Dockerfile'], root).stdout, '');
});

test('github escapes % and line breaks in the message, and also : and , in properties such as the file path', () => {
  const { stdout } = smct(['lint', '--format', 'github', ODD_FILE], root);
  assert.match(stdout, /^::error file=my job%2C v2%3A 100%25\/Dockerfile,line=3,col=5,endLine=3,endColumn=38,title=SM101::/);
  assert.match(stdout, /"python "a,b:c%25d<&>\\"q\\"'\.py""/, 'in the message, only % is escaped');
  const line = formatGithub([finding({ file: 'a,b:c%\n/Dockerfile', message: HOSTILE })], '/repo');
  assert.equal(
    line,
    '::error file=a%2Cb%3Ac%25%0A/Dockerfile,line=1,col=1,endLine=1,endColumn=5,title=SM101::' +
      'first, second: third%0Anext line%0D\tend 100%25 <tag> & "double" \'single\' %250A\n',
  );
});

test('an unknown --format names every format in one line', () => {
  const { stderr, status } = smct(['lint', '--format', 'junit', 'broken/Dockerfile'], root);
  assert.equal(status, 2);
  assert.equal(stderr, 'smct: --format must be one of text, json, sarif, checkstyle, gitlab, codeclimate, github (got "junit").\n');
});

test('smct lint --help describes every format', () => {
  const help = smct(['lint', '--help'], root).stdout;
  for (const format of ['text', 'json', 'sarif', 'checkstyle', 'gitlab', 'codeclimate', 'github']) {
    assert.match(help, new RegExp(`^ {4,}.*\\b${format}\\b`, 'm'));
  }
});
