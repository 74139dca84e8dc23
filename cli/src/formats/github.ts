import type { ReportedFinding } from '../positions';
import { relativePath } from './relativePath';
import type { Severity } from '../../../core/src';

const COMMAND: Record<Severity, 'error' | 'warning' | 'notice'> = { error: 'error', warning: 'warning', info: 'notice' };

/**
 * GitHub Actions workflow commands, one line per finding, which GitHub shows as annotations on
 * the pull request's files: `::error file=F,line=L,col=C,endLine=..,endColumn=..,title=SMxxx::message`.
 */
export function formatGithub(findings: readonly ReportedFinding[], cwd: string): string {
  return findings.map((finding) => annotation(finding, cwd) + '\n').join('');
}

function annotation(finding: ReportedFinding, cwd: string): string {
  const properties = {
    file: relativePath(finding.file, cwd),
    line: finding.line,
    col: finding.column,
    endLine: finding.endLine,
    endColumn: finding.endColumn,
    title: finding.rule,
  };
  const list = Object.entries(properties).map(([name, value]) => `${name}=${escapeProperty(String(value))}`);
  return `::${COMMAND[finding.severity]} ${list.join(',')}::${escapeData(finding.message)}`;
}

// The runner's own escaping (@actions/core's escapeData and escapeProperty): a line break would
// end the command, and in a property a colon or comma would end the value.
export function escapeData(value: string): string {
  return value.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

export function escapeProperty(value: string): string {
  return escapeData(value).replace(/:/g, '%3A').replace(/,/g, '%2C');
}
