import type { Range } from 'vscode-languageserver-types';
import type { LogicalText } from './logicalText';

/** A NAME=value of ENV, ARG or LABEL. */
export interface PropertyInfo {
  readonly name: string;
  /** The value with quotes and escapes removed, variables not expanded; null for `ARG NAME`. */
  readonly value: string | null;
  readonly valueRange: Range | null;
  readonly range: Range;
}

/**
 * Reads `NAME=value NAME2="a b"` (and the legacy one-pair form `ENV NAME value with spaces`) from
 * an instruction's logical text, the way Docker splits it. Written here rather than taken from
 * dockerfile-ast's getProperties(), which re-tokenizes the instruction on every call.
 */
export function readProperties(logical: LogicalText, escape: string): PropertyInfo[] {
  const text = logical.text;
  const properties: PropertyInfo[] = [];
  let i = skipBlanks(text, 0);
  const firstWordEnd = wordEnd(text, i, escape);
  if (i < text.length && !text.slice(i, firstWordEnd).includes('=')) {
    // Legacy form: the first word is the name, the rest of the line the value.
    const valueStart = skipBlanks(text, firstWordEnd);
    const raw = text.slice(valueStart).replace(/\s+$/, '');
    const hasValue = raw.length > 0;
    properties.push({
      name: unquote(text.slice(i, firstWordEnd), escape),
      value: hasValue ? unquote(raw, escape) : null,
      valueRange: hasValue ? logical.rangeOf(valueStart, valueStart + raw.length) : null,
      range: logical.rangeOf(i, hasValue ? valueStart + raw.length : firstWordEnd),
    });
    return properties;
  }
  while (i < text.length) {
    const end = wordEnd(text, i, escape);
    const word = text.slice(i, end);
    const equals = word.indexOf('=');
    if (equals > 0) {
      const valueStart = i + equals + 1;
      properties.push({
        name: unquote(word.slice(0, equals), escape),
        value: unquote(text.slice(valueStart, end), escape),
        valueRange: logical.rangeOf(valueStart, end),
        range: logical.rangeOf(i, end),
      });
    } else if (word !== '') {
      properties.push({ name: word, value: null, valueRange: null, range: logical.rangeOf(i, end) });
    }
    i = skipBlanks(text, Math.max(end, i + 1));
  }
  return properties;
}

function skipBlanks(text: string, from: number): number {
  let i = from;
  while (i < text.length && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r')) i++;
  return i;
}

/** End of a word: the first blank outside quotes. */
function wordEnd(text: string, from: number, escape: string): number {
  let quote = '';
  for (let i = from; i < text.length; i++) {
    const c = text[i];
    if (c === escape && quote !== "'") i++;
    else if (quote !== '') {
      if (c === quote) quote = '';
    } else if (c === '"' || c === "'") quote = c;
    else if (c === ' ' || c === '\t' || c === '\n' || c === '\r') return i;
  }
  return text.length;
}

/** Removes quotes and escapes as Docker does for ENV, ARG and LABEL values. */
function unquote(raw: string, escape: string): string {
  let value = '';
  let quote = '';
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i];
    if (quote === "'") {
      if (c === "'") quote = '';
      else value += c;
    } else if (c === escape && i + 1 < raw.length) {
      // Inside double quotes only quote, escape and $ are escapable; elsewhere any character.
      if (quote === '"' && !['"', escape, '$'].includes(raw[i + 1])) value += c;
      else if (raw[i + 1] === '$') value += c;
      value += raw[++i];
    } else if (quote === '"') {
      if (c === '"') quote = '';
      else value += c;
    } else if (c === '"' || c === "'") {
      quote = c;
    } else {
      value += c;
    }
  }
  return value;
}
