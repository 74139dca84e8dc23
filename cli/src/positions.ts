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
}

export function toReported(file: string, finding: LintFinding): ReportedFinding {
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
  };
}
