import { CompletionItemKind, type CompletionItem, type Position } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { CAPABILITY_LABELS, OPT_ML_PATHS, SAGEMAKER_VARIABLES, type Term } from './sagemakerTerms';
import { RULES } from '../../../core/src';

/** Characters before the cursor that completion looks at: longer than any path or name it offers. */
const COMPLETION_WINDOW = 512;

/**
 * Completion of `/opt/ml` paths, `SAGEMAKER_*` variables (in ENV/ARG names and `$` references),
 * SageMaker capability labels in LABEL, and rule IDs in `# smct ignore=` pragmas.
 */
export function completion(document: TextDocument, position: Position): CompletionItem[] {
  const whole = document.getText({ start: { line: position.line, character: 0 }, end: position });
  // The patterns below are anchored at the cursor; on a long line without a match each would be
  // retried from every character (quadratic). What is completed is a word or a path, so the end
  // of the line is enough: only the leading keyword is read from the whole line.
  const line = whole.slice(-COMPLETION_WINDOW);
  const pragma = /#\s*smct\s+(?:global\s+)?ignore\s*=\s*(?:[\w]+\s*,\s*)*([\w]*)$/.exec(line);
  if (pragma) {
    return items(
      RULES.map((rule) => ({ name: rule.id, description: rule.title })),
      position,
      pragma[1].length,
      CompletionItemKind.EnumMember,
    );
  }
  if (/^\s*#/.test(whole)) return [];
  const path = /(\/[\w./-]*)$/.exec(line);
  if (path && ('/opt/ml'.startsWith(path[1]) || path[1].startsWith('/opt/ml'))) {
    return items(
      OPT_ML_PATHS.filter((term) => term.name.startsWith(path[1].replace(/\/$/, '')) || '/opt/ml'.startsWith(path[1])),
      position,
      path[1].length,
      CompletionItemKind.Folder,
    );
  }
  const reference = /\$\{?(\w*)$/.exec(line);
  if (reference) return items(SAGEMAKER_VARIABLES, position, reference[1].length, CompletionItemKind.Variable);
  const keyword = /^\s*(\w+)\s/.exec(whole)?.[1]?.toUpperCase();
  const word = /([\w.-]*)$/.exec(line)?.[1] ?? '';
  if (keyword === 'ENV' || keyword === 'ARG') return items(SAGEMAKER_VARIABLES, position, word.length, CompletionItemKind.Variable);
  if (keyword === 'LABEL') return items(CAPABILITY_LABELS, position, word.length, CompletionItemKind.Property);
  return [];
}

function items(terms: readonly Term[], position: Position, replace: number, kind: CompletionItemKind): CompletionItem[] {
  const range = { start: { line: position.line, character: position.character - replace }, end: position };
  return terms.map((term) => ({
    label: term.name,
    kind,
    detail: 'SageMaker',
    documentation: { kind: 'markdown', value: term.description },
    textEdit: { range, newText: term.name },
  }));
}
