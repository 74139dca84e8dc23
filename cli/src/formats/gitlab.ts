import { createHash } from 'node:crypto';
import type { ReportedFinding } from '../positions';
import { relativePath } from './relativePath';
import type { Severity } from '../../../core/src';

// hadolint's mapping, which Dockerfile pipelines already show (severityText in
// https://github.com/hadolint/hadolint/blob/master/src/Hadolint/Formatter/Codeclimate.hs).
// It fits: an error makes the SageMaker job fail, so it blocks.
const SEVERITY: Record<Severity, 'info' | 'major' | 'blocker'> = { info: 'info', warning: 'major', error: 'blocker' };

/**
 * GitLab Code Quality's report (artifacts:reports:codequality), which is a JSON array of Code
 * Climate issues: description, check_name, fingerprint, severity and location.path and
 * lines.begin as GitLab requires, plus type and categories as the Code Climate spec does, so
 * `--format codeclimate` prints the same.
 */
export function formatGitlab(findings: readonly ReportedFinding[], cwd: string): string {
  const occurrences = new Map<string, number>();
  const issues = findings.map((finding) => {
    const file = relativePath(finding.file, cwd);
    const identity = JSON.stringify([file, finding.rule, finding.underlined.replace(/\s+/g, ' ').trim()]);
    const occurrence = occurrences.get(identity) ?? 0;
    occurrences.set(identity, occurrence + 1);
    return {
      type: 'issue',
      check_name: finding.rule,
      description: finding.message,
      categories: ['Bug Risk'],
      severity: SEVERITY[finding.severity],
      fingerprint: fingerprint(identity, occurrence),
      location: { path: file, lines: { begin: finding.line, end: finding.endLine } },
    };
  });
  return JSON.stringify(issues, null, 2) + '\n';
}

/**
 * GitLab compares fingerprints between the merge request and its target branch. The line number
 * is left out so a finding keeps its fingerprint when lines above it move; the count of identical
 * findings before it keeps two of them in one file apart (GitLab shows one issue per fingerprint).
 */
function fingerprint(identity: string, occurrence: number): string {
  return createHash('sha256').update(`${identity}#${occurrence}`).digest('hex');
}
