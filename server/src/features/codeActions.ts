import { URI } from 'vscode-uri';
import { CodeActionKind, type CodeAction, type CodeActionParams, type Diagnostic, type TextEdit, type WorkspaceEdit } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { DIAGNOSTIC_SOURCE, sameRange } from './diagnosticConversion';
import type { Analysis, FileEdit, LintResult } from '../../../core/src';

/**
 * Quick fixes for our diagnostics: the rule's own fixes, then "Ignore SMxxx for this
 * instruction", which adds the rule to a `# smct ignore=` comment directly above (merging into an
 * existing one rather than stacking a second).
 */
export function codeActions(document: TextDocument, result: LintResult, params: CodeActionParams): CodeAction[] {
  const actions: CodeAction[] = [];
  const ignores = new Set<string>();
  for (const diagnostic of params.context.diagnostics) {
    if (diagnostic.source !== DIAGNOSTIC_SOURCE || typeof diagnostic.code !== 'string') continue;
    const finding = result.findings.find((candidate) => candidate.rule === diagnostic.code && sameRange(candidate.range, diagnostic.range));
    if (!finding) continue;
    finding.fixes.forEach((fix, index) => {
      actions.push({
        title: fix.title,
        kind: CodeActionKind.QuickFix,
        diagnostics: [diagnostic],
        isPreferred: index === 0,
        edit: workspaceEdit(document.uri, fix.edits),
      });
    });
    const ignore = ignoreAction(document, result.analysis, diagnostic);
    if (ignore && !ignores.has(ignore.title + diagnostic.range.start.line)) {
      ignores.add(ignore.title + diagnostic.range.start.line);
      actions.push(ignore);
    }
  }
  return actions;
}

function workspaceEdit(uri: string, edits: readonly FileEdit[]): WorkspaceEdit {
  const changes: Record<string, TextEdit[]> = {};
  for (const edit of edits) {
    const target = edit.file ? URI.file(edit.file).toString() : uri;
    (changes[target] ??= []).push({ range: edit.range, newText: edit.newText });
  }
  return { changes };
}

function ignoreAction(document: TextDocument, analysis: Analysis, diagnostic: Diagnostic): CodeAction | undefined {
  const rule = diagnostic.code as string;
  if (rule === 'SM000') return undefined;
  const instruction = analysis.instructionAt(diagnostic.range);
  if (!instruction) return undefined;
  const text = analysis.model.document;
  const line = instruction.getRange().start.line;
  const above = text.lineText(line - 1);
  const existing = line > 0 ? /^(\s*#\s*smct\s+ignore\s*=\s*[A-Za-z0-9, ]*?)(\s*(#.*)?)$/.exec(above) : null;
  const edit: TextEdit = existing
    ? { range: { start: { line: line - 1, character: existing[1].length }, end: { line: line - 1, character: existing[1].length } }, newText: `,${rule}` }
    : {
        range: { start: { line, character: 0 }, end: { line, character: 0 } },
        newText: `${/^\s*/.exec(text.lineText(line))?.[0] ?? ''}# smct ignore=${rule}${text.eol}`,
      };
  return {
    title: `Ignore ${rule} for this instruction`,
    kind: CodeActionKind.QuickFix,
    diagnostics: [diagnostic],
    edit: { changes: { [document.uri]: [edit] } },
  };
}
