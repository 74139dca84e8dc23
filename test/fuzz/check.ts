import { DocumentText } from '../../core/src/dockerfile/document';
import { MemoryContext } from '../../core/src/dockerfile/buildContext';
import { lintDockerfile } from '../../core/src/lint/linter';
import { hover } from '../../server/src/features/hover';
import type { Range } from 'vscode-languageserver-types';

/** A context with the files the generated Dockerfiles name, some executable, some CRLF. */
export const FUZZ_CONTEXT = new MemoryContext({
  'train.py': 'import argparse\np = argparse.ArgumentParser()\np.parse_args()\n',
  'prog/train': { content: '#!/usr/bin/env python\r\nprint(1)\r\n', mode: 0o644 },
  train: { content: 'no shebang\n', mode: 0o755 },
  'src/main.py': 'x',
});

export function rangeInside(document: DocumentText, range: Range): boolean {
  const inside = (line: number, character: number): boolean =>
    line >= 0 && line < document.lineCount && character >= 0 && character <= document.lineText(line).length;
  const ordered = range.start.line < range.end.line || (range.start.line === range.end.line && range.start.character <= range.end.character);
  return ordered && inside(range.start.line, range.start.character) && inside(range.end.line, range.end.character);
}

/** Runs the engine (and the hover) over one input; returns what is wrong, or undefined. */
export function checkEngine(text: string): string | undefined {
  const result = lintDockerfile(text, { context: FUZZ_CONTEXT, settings: { kind: 'both' } });
  if (result.failures.length > 0) return `rule ${result.failures[0].rule} threw: ${(result.failures[0].error as Error).stack}`;
  const document = new DocumentText(text);
  for (const finding of result.findings) {
    if (!rangeInside(document, finding.range)) return `${finding.rule} range ${JSON.stringify(finding.range)} is outside the document`;
    for (const fix of finding.fixes) {
      for (const edit of fix.edits) {
        if (edit.file === undefined && !rangeInside(document, edit.range)) return `${finding.rule} fix "${fix.title}" edits outside the document`;
      }
    }
  }
  for (let line = 0; line < Math.min(document.lineCount, 40); line += 3) {
    hover(result.analysis, { line, character: Math.floor(document.lineText(line).length / 2) });
  }
  return undefined;
}
