import type { Rule } from './rule';
import { argumentsRange, execArgv } from './helpers';
import { basename, execInsertionPoint } from '../dockerfile/shellWords';

const SHELLS = /^(sh|bash|dash|ash|zsh|ksh)$/;

/**
 * `ENTRYPOINT ["sh", "-c", "python train.py"]`: `train` becomes `$0` and is ignored, and the
 * shell stays PID 1, so SIGTERM never reaches the program unless the last command is exec'd
 * (contract §8 P3, P12).
 */
export const SM106: Rule = {
  id: 'SM106',
  title: 'sh -c without exec',
  severity: 'warning',
  appliesTo: 'any',
  check(analysis) {
    const entrypoint = analysis.model.entrypoint;
    if (!entrypoint || entrypoint.form.kind !== 'exec') return [];
    const argv = entrypoint.form.argv;
    const shellIndex = argv.findIndex((arg) => !(basename(arg) === 'env' || arg.startsWith('-') || /^[A-Za-z_]\w*=/.test(arg)));
    if (shellIndex < 0 || !SHELLS.test(basename(argv[shellIndex]))) return [];
    const flagIndex = argv.findIndex((arg, i) => i > shellIndex && /^-[a-z]*c[a-z]*$/.test(arg));
    const command = argv[flagIndex + 1];
    if (flagIndex < 0 || command === undefined) return [];
    const insertAt = execInsertionPoint(command);
    if (insertAt !== undefined && /^exec\s/.test(command.slice(insertAt))) return [];
    if (/^\s*exec\s/.test(command)) return [];
    const words = execArgv(analysis, entrypoint.instruction);
    const range = words?.[flagIndex + 1]?.range ?? argumentsRange(entrypoint.instruction);
    const document = analysis.model.document;
    // Edit inside the JSON string only when it is written the way JSON.stringify writes it, so
    // the offset of the insertion point in the document is known exactly.
    const written = document.text.slice(document.offsetAt(range.start), document.offsetAt(range.end));
    const editable = insertAt !== undefined && written === JSON.stringify(command).slice(1, -1) && range.start.line === range.end.line;
    const at = editable ? { line: range.start.line, character: range.start.character + JSON.stringify(command.slice(0, insertAt)).length - 2 } : range.start;
    return [
      {
        range,
        message:
          `SageMaker runs this ENTRYPOINT with "${analysis.verbs[0] ?? 'train'}" appended, which "${basename(argv[shellIndex])} -c" takes as $0 and ignores; ` +
          'and the shell stays the main process, so SIGTERM from StopTrainingJob never reaches the program. Start the last command with "exec ".',
        fixes: editable ? [{ title: 'Insert "exec " in the command string', edits: [{ range: { start: at, end: at }, newText: 'exec ' }] }] : [],
      },
    ];
  },
};
