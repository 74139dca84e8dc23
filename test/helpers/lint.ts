import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { Range } from 'vscode-languageserver-types';
import { MemoryContext, type BuildContext } from '../../core/src/dockerfile/buildContext';
import type { LintSettings } from '../../core/src/config/settings';
import { lintDockerfile, type LintFinding } from '../../core/src/lint/linter';
import type { FileEdit } from '../../core/src/rules/rule';
import type { LocalImageLookup } from '../../core/src/dockerfile/baseFacts';
import { DOCKER_DEFAULT_PATH, type ImageConfig } from '../../core/src/image/imageConfig';

/** An image configuration as `docker image inspect` would give it, for a local-image lookup. */
export function localConfig(config: Partial<ImageConfig>): ImageConfig {
  return { entrypoint: [], cmd: [], path: DOCKER_DEFAULT_PATH, user: '', workdir: '/', platforms: ['linux/amd64'], env: {}, exposedPorts: [], ...config };
}

export type ContextFiles = ConstructorParameters<typeof MemoryContext>[0];

export interface LintInput {
  readonly files?: ContextFiles;
  readonly context?: BuildContext;
  readonly settings?: LintSettings;
  readonly localImage?: LocalImageLookup;
}

export function lint(dockerfile: string, input: LintInput = {}): LintFinding[] {
  const context = input.context ?? new MemoryContext(input.files ?? {});
  const result = lintDockerfile(dockerfile, { context, settings: input.settings, localImage: input.localImage });
  assert.deepEqual(result.failures, [], 'no rule may throw');
  return [...result.findings];
}

/** The document text a range covers: tests state ranges as the exact text underlined. */
export function covered(text: string, range: Range): string {
  const document = TextDocument.create('file:///Dockerfile', 'dockerfile', 1, text);
  return document.getText(range);
}

export function applyEdits(text: string, edits: readonly FileEdit[]): string {
  const document = TextDocument.create('file:///Dockerfile', 'dockerfile', 1, text);
  return TextDocument.applyEdits(
    document,
    edits.filter((edit) => edit.file === undefined).map((edit) => ({ range: edit.range, newText: edit.newText })),
  );
}

/** One row of a rule's table: the Dockerfile, its build context, and what the rule must report. */
export interface RuleCase extends LintInput {
  readonly name: string;
  readonly dockerfile: string;
  /** Each expected finding as its 1-based line and the exact text its range covers; [] for none. */
  readonly expect: readonly { readonly line: number; readonly text: string; readonly severity?: LintFinding['severity']; readonly message?: RegExp }[];
  /** For a case with a fix: the Dockerfile after applying the first (or named) fix. */
  readonly fixed?: string;
  readonly fixTitle?: string;
}

/**
 * Table-driven tests for one rule: exact findings for each case; and for cases with a quick fix,
 * the fix applied to the text gives the expected Dockerfile, and re-analysing it no longer
 * reports the rule while every other rule reports what it reported before.
 */
export function ruleTable(rule: string, cases: readonly RuleCase[]): void {
  for (const row of cases) {
    test(`${rule}: ${row.name}`, () => {
      const findings = lint(row.dockerfile, row).filter((finding) => finding.rule === rule);
      const actual = findings.map((finding) => ({ line: finding.range.start.line + 1, text: covered(row.dockerfile, finding.range) }));
      assert.deepEqual(
        actual,
        row.expect.map(({ line, text }) => ({ line, text })),
      );
      row.expect.forEach((expected, i) => {
        if (expected.severity) assert.equal(findings[i].severity, expected.severity);
        if (expected.message) assert.match(findings[i].message, expected.message);
      });
      if (row.fixed !== undefined) {
        const fix = row.fixTitle ? findings[0].fixes.find((candidate) => candidate.title === row.fixTitle) : findings[0].fixes[0];
        assert.ok(fix, `the finding offers a fix${row.fixTitle ? ` "${row.fixTitle}"` : ''}`);
        const after = applyEdits(row.dockerfile, fix.edits);
        assert.equal(after, row.fixed);
        const before = lint(row.dockerfile, row);
        const again = lint(after, row);
        assert.deepEqual(
          again.filter((finding) => finding.rule === rule),
          [],
          `${rule} is gone after "${fix.title}"`,
        );
        assert.deepEqual(
          again.filter((finding) => finding.rule !== rule).map((finding) => finding.rule),
          before.filter((finding) => finding.rule !== rule).map((finding) => finding.rule),
          'the other rules report the same after the fix',
        );
      }
    });
  }
}
