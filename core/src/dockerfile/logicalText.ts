import type { Instruction } from 'dockerfile-ast';
import type { Range } from 'vscode-languageserver-types';
import type { DocumentText } from './document';

/** A run of the logical text copied from one stretch of the document. */
interface Segment {
  readonly logicalStart: number;
  readonly documentStart: number;
  readonly length: number;
}

/**
 * An instruction's arguments as Docker sees them: continuation lines joined with the escape
 * character removed, and comment lines and empty lines inside the continuation dropped
 * (BuildKit's parser does the same). The segments map every character back to the document, so
 * any finding inside the logical text has an exact document range.
 */
export class LogicalText {
  constructor(
    readonly text: string,
    private readonly segments: readonly Segment[],
    private readonly endOffset: number,
    private readonly document: DocumentText,
  ) {}

  /** Document offset of the logical character at `index` (the end of the arguments past the last). */
  documentOffset(index: number): number {
    let low = 0;
    let high = this.segments.length - 1;
    while (low <= high) {
      const mid = (low + high) >> 1;
      const segment = this.segments[mid];
      if (index < segment.logicalStart) high = mid - 1;
      else if (index >= segment.logicalStart + segment.length) low = mid + 1;
      else return segment.documentStart + (index - segment.logicalStart);
    }
    return this.endOffset;
  }

  rangeOf(start: number, end: number): Range {
    const from = this.documentOffset(start);
    const to = end > start ? this.documentOffset(end - 1) + 1 : from;
    return this.document.rangeAt(from, Math.max(from, to));
  }
}

export function logicalArguments(instruction: Instruction, document: DocumentText, escape: string): LogicalText {
  // Scanned from the keyword rather than taken from getArgumentsRange(), which re-tokenizes the
  // instruction on every call (the largest cost of an analysis in profiles).
  const end = document.offsetAt(instruction.getRange().end);
  let start = document.offsetAt(instruction.getInstructionRange().end);
  while (start < end && (document.text[start] === ' ' || document.text[start] === '\t')) start++;
  if (start >= end) return new LogicalText('', [], end, document);
  return joinContinuations(document, start, end, escape, hasHeredoc(instruction, document, start, end));
}

/** Heredoc bodies are not continuation lines: once one starts, lines are taken as they are. */
function hasHeredoc(instruction: Instruction, document: DocumentText, start: number, end: number): boolean {
  const keyword = instruction.getKeyword();
  return (keyword === 'RUN' || keyword === 'COPY' || keyword === 'ADD') && /<<-?\s*["']?\w/.test(document.text.slice(start, Math.min(end, start + 4096)));
}

function joinContinuations(document: DocumentText, start: number, end: number, escape: string, heredoc: boolean): LogicalText {
  const source = document.text;
  const parts: string[] = [];
  const segments: Segment[] = [];
  let length = 0;
  const take = (from: number, count: number, text: string): void => {
    if (count === 0) return;
    parts.push(text);
    segments.push({ logicalStart: length, documentStart: from, length: count });
    length += count;
  };
  let lineStart = start;
  let first = true;
  while (lineStart < end) {
    let lineEnd = lineStart;
    while (lineEnd < end && source[lineEnd] !== '\n' && source[lineEnd] !== '\r') lineEnd++;
    let breakEnd = lineEnd;
    if (source[breakEnd] === '\r') breakEnd++;
    if (source[breakEnd] === '\n') breakEnd++;
    const line = source.slice(lineStart, lineEnd);
    const trimmed = line.trim();
    if (first || heredoc || (trimmed !== '' && !trimmed.startsWith('#'))) {
      const escapeAt = heredoc ? -1 : continuationEscape(line, escape);
      const kept = escapeAt >= 0 ? escapeAt : line.length;
      take(lineStart, kept, line.slice(0, kept));
      if (escapeAt < 0 && breakEnd > lineEnd && breakEnd < end) take(lineEnd, 1, '\n');
    }
    first = false;
    lineStart = breakEnd > lineEnd ? breakEnd : lineEnd + 1;
  }
  return new LogicalText(parts.join(''), segments, end, document);
}

/**
 * BuildKit's test (parser.go lineContinuation): the escape character, then only blanks. Returns
 * the escape character's index, or -1 when the line does not continue.
 */
function continuationEscape(line: string, escape: string): number {
  let i = line.length - 1;
  while (i >= 0 && (line[i] === ' ' || line[i] === '\t')) i--;
  return i >= 0 && line[i] === escape ? i : -1;
}
