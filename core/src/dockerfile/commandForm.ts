import type { Instruction } from 'dockerfile-ast';
import type { LogicalText } from './logicalText';

/** How Docker runs the arguments of a CMD, ENTRYPOINT or RUN. */
export type CommandForm =
  | { kind: 'exec'; argv: string[] }
  | { kind: 'shell'; command: string }
  /** `[1, 2]` and the like: a JSON array that is not all strings, which Docker rejects at build time. */
  | { kind: 'invalid' };

/**
 * Decides exec form exactly as BuildKit's parseMaybeJSON does: after trimming leading blanks the
 * text must start with "[" and unmarshal as a JSON array; every element must be a string.
 * dockerfile-ast's own bracket parsing accepts `["a",]` and `["a"] x`, which Docker runs in a shell.
 */
export function commandForm(logical: LogicalText): CommandForm {
  const text = logical.text.replace(/^[ \t\r\n]+/, '');
  if (text.startsWith('[')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    if (Array.isArray(parsed)) {
      return parsed.every((element) => typeof element === 'string') ? { kind: 'exec', argv: parsed as string[] } : { kind: 'invalid' };
    }
  }
  return { kind: 'shell', command: logical.text.trim() };
}

/** A CMD or ENTRYPOINT with its parsed form: what the image config will hold. */
export interface CommandInstruction {
  readonly instruction: Instruction;
  readonly logical: LogicalText;
  readonly form: CommandForm;
  /** The SHELL in force where the instruction stands, used by the shell form. */
  readonly shell: readonly string[];
}

export const DEFAULT_SHELL: readonly string[] = ['/bin/sh', '-c'];
