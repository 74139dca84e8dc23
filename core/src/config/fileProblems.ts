import type { Range } from 'vscode-languageserver-types';

/** One thing wrong in a JSON file: the key path it is at, and what is wrong, in words a person can act on. */
export interface FileProblem {
  /** Keys from the top of the file down; a list item's index as a string. Empty: the file as a whole. */
  readonly path: readonly string[];
  /** One line, no trailing period, naming the key path itself (the file is named by whoever reports it). */
  readonly message: string;
}

/** A problem with the place of its key in the text (0-based lines and UTF-16 characters, as LSP and VS Code count). */
export interface LocatedProblem extends FileProblem {
  readonly range: Range;
}

/** A key that needs no brackets: no spaces, dots, quotes or brackets, and not only digits (those read as list indexes). */
const PLAIN_KEY = /^(?!\d+$)[^\s.[\]"'`]+$/;

/** `inputs.training.souce`, `containerEntrypoint[0]`, `tags["team name"]`. */
export function keyPath(path: readonly string[]): string {
  return path
    .map((key, index) => {
      if (/^\d+$/.test(key)) return `[${key}]`;
      if (PLAIN_KEY.test(key)) return index === 0 ? key : `.${key}`;
      return `[${JSON.stringify(key)}]`;
    })
    .join('');
}

/** A key path as messages quote it: `` `inputs.training` ``. */
export function quotedKeyPath(path: readonly string[]): string {
  return `\`${keyPath(path)}\``;
}

/**
 * The text of an error for a file's problems: the one problem on the file's line, or a count
 * on the file's line and one indented line per problem, so that every problem of a run is seen
 * at once and a terminal keeps each on its own line.
 */
export function describeProblems(file: string, problems: readonly FileProblem[]): string {
  if (problems.length === 1) return `${file}: ${problems[0].message}`;
  return [`${file}: ${problems.length} problems:`, ...problems.map((problem) => `  ${problem.message}`)].join('\n');
}
