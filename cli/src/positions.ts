import type { LintFinding } from '../../core/src';

/** A finding as the command line reports it: 1-based lines and columns (the one conversion point). */
export interface ReportedFinding {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly endLine: number;
  readonly endColumn: number;
  readonly rule: string;
  readonly severity: LintFinding['severity'];
  readonly message: string;
  /**
   * The Dockerfile text the finding underlines ('' when the source was not given). Code-quality
   * fingerprints key on it rather than on the line number, so a finding keeps its identity when
   * lines above it are added or removed.
   */
  readonly underlined: string;
}

export function toReported(file: string, finding: LintFinding, source = ''): ReportedFinding {
  const { start, end } = finding.range;
  return {
    file,
    line: start.line + 1,
    column: start.character + 1,
    endLine: end.line + 1,
    endColumn: end.character + 1,
    rule: finding.rule,
    severity: finding.severity,
    message: finding.message,
    underlined: textInRange(source, finding.range),
  };
}

function textInRange(source: string, { start, end }: LintFinding['range']): string {
  const lines = source.split('\n').slice(start.line, end.line + 1);
  if (lines.length === 0) return '';
  // Cut the end first: on a one-line range the end column counts from the line's start.
  lines[lines.length - 1] = lines[lines.length - 1].slice(0, end.character);
  lines[0] = lines[0].slice(start.character);
  return lines.join('\n');
}
