import type { Instruction } from 'dockerfile-ast';
import type { Range } from 'vscode-languageserver-types';
import type { DocumentText } from './document';

/**
 * An instruction's arguments as Docker sees them: continuation lines joined with the escape
 * character removed, and comment lines and empty lines inside the continuation dropped
 * (BuildKit's parser does the same). `offsets[i]` is the document offset of `text[i]`, so any
 * finding inside the logical text maps back to an exact document range.
 */
export class LogicalText {
  constructor(
    readonly text: string,
    private readonly offsets: number[],
    private readonly endOffset: number,
    private readonly document: DocumentText,
  ) {}

  rangeOf(start: number, end: number): Range {
    const from = start < this.offsets.length ? this.offsets[start] : this.endOffset;
    const to = end > 0 && end - 1 < this.offsets.length ? this.offsets[end - 1] + 1 : from;
    return this.document.rangeAt(from, Math.max(from, to));
  }
}

export function logicalArguments(instruction: Instruction, document: DocumentText, escape: string): LogicalText {
  const argsRange = instruction.getArgumentsRange();
  if (!argsRange) {
    const end = document.offsetAt(instruction.getRange().end);
    return new LogicalText('', [], end, document);
  }
  const start = document.offsetAt(argsRange.start);
  const end = document.offsetAt(instruction.getRange().end);
  return joinContinuations(document, start, end, escape, heredocStart(instruction));
}

/** Heredoc bodies are not continuation lines: once one starts, lines are taken as they are. */
function heredocStart(instruction: Instruction): boolean {
  const keyword = instruction.getKeyword();
  return (keyword === 'RUN' || keyword === 'COPY' || keyword === 'ADD') && /<<-?\s*["']?\w/.test(instruction.getRawArgumentsContent() ?? '');
}

function joinContinuations(document: DocumentText, start: number, end: number, escape: string, hasHeredoc: boolean): LogicalText {
  const source = document.text;
  let text = '';
  const offsets: number[] = [];
  let lineStart = start;
  let first = true;
  while (lineStart < end) {
    let lineEnd = lineStart;
    while (lineEnd < end && source[lineEnd] !== '\n' && source[lineEnd] !== '\r') {
      lineEnd++;
    }
    let breakEnd = lineEnd;
    if (source[breakEnd] === '\r') breakEnd++;
    if (source[breakEnd] === '\n') breakEnd++;
    const line = source.slice(lineStart, lineEnd);
    const trimmed = line.trim();
    const skip = !first && !hasHeredoc && (trimmed === '' || trimmed.startsWith('#'));
    if (!skip) {
      const continued = !hasHeredoc && endsWithEscape(line, escape);
      const keep = continued ? line.replace(/\s*$/, '').slice(0, -1) : line;
      for (let i = 0; i < keep.length; i++) {
        text += keep[i];
        offsets.push(lineStart + i);
      }
      if (!continued && breakEnd > lineEnd && breakEnd < end) {
        text += '\n';
        offsets.push(lineEnd);
      }
    }
    first = false;
    lineStart = breakEnd > lineEnd ? breakEnd : lineEnd + 1;
  }
  return new LogicalText(text, offsets, end, document);
}

// BuildKit's test (parser.go lineContinuation): the escape character, then only blanks.
function endsWithEscape(line: string, escape: string): boolean {
  return line.replace(/[ \t]*$/, '').endsWith(escape);
}
