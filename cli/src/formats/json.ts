import type { ReportedFinding } from '../positions';

export function formatJson(findings: readonly ReportedFinding[]): string {
  return JSON.stringify(findings, ['file', 'line', 'column', 'endLine', 'endColumn', 'rule', 'severity', 'message'], 2) + '\n';
}
