/** Variables visible at one point of a build: ENV (inherited along the stage chain) over ARG. */
export interface VariableScope {
  /** The value, or undefined when the variable is unset or its value is unknown (a build argument). */
  lookup(name: string): string | undefined;
}

export const EMPTY_SCOPE: VariableScope = { lookup: () => undefined };

export interface Expansion {
  readonly value: string;
  /** False when a variable's value could not be known, so `value` keeps it unexpanded. */
  readonly complete: boolean;
}

/**
 * Expands `$NAME`, `${NAME}`, `${NAME:-word}` and `${NAME:+word}` the way Docker expands
 * instruction arguments. Unknown variables are kept as written and mark the result incomplete,
 * so rules can stay silent instead of guessing.
 */
export function expand(text: string, scope: VariableScope, escape = '\\'): Expansion {
  if (!text.includes('$')) return { value: text, complete: true };
  let value = '';
  let complete = true;
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === escape && text[i + 1] === '$') {
      value += '$';
      i += 2;
      continue;
    }
    if (c !== '$') {
      value += c;
      i++;
      continue;
    }
    const braced = /^\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-+])([^}]*))?\}/.exec(text.slice(i));
    const bare = braced ? null : /^\$([A-Za-z_][A-Za-z0-9_]*)/.exec(text.slice(i));
    const match = braced ?? bare;
    if (!match) {
      value += c;
      i++;
      continue;
    }
    const [whole, name, operator, word] = match;
    const found = scope.lookup(name);
    if (operator === ':-' || operator === '-') {
      value += found !== undefined && (operator === '-' || found !== '') ? found : word;
    } else if (operator === ':+' || operator === '+') {
      if (found === undefined) {
        complete = false;
        value += whole;
      } else {
        value += found !== '' || operator === '+' ? word : '';
      }
    } else if (found !== undefined) {
      value += found;
    } else {
      complete = false;
      value += whole;
    }
    i += whole.length;
  }
  return { value, complete };
}

/** An immutable scope made of a parent and this level's definitions. */
export class LayeredScope implements VariableScope {
  constructor(
    private readonly own: ReadonlyMap<string, string | undefined>,
    private readonly parent: VariableScope = EMPTY_SCOPE,
  ) {}

  lookup(name: string): string | undefined {
    return this.own.has(name) ? this.own.get(name) : this.parent.lookup(name);
  }
}
