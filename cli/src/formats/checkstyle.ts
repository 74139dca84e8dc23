import type { ReportedFinding } from '../positions';

/**
 * Checkstyle 4.3 XML as hadolint and ESLint write it (Jenkins warnings-ng, reviewdog, Bitbucket
 * reports read it): one <file> per Dockerfile with findings, one <error> per finding, the rule ID
 * as its source.
 */
export function formatCheckstyle(findings: readonly ReportedFinding[]): string {
  const files = [...groupByFile(findings)].map(([file, found]) => `  <file name="${xmlAttribute(file)}">\n${found.map(errorElement).join('')}  </file>\n`);
  return `<?xml version="1.0" encoding="UTF-8"?>\n<checkstyle version="4.3">\n${files.join('')}</checkstyle>\n`;
}

function groupByFile(findings: readonly ReportedFinding[]): Map<string, ReportedFinding[]> {
  const byFile = new Map<string, ReportedFinding[]>();
  for (const finding of findings) byFile.set(finding.file, [...(byFile.get(finding.file) ?? []), finding]);
  return byFile;
}

function errorElement(finding: ReportedFinding): string {
  const attributes = { line: finding.line, column: finding.column, severity: finding.severity, message: finding.message, source: finding.rule };
  const text = Object.entries(attributes).map(([name, value]) => `${name}="${xmlAttribute(String(value))}"`);
  return `    <error ${text.join(' ')}/>\n`;
}

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;', '\t': '&#9;', '\n': '&#10;', '\r': '&#13;' };

/**
 * An attribute value: markup characters as entities, and tabs and line breaks as character
 * references, which XML parsers would otherwise turn into spaces. Characters XML 1.0 cannot hold
 * at all (other control characters, lone surrogates) become U+FFFD.
 */
export function xmlAttribute(value: string): string {
  return (
    value
      // eslint-disable-next-line no-control-regex -- these control characters are exactly what XML 1.0 cannot hold
      .replace(/[\0-\x08\v\f\x0e-\x1f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd')
      .replace(/[&<>"'\t\n\r]/g, (character) => ENTITIES[character])
  );
}
