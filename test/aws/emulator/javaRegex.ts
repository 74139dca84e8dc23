/**
 * The botocore models copy the services' Java regular expressions. JavaScript reads most of them
 * the same once compiled with the `u` flag (for `\p{L}` and friends), but Java also allows what the
 * `u` flag refuses (`\_`, `\ `, a quantified `$`) and has classes JavaScript lacks (`\p{Alnum}`).
 * This translates what the models use and refuses the rest, so that no pattern is silently skipped.
 */

export class UntranslatablePatternError extends Error {
  constructor(
    readonly pattern: string,
    reason: string,
  ) {
    super(`The Java pattern ${JSON.stringify(pattern)} cannot be translated to JavaScript: ${reason}`);
  }
}

/** Java's POSIX classes (US-ASCII only, as Java reads them without UNICODE_CHARACTER_CLASS), as class bodies. */
const POSIX: Readonly<Record<string, string>> = {
  Lower: 'a-z',
  Upper: 'A-Z',
  ASCII: '\\x00-\\x7F',
  Alpha: 'a-zA-Z',
  Digit: '0-9',
  Alnum: 'a-zA-Z0-9',
  Punct: '!-\\/:-@\\[-`{-~',
  Graph: '!-~',
  Print: '\\x20-\\x7E',
  Blank: ' \\t',
  Cntrl: '\\x00-\\x1F\\x7F',
  XDigit: '0-9a-fA-F',
  Space: ' \\t\\n\\x0B\\f\\r',
};

/** Unicode general categories, which JavaScript's `\p{…}` knows by the same names. */
const CATEGORY = /^(?:Is)?(L[ultmo]?|M[nce]?|N[dlo]?|P[cdseifo]?|S[mcko]?|Z[slp]?|C[cfson]?)$/;
const BINARY_PROPERTIES: Readonly<Record<string, string>> = { IsAlphabetic: 'Alphabetic', IsLetter: 'L', IsDigit: 'Nd', IsWhite_Space: 'White_Space' };

/** Characters that keep their backslash under the `u` flag; Java lets any other punctuation be escaped too. */
const SYNTAX = new Set('^$\\.*+?()[]{}|/'.split(''));

const SIMPLE_ESCAPES = new Set('dDwWsSnrtf'.split(''));
const JAVA_SPECIAL: Readonly<Record<string, string>> = {
  h: '[ \\t\\xA0\\u1680\\u180E\\u2000-\\u200A\\u202F\\u205F\\u3000]',
  H: '[^ \\t\\xA0\\u1680\\u180E\\u2000-\\u200A\\u202F\\u205F\\u3000]',
  v: '[\\n\\x0B\\f\\r\\x85\\u2028\\u2029]',
  V: '[^\\n\\x0B\\f\\r\\x85\\u2028\\u2029]',
  R: '(?:\\r\\n|[\\n\\x0B\\f\\r\\x85\\u2028\\u2029])',
  A: '^',
  z: '$',
  Z: '(?=\\n?$)',
  e: '\\x1B',
  a: '\\x07',
};

/** Translates a Java pattern to the source of a JavaScript pattern for the `u` flag. */
export function translateJavaPattern(pattern: string): string {
  let out = '';
  let inClass = false;
  let afterQuantifier = false;
  let afterClassEscape = false;
  for (let i = 0; i < pattern.length;) {
    const c = pattern[i];
    let quantifier = false;
    let classEscape = false;
    if (c === '\\') {
      const [text, length] = translateEscape(pattern, i, inClass);
      classEscape = inClass && /[dDwWsSpP]/.test(pattern[i + 1]);
      out += text;
      i += length;
    } else if (inClass) {
      if (c === '[') throw new UntranslatablePatternError(pattern, `nested character class at ${i}`);
      if (c === '&' && pattern[i + 1] === '&') throw new UntranslatablePatternError(pattern, `class intersection at ${i}`);
      if (c === ']') inClass = false;
      // Java reads a `-` after a class escape (`[\w-_]`) as the character; the `u` flag refuses it unescaped.
      out += c === '-' && afterClassEscape ? '\\-' : c;
      i++;
    } else if (c === '[') {
      inClass = true;
      out += pattern[i + 1] === '^' ? '[^' : '[';
      i += pattern[i + 1] === '^' ? 2 : 1;
    } else if (c === '$' && /^\{\d+(,\d*)?\}/.test(pattern.slice(i + 1))) {
      // Java accepts a quantified end anchor (`…${1,128}`, meant as a length limit) and matches it as the anchor alone.
      out += '$';
      i += 1 + (pattern.slice(i + 1).match(/^\{\d+(,\d*)?\}/) as RegExpMatchArray)[0].length;
    } else if (c === '{') {
      const bound = pattern.slice(i).match(/^\{\d+(,\d*)?\}/);
      out += bound ? bound[0] : '\\{';
      i += bound ? bound[0].length : 1;
      quantifier = bound !== null;
    } else if (c === '}' || c === ']') {
      out += `\\${c}`;
      i++;
    } else if (c === '(' && pattern[i + 1] === '?') {
      if (!/^\(\?(?::|=|!|<=|<!|<[A-Za-z][A-Za-z0-9]*>)/.test(pattern.slice(i))) {
        throw new UntranslatablePatternError(pattern, `group construct ${pattern.slice(i, i + 4)} at ${i} (inline flags, atomic groups)`);
      }
      out += c;
      i++;
    } else if (c === '+' && afterQuantifier) {
      throw new UntranslatablePatternError(pattern, `possessive quantifier at ${i}`);
    } else {
      quantifier = c === '*' || c === '+' || c === '?';
      out += c;
      i++;
    }
    afterQuantifier = quantifier;
    afterClassEscape = classEscape;
  }
  if (inClass) throw new UntranslatablePatternError(pattern, 'unterminated character class');
  return out;
}

/** One escape at `i`: its translation and how many characters it took. */
function translateEscape(pattern: string, i: number, inClass: boolean): [string, number] {
  const next = pattern[i + 1];
  if (next === undefined) throw new UntranslatablePatternError(pattern, 'trailing backslash');
  if (next === 'p' || next === 'P') return translateProperty(pattern, i, inClass);
  if (next === 'Q') {
    const end = pattern.indexOf('\\E', i + 2);
    const literal = pattern.slice(i + 2, end === -1 ? undefined : end);
    return [literal.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&'), (end === -1 ? pattern.length : end + 2) - i];
  }
  if (next === 'x' && pattern[i + 2] === '{') {
    const end = pattern.indexOf('}', i);
    return [`\\u{${pattern.slice(i + 3, end)}}`, end + 1 - i];
  }
  if (next === 'x' || next === 'u' || next === 'c') return [pattern.slice(i, i + 2), 2];
  if (SIMPLE_ESCAPES.has(next) || (!inClass && (next === 'b' || next === 'B'))) return [`\\${next}`, 2];
  if (next === 'k' || /[1-9]/.test(next)) return [`\\${next}`, 2];
  if (next === '0') {
    const octal = (pattern.slice(i + 2).match(/^[0-7]{1,3}/) ?? [''])[0];
    return [`\\u{${parseInt(octal || '0', 8).toString(16)}}`, 2 + octal.length];
  }
  const special = JAVA_SPECIAL[next];
  if (special !== undefined) {
    if (inClass) throw new UntranslatablePatternError(pattern, `\\${next} inside a character class`);
    return [special, 2];
  }
  if (/[A-Za-z0-9]/.test(next)) throw new UntranslatablePatternError(pattern, `unknown escape \\${next} at ${i}`);
  if (SYNTAX.has(next) || (inClass && next === '-')) return [`\\${next}`, 2];
  // Java's escaped punctuation (`\_`, `\ `, `\:`, `\-` outside a class) is the character itself.
  return [next, 2];
}

function translateProperty(pattern: string, i: number, inClass: boolean): [string, number] {
  const negated = pattern[i + 1] === 'P';
  const braced = pattern[i + 2] === '{';
  const name = braced ? pattern.slice(i + 3, pattern.indexOf('}', i)) : pattern[i + 2];
  const length = braced ? name.length + 4 : 3;
  const posix = POSIX[name];
  if (posix !== undefined) {
    if (!inClass) return [`[${negated ? '^' : ''}${posix}]`, length];
    if (negated) throw new UntranslatablePatternError(pattern, `negated \\P{${name}} inside a character class`);
    return [posix, length];
  }
  const category = name.match(CATEGORY)?.[1] ?? BINARY_PROPERTIES[name];
  if (category === undefined) throw new UntranslatablePatternError(pattern, `unknown property \\p{${name}}`);
  return [`\\${negated ? 'P' : 'p'}{${category}}`, length];
}

const compiled = new Map<string, RegExp | UntranslatablePatternError>();

/**
 * The pattern as AWS applies it: to the whole value (Java's `matches()`), hence anchored here.
 * Compiled once per pattern; an untranslatable one throws every time it is asked for.
 */
export function javaPattern(pattern: string): RegExp {
  let entry = compiled.get(pattern);
  if (entry === undefined) {
    try {
      entry = new RegExp(`^(?:${translateJavaPattern(pattern)})$`, 'u');
    } catch (error) {
      entry = error instanceof UntranslatablePatternError ? error : new UntranslatablePatternError(pattern, (error as Error).message);
    }
    compiled.set(pattern, entry);
  }
  if (entry instanceof UntranslatablePatternError) throw entry;
  return entry;
}
