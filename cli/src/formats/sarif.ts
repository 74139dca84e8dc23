import type { ReportedFinding } from '../positions';
import { VERSION as version, PROJECT_HOME, RULES, rulePageMarkdown, webRulePage, type Severity } from '../../../core/src';

const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = { error: 'error', warning: 'warning', info: 'note' };

/**
 * SARIF 2.1.0 as GitHub code scanning reads it: one run, the whole catalogue as rule metadata
 * (help text and link per rule), results with relative file URIs and 1-based regions.
 */
export function formatSarif(findings: readonly ReportedFinding[]): string {
  const index = new Map(RULES.map((rule, i) => [rule.id, i]));
  const log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'smct',
            fullName: 'SageMaker Container Tools',
            version,
            semanticVersion: version,
            informationUri: PROJECT_HOME,
            rules: RULES.map((rule) => {
              const markdown = rulePageMarkdown(rule.id);
              return {
                id: rule.id,
                name: rule.title
                  .replace(/[^A-Za-z0-9]+(.)?/g, (_match, next: string | undefined) => (next ?? '').toUpperCase())
                  .replace(/^./, (c) => c.toUpperCase()),
                shortDescription: { text: rule.title },
                fullDescription: { text: firstParagraph(markdown) || rule.title },
                helpUri: webRulePage(rule.id),
                help: { text: markdown || rule.title, markdown: markdown || rule.title },
                defaultConfiguration: { level: LEVEL[rule.severity] },
                properties: { tags: ['sagemaker', 'dockerfile'], precision: 'high' },
              };
            }),
          },
        },
        results: findings.map((finding) => ({
          ruleId: finding.rule,
          ruleIndex: index.get(finding.rule) ?? -1,
          level: LEVEL[finding.severity],
          message: { text: finding.message },
          locations: [
            {
              physicalLocation: {
                artifactLocation: { uri: finding.file.split('\\').join('/').replace(/^\.\//, '') },
                region: { startLine: finding.line, startColumn: finding.column, endLine: finding.endLine, endColumn: finding.endColumn },
              },
            },
          ],
        })),
      },
    ],
  };
  return JSON.stringify(log, null, 2) + '\n';
}

function firstParagraph(markdown: string): string {
  return (markdown.split(/\n\s*\n/).find((block) => block.trim() !== '' && !block.trim().startsWith('#')) ?? '').replace(/\s+/g, ' ').trim();
}
