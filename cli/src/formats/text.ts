import type { ReportedFinding } from '../positions';

/** `file:line:column: severity SMxxx message`, the shape editors and CI logs recognise, then a count. */
export function formatText(findings: readonly ReportedFinding[], fileCount: number): string {
  const lines = findings.map((finding) => `${finding.file}:${finding.line}:${finding.column}: ${finding.severity} ${finding.rule} ${finding.message}`);
  const count = (severity: string): number => findings.filter((finding) => finding.severity === severity).length;
  const files = `${fileCount} file${fileCount === 1 ? '' : 's'}`;
  lines.push(
    findings.length === 0
      ? `No SageMaker problems found in ${files}.`
      : `${findings.length} problem${findings.length === 1 ? '' : 's'} in ${files} (${count('error')} errors, ${count('warning')} warnings, ${count('info')} info).`,
  );
  return lines.join('\n') + '\n';
}
