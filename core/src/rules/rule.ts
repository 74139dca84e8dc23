import type { Range } from 'vscode-languageserver-types';
import type { Analysis } from '../dockerfile/analysis';
import type { Severity } from '../config/settings';

/** A text edit of the Dockerfile, or of a build-context file when `file` is set (absolute path). */
export interface FileEdit {
  readonly file?: string;
  readonly range: Range;
  readonly newText: string;
}

export interface Fix {
  readonly title: string;
  readonly edits: readonly FileEdit[];
}

/** What a rule reports; the runner adds the rule ID and resolves the severity. */
export interface Finding {
  readonly range: Range;
  readonly message: string;
  /** Overrides the rule's default severity for this finding (SM103 is an error on `scratch`). */
  readonly severity?: Severity;
  readonly fixes?: readonly Fix[];
}

/**
 * One SageMaker rule of the catalogue (each with its page, docs/rules/SMNNN.md): a pure check over the
 * analysed Dockerfile. It never parses, never touches the LSP, and may throw: the runner turns
 * a throw into an internal error without stopping the other rules.
 */
export interface Rule {
  readonly id: string;
  /** A short name in the user's words, e.g. "CMD replaced by train". */
  readonly title: string;
  readonly severity: Severity;
  /** Training rules, inference rules, or rules about whatever SageMaker starts. */
  readonly appliesTo: 'training' | 'inference' | 'any';
  check(analysis: Analysis): Finding[];
}
