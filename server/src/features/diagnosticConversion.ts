import { DiagnosticSeverity, type Diagnostic } from 'vscode-languageserver';
import { localRulePage, type LintFinding, type Severity } from '../../../core/src';

/** The `source` of every diagnostic, so users can tell who reported it. */
export const DIAGNOSTIC_SOURCE = 'SageMaker Container Tools';

const SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  info: DiagnosticSeverity.Information,
};

export function toDiagnostic(finding: LintFinding): Diagnostic {
  return {
    range: finding.range,
    severity: SEVERITY[finding.severity],
    code: finding.rule,
    codeDescription: { href: localRulePage(finding.rule) },
    source: DIAGNOSTIC_SOURCE,
    message: finding.message,
  };
}

export function sameRange(a: Diagnostic['range'], b: Diagnostic['range']): boolean {
  return a.start.line === b.start.line && a.start.character === b.start.character && a.end.line === b.end.line && a.end.character === b.end.character;
}
