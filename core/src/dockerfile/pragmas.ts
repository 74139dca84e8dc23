import type { Instruction } from 'dockerfile-ast';
import type { Range } from 'vscode-languageserver-types';
import type { DocumentText } from './document';
import { KIND_SETTINGS, type ContainerKind } from '../config/settings';

export interface PragmaProblem {
  readonly range: Range;
  readonly message: string;
}

/**
 * The `# smct …` comments of a file:
 * - `# smct ignore=SM101,SM401` on the comment lines directly above an instruction;
 * - `# smct global ignore=SM303` anywhere, for the whole file;
 * - `# smct kind=inference` anywhere, the container kind of this file.
 * A reason may follow after another `#`: `# smct ignore=SM303 # pinned by the platform team`.
 */
export class Pragmas {
  readonly global = new Set<string>();
  readonly problems: PragmaProblem[] = [];
  kind: ContainerKind | undefined;
  private readonly ignoreByLine = new Map<number, Set<string>>();

  constructor(
    private readonly document: DocumentText,
    knownRules: ReadonlySet<string>,
  ) {
    for (let line = 0; line < document.lineCount; line++) {
      const text = document.lineText(line);
      const hash = text.indexOf('#');
      if (hash < 0 || text.slice(0, hash).trim() !== '' || !/^#\s*smct\b/.test(text.slice(hash))) continue;
      this.parse(line, text, knownRules);
    }
  }

  /** Rules silenced for this instruction by the comment block directly above it. */
  ignoredFor(instruction: Instruction): ReadonlySet<string> {
    const ignored = new Set<string>();
    for (let line = instruction.getRange().start.line - 1; line >= 0 && /^\s*#/.test(this.document.lineText(line)); line--) {
      for (const id of this.ignoreByLine.get(line) ?? []) ignored.add(id);
    }
    return ignored;
  }

  private parse(line: number, text: string, knownRules: ReadonlySet<string>): void {
    const ignore = /^(\s*#\s*smct\s+(global\s+)?ignore\s*=\s*)([^#]*)/.exec(text);
    if (ignore) {
      const target = ignore[2] ? this.global : new Set<string>();
      if (!ignore[2]) this.ignoreByLine.set(line, target);
      let offset = ignore[1].length;
      for (const part of ignore[3].split(/([,\s]+)/)) {
        if (part !== '' && !/^[,\s]+$/.test(part)) {
          const id = part.toUpperCase();
          if (knownRules.has(id)) target.add(id);
          else this.problem(line, offset, part.length, `Unknown rule "${part}" in a smct pragma: it silences nothing. Rules are SM101 to SM502.`);
        }
        offset += part.length;
      }
      return;
    }
    const kind = /^(\s*#\s*smct\s+kind\s*=\s*)(\S*)/.exec(text);
    if (kind) {
      const value = kind[2].toLowerCase();
      if (KIND_SETTINGS.includes(value as ContainerKind) && value !== 'auto') this.kind = value as ContainerKind;
      else if (value !== 'auto') {
        this.problem(line, kind[1].length, kind[2].length, `Unknown container kind "${kind[2]}": use training, inference or both.`);
      }
      return;
    }
    this.problem(line, 0, text.length, 'Unknown smct pragma: use "# smct ignore=SM101", "# smct global ignore=SM101" or "# smct kind=inference".');
  }

  private problem(line: number, character: number, length: number, message: string): void {
    this.problems.push({ range: { start: { line, character }, end: { line, character: character + length } }, message });
  }
}
