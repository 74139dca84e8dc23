/** A word of a shell command with quotes removed, and where it stands in the logical text. */
export interface ShellWord {
  readonly text: string;
  readonly start: number;
  readonly end: number;
}

/**
 * Splits a shell command line into simple commands (at `&&`, `||`, `;`, `|`, `&`, newlines and
 * parentheses) and each into words, removing quotes and backslash escapes. It is deliberately
 * small: enough to find which programs a RUN or a shell-form ENTRYPOINT starts and with which
 * arguments, not a full POSIX shell grammar. Unbalanced quotes end at the end of the text.
 */
export function shellCommands(text: string): ShellWord[][] {
  const commands: ShellWord[][] = [];
  let words: ShellWord[] = [];
  let word = '';
  let wordStart = -1;
  const endWord = (end: number): void => {
    if (wordStart >= 0) {
      words.push({ text: word, start: wordStart, end });
      word = '';
      wordStart = -1;
    }
  };
  const endCommand = (): void => {
    if (words.length > 0) commands.push(words);
    words = [];
  };
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === '\\' && i + 1 < text.length) {
      if (wordStart < 0) wordStart = i;
      if (text[i + 1] !== '\n') word += text[i + 1];
      i += 2;
    } else if (c === "'" || c === '"') {
      if (wordStart < 0) wordStart = i;
      const close = findClosingQuote(text, i);
      word += unquote(text.slice(i + 1, close), c);
      i = Math.min(close + 1, text.length);
    } else if (c === '#' && wordStart < 0) {
      while (i < text.length && text[i] !== '\n') i++;
    } else if (c === ' ' || c === '\t' || c === '\r') {
      endWord(i);
      i++;
    } else if (c === '\n' || c === ';' || c === '&' || c === '|' || c === '(' || c === ')') {
      endWord(i);
      endCommand();
      i++;
    } else {
      if (wordStart < 0) wordStart = i;
      word += c;
      i++;
    }
  }
  endWord(i);
  endCommand();
  return commands;
}

function findClosingQuote(text: string, open: number): number {
  const quote = text[open];
  for (let i = open + 1; i < text.length; i++) {
    if (quote === '"' && text[i] === '\\') {
      i++;
    } else if (text[i] === quote) {
      return i;
    }
  }
  return text.length;
}

function unquote(inner: string, quote: string): string {
  return quote === '"' ? inner.replace(/\\(["\\$`])/g, '$1') : inner;
}

/** Words that run the next word as the program: `sudo python x.py`, `env A=1 python`, `exec x`. */
const PREFIX_COMMANDS = new Set(['sudo', 'exec', 'env', 'time', 'nohup', 'nice', 'command', 'builtin', 'xargs']);

/** The words of a simple command from its program on: leading `VAR=value` and wrappers dropped. */
export function programWords(words: readonly ShellWord[]): ShellWord[] {
  let i = 0;
  while (i < words.length) {
    const text = words[i].text;
    if (/^[A-Za-z_][A-Za-z0-9_]*=/.test(text)) {
      i++;
    } else if (PREFIX_COMMANDS.has(text)) {
      i++;
      while (i < words.length && words[i].text.startsWith('-')) i++;
    } else {
      break;
    }
  }
  return words.slice(i);
}

/** True when the command uses nothing but plain words, so its exec form means the same thing. */
export function isPlainWordList(command: string): boolean {
  if (command.trim() === '') return false;
  if (/[|&;<>()$`\\"'*?[\]#~{}\n]/.test(command)) return false;
  const first = command.trim().split(/\s+/)[0];
  return !first.includes('=');
}

export function basename(path: string): string {
  const trimmed = path.replace(/\/+$/, '');
  const slash = trimmed.lastIndexOf('/');
  return slash >= 0 ? trimmed.slice(slash + 1) : trimmed;
}

/** Shell words that open or close compound commands: `exec` cannot be put in front of them. */
const RESERVED_WORDS = new Set([
  'if',
  'then',
  'else',
  'elif',
  'fi',
  'for',
  'while',
  'until',
  'do',
  'done',
  'case',
  'esac',
  'in',
  'function',
  '{',
  '}',
  '!',
  '[[',
  ']]',
]);

/**
 * Where `exec ` makes the last command of a shell command string replace the shell: the start
 * of the last command of a `;` / `&&` / newline list. Undefined when that cannot be done simply:
 * the last command is in a pipeline, after `||` or `&`, or inside a compound command (if, for, …).
 */
export function execInsertionPoint(command: string): number | undefined {
  const commands = shellCommands(command);
  const last = commands[commands.length - 1];
  if (!last || commands.some((words) => words.some((word) => RESERVED_WORDS.has(word.text)))) return undefined;
  const gap = command.slice(0, last[0].start);
  const before = gap.trimEnd();
  const newline = gap.slice(before.length).includes('\n');
  return before === '' || newline || before.endsWith('&&') || before.endsWith(';') ? last[0].start : undefined;
}
