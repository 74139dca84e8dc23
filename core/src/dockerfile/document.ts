import type { Position, Range } from 'vscode-languageserver-types';

/**
 * The text of a Dockerfile with fast offset <-> position conversion. Every range the engine
 * produces is an LSP range (0-based line and UTF-16 character); the CLI converts to 1-based once.
 */
export class DocumentText {
  readonly text: string;
  private readonly lineStarts: number[];

  constructor(text: string) {
    this.text = text;
    this.lineStarts = [0];
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 10 /* \n */) {
        this.lineStarts.push(i + 1);
      } else if (c === 13 /* \r */ && text.charCodeAt(i + 1) !== 10) {
        this.lineStarts.push(i + 1);
      }
    }
  }

  get lineCount(): number {
    return this.lineStarts.length;
  }

  offsetAt(position: Position): number {
    if (position.line >= this.lineStarts.length) {
      return this.text.length;
    }
    const start = this.lineStarts[Math.max(0, position.line)];
    const end = this.lineEnd(position.line);
    return Math.min(start + Math.max(0, position.character), end);
  }

  positionAt(offset: number): Position {
    const clamped = Math.max(0, Math.min(offset, this.text.length));
    let low = 0;
    let high = this.lineStarts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (this.lineStarts[mid] <= clamped) {
        low = mid;
      } else {
        high = mid - 1;
      }
    }
    return { line: low, character: clamped - this.lineStarts[low] };
  }

  rangeAt(start: number, end: number): Range {
    return { start: this.positionAt(start), end: this.positionAt(end) };
  }

  /** The line's text without its line break. */
  lineText(line: number): string {
    if (line < 0 || line >= this.lineStarts.length) {
      return '';
    }
    return this.text.slice(this.lineStarts[line], this.lineEnd(line));
  }

  /** Offset of the end of the line's content (before "\r\n", "\n" or "\r"). */
  lineEnd(line: number): number {
    const next = line + 1 < this.lineStarts.length ? this.lineStarts[line + 1] : this.text.length;
    let end = next;
    if (end > this.lineStarts[line] && this.text.charCodeAt(end - 1) === 10) {
      end--;
    }
    if (end > this.lineStarts[line] && this.text.charCodeAt(end - 1) === 13) {
      end--;
    }
    return end;
  }

  /** The line break the file uses, so inserted lines match it. */
  get eol(): string {
    return this.text.includes('\r\n') ? '\r\n' : '\n';
  }
}
