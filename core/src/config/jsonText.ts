// Where things are in a JSON file's text: the place of a syntax error, and of each key path, so
// that smct can say "line 3, column 14" and the editor can underline the key a problem is about.
// jsonc-parser (the parser VS Code's own JSON support uses) keeps every value's offset; JSON.parse
// stays the judge of what is valid JSON, as it is for everything else that reads these files.
import { parseTree, printParseErrorCode, type Node, type ParseError } from 'jsonc-parser';
import type { Position, Range } from 'vscode-languageserver-types';
import { keyPath, type FileProblem, type LocatedProblem } from './fileProblems';

export type ParsedJson = { readonly value: unknown; readonly text: JsonText } | { readonly syntaxError: LocatedProblem };

/** The file's value, or its first syntax error (what follows a syntax error cannot be read reliably). */
export function parseJson(source: string): ParsedJson {
  let value: unknown;
  try {
    value = JSON.parse(source);
  } catch (error) {
    return { syntaxError: syntaxProblem(source, error as Error) };
  }
  const root = parseTree(source, [], { disallowComments: true });
  return { value, text: new JsonText(source, root) };
}

/** The text of a file that is valid JSON, with the place of each key path. */
export class JsonText {
  private readonly lines: LineStarts;

  constructor(
    source: string,
    private readonly root: Node | undefined,
  ) {
    this.lines = new LineStarts(source);
  }

  /**
   * The problems with their places, in the order of the file (a problem about a missing key sits
   * at the object that lacks it); problems at one place in the order of their key paths, then as
   * they came.
   */
  locate(problems: readonly FileProblem[]): LocatedProblem[] {
    return problems
      .map((problem, index) => ({ problem, index, node: this.nearestNode(problem.path), key: keyPath(problem.path) }))
      .sort((a, b) => startOffset(a.node) - startOffset(b.node) || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0) || a.index - b.index)
      .map(({ problem, node }) => ({ ...problem, range: this.rangeOf(node) }));
  }

  /** The range of a key path's key in the text, or of the nearest enclosing key when it is not there. */
  keyRange(path: readonly string[]): Range {
    return this.rangeOf(this.nearestNode(path));
  }

  /** The value node at the path, or at the longest part of it that is in the file. */
  private nearestNode(path: readonly string[]): Node | undefined {
    let node = this.root;
    for (const key of path) {
      const child = node && childNode(node, key);
      if (!child) break;
      node = child;
    }
    return node;
  }

  /** A member's key (what a person looks for), a list item itself, or the top's first character. */
  private rangeOf(node: Node | undefined): Range {
    if (!node) return this.lines.range(0, 0);
    const key = node.parent?.type === 'property' ? node.parent.children?.[0] : undefined;
    if (key) return this.lines.range(key.offset, key.length);
    return this.lines.range(node.offset, node.parent ? node.length : Math.min(node.length, 1));
  }
}

/** Where a problem sorts: its key's offset, so that a member sorts before the values inside it. */
function startOffset(node: Node | undefined): number {
  if (!node) return 0;
  return node.parent?.type === 'property' ? node.parent.offset : node.offset;
}

function childNode(node: Node, key: string): Node | undefined {
  if (node.type === 'array') return /^\d+$/.test(key) ? node.children?.[Number(key)] : undefined;
  if (node.type !== 'object') return undefined;
  // The last of duplicate keys, as JSON.parse keeps it.
  const member = node.children?.filter((property) => property.children?.[0]?.value === key).pop();
  return member?.children?.[1];
}

/** Offsets to 0-based lines and characters; a line ends at \n, \r\n or \r. */
class LineStarts {
  private readonly starts: number[] = [0];

  constructor(source: string) {
    for (const match of source.matchAll(/\r\n|\r|\n/g)) this.starts.push((match.index ?? 0) + match[0].length);
  }

  position(offset: number): Position {
    let line = this.starts.length - 1;
    while (this.starts[line] > offset) line--;
    return { line, character: offset - this.starts[line] };
  }

  range(offset: number, length: number): Range {
    return { start: this.position(offset), end: this.position(offset + length) };
  }
}

/** The first syntax error in words, with its line and column (1-based, as editors show them). */
function syntaxProblem(source: string, error: Error): LocatedProblem {
  const errors: ParseError[] = [];
  parseTree(source, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  const first = errors[0] as ParseError | undefined;
  // jsonc-parser and JSON.parse agree on what JSON is; should they not, JSON.parse's own words and offset stand.
  const offset = first ? errorOffset(source, first) : Number(/at position (\d+)/.exec(error.message)?.[1] ?? 0);
  const what = first ? syntaxWords(source, first) : error.message.replace(/\.$/, '');
  const range = new LineStarts(source).range(offset, first?.length ?? 0);
  return {
    path: [],
    message: `not valid JSON at line ${range.start.line + 1}, column ${range.start.character + 1}: ${what}`,
    range,
  };
}

/** Where the mistake is: a trailing comma, not the bracket after it; a control character, not the string that holds it. */
function errorOffset(source: string, error: ParseError): number {
  const comma = trailingComma(source, error);
  if (comma !== undefined) return comma;
  if (printParseErrorCode(error.error) !== 'InvalidCharacter') return error.offset;
  // eslint-disable-next-line no-control-regex -- control characters are what this looks for
  const inside = /[\u0000-\u001f]/.exec(source.slice(error.offset, error.offset + error.length));
  return error.offset + (inside?.index ?? 0);
}

/** The offset of a comma just before a closing bracket, when that is what the parser stumbled on. */
function trailingComma(source: string, error: ParseError): number | undefined {
  const code = printParseErrorCode(error.error);
  if (code !== 'PropertyNameExpected' && code !== 'ValueExpected') return undefined;
  if (source[error.offset] !== '}' && source[error.offset] !== ']') return undefined;
  const before = source.slice(0, error.offset).trimEnd();
  return before.endsWith(',') ? before.length - 1 : undefined;
}

function syntaxWords(source: string, error: ParseError): string {
  const at = source.slice(error.offset, error.offset + Math.max(error.length, 1));
  switch (printParseErrorCode(error.error)) {
    case 'PropertyNameExpected':
    case 'ValueExpected':
      if (trailingComma(source, error) !== undefined) return `a comma before \`${at}\`, which JSON does not allow`;
      if (error.offset >= source.length) return source.trim() === '' ? 'the file is empty' : 'the file ends where a value should be';
      return printParseErrorCode(error.error) === 'PropertyNameExpected' ? 'a key in double quotes expected' : 'a value expected';
    case 'InvalidSymbol':
      return at.startsWith("'") ? 'strings and keys take double quotes in JSON' : `unexpected \`${at}\``;
    case 'ColonExpected':
      return 'a colon expected after the key';
    case 'CommaExpected':
      return 'a comma expected between two values';
    case 'CloseBraceExpected':
      return 'a closing `}` expected';
    case 'CloseBracketExpected':
      return 'a closing `]` expected';
    case 'EndOfFileExpected':
      return 'more text after the end of the JSON value';
    case 'InvalidCommentToken':
    case 'UnexpectedEndOfComment':
      return 'comments are not allowed in JSON';
    case 'UnexpectedEndOfString':
      return 'a string that is not closed';
    case 'InvalidNumberFormat':
    case 'UnexpectedEndOfNumber':
      return 'a number that is not valid JSON';
    case 'InvalidUnicode':
      return 'a \\u escape that is not four hex digits';
    case 'InvalidEscapeCharacter':
      return 'an escape that JSON does not know (use \\\\ for a backslash)';
    case 'InvalidCharacter':
      return 'a tab or line break inside a string: write it as \\t or \\n';
    default:
      return 'not valid JSON here';
  }
}
