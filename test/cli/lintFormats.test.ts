// smct lint's CI formats (checkstyle, gitlab/codeclimate, github): as smct prints them, and their escaping.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { test } from 'node:test';
import { formatCheckstyle } from '../../cli/src/formats/checkstyle';
import type { ReportedFinding } from '../../cli/src/positions';
import { tempProject } from '../helpers/tempDir';

const SMCT = path.resolve(__dirname, '../../../bin/smct.js');

function smct(args: string[], cwd: string): { stdout: string; stderr: string; status: number | null } {
  const result = spawnSync(process.execPath, [SMCT, ...args], { cwd, encoding: 'utf8' });
  return { stdout: result.stdout, stderr: result.stderr, status: result.status };
}

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

test('an unknown --format names every format in one line', () => {
  const { stderr, status } = smct(['lint', '--format', 'junit', 'broken/Dockerfile'], root);
  assert.equal(status, 2);
  assert.equal(stderr, 'smct: --format must be one of text, json, sarif, checkstyle (got "junit").\n');
});

test('smct lint --help describes every format', () => {
  const help = smct(['lint', '--help'], root).stdout;
  for (const format of ['text', 'json', 'sarif', 'checkstyle']) {
    assert.match(help, new RegExp(`^ {4,}.*\\b${format}\\b`, 'm'));
  }
});
