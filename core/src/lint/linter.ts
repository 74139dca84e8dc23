import type { Range } from 'vscode-languageserver-types';
import { Analysis, type AnalysisOptions } from '../dockerfile/analysis';
import type { Severity } from '../config/settings';
import { RULE_IDS, RULES } from '../rules';
import type { Fix, Rule } from '../rules/rule';

export interface LintFinding {
  readonly rule: string;
  readonly severity: Severity;
  readonly range: Range;
  readonly message: string;
  readonly fixes: readonly Fix[];
}

/** A rule that threw: reported to the log, never to the user's Problems list. */
export interface RuleFailure {
  readonly rule: string;
  readonly error: unknown;
}

export interface LintResult {
  readonly analysis: Analysis;
  readonly findings: readonly LintFinding[];
  readonly failures: readonly RuleFailure[];
  /** Why the build context was not read completely (rules about its files may be missing). */
  readonly contextLimit?: string;
}

export interface LintOptions extends AnalysisOptions {
  /** The rules to run; all of the catalogue by default (tests pass others). */
  readonly rules?: readonly Rule[];
}

/**
 * Runs every applicable rule over one Dockerfile: container kind, severity settings and
 * `# smct` pragmas applied; a rule that throws is recorded and the others still run.
 */
export function lintDockerfile(text: string, options: LintOptions = {}): LintResult {
  const rules = options.rules ?? RULES;
  const analysis = new Analysis(text, options, RULE_IDS);
  const overrides = options.settings?.rules ?? {};
  const findings: LintFinding[] = [];
  const failures: RuleFailure[] = [];
  for (const rule of rules) {
    const override = overrides[rule.id];
    if (override === 'off' || !applies(rule, analysis) || analysis.pragmas.global.has(rule.id)) continue;
    let found;
    try {
      found = rule.check(analysis);
    } catch (error) {
      failures.push({ rule: rule.id, error });
      continue;
    }
    for (const finding of found) {
      const instruction = analysis.instructionAt(finding.range);
      if (instruction && analysis.pragmas.ignoredFor(instruction).has(rule.id)) continue;
      findings.push({
        rule: rule.id,
        severity: override ?? finding.severity ?? rule.severity,
        range: finding.range,
        message: finding.message,
        fixes: finding.fixes ?? [],
      });
    }
  }
  findings.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character || a.rule.localeCompare(b.rule));
  return { analysis, findings, failures, contextLimit: analysis.model.context.limitReached?.() };
}

function applies(rule: Rule, analysis: Analysis): boolean {
  if (rule.appliesTo === 'training') return analysis.kind.training;
  if (rule.appliesTo === 'inference') return analysis.kind.inference;
  return true;
}
