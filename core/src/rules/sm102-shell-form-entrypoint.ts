import type { Rule } from './rule';
import { argumentsRange, jsonArray, verbList } from './helpers';
import { execInsertionPoint, isPlainWordList } from '../dockerfile/shellWords';
import { displayArgv } from '../dockerfile/program';

/**
 * A shell-form ENTRYPOINT runs as `/bin/sh -c "<command>"`: the `train`/`serve` argument becomes
 * `$0` and is lost, and the shell, not the program, receives StopTrainingJob's SIGTERM
 * (sagemaker-container-contract.md §1.2, §1.3). The job still runs, so it is a warning: a stop
 * or a spot interruption loses work, nothing fails by itself.
 */
export const SM102: Rule = {
  id: 'SM102',
  title: 'Shell-form ENTRYPOINT',
  severity: 'warning',
  appliesTo: 'any',
  check(analysis) {
    const entrypoint = analysis.model.entrypoint;
    if (!entrypoint || entrypoint.form.kind !== 'shell') return [];
    const command = entrypoint.form.command;
    const verb = analysis.verbs[0] ?? 'train';
    const nearJson = command.startsWith('[');
    const argv = nearJson ? repairedArray(command) : plainWords(command);
    const signals = /^exec\s/.test(command)
      ? ' (its exec passes signals on, but the argument is still lost).'
      : ', and the program never receives the SIGTERM of StopTrainingJob (it is killed 120 s later).';
    return [
      {
        range: argumentsRange(entrypoint.instruction),
        message:
          `This ENTRYPOINT is in shell form, so SageMaker's "docker run <image> ${verb}" starts ${displayArgv([...entrypoint.shell, command, verb])}: ` +
          `the shell drops the ${verbList(analysis.verbs)} argument${signals}${advice(command, nearJson, argv)}`,
        fixes: argv ? [{ title: 'Convert ENTRYPOINT to exec form', edits: [{ range: argumentsRange(entrypoint.instruction), newText: jsonArray(argv) }] }] : [],
      },
    ];
  },
};

/** The words of a plain command, without a leading `exec` (the exec form needs none). */
function plainWords(command: string): string[] | undefined {
  if (!isPlainWordList(command)) return undefined;
  const words = command.split(/\s+/);
  return words[0] === 'exec' && words.length > 1 ? words.slice(1) : words;
}

/**
 * Near-JSON that was meant as exec form: single quotes, a trailing comma, or a `# comment` after
 * the array. Returns the array it was meant to be, or undefined when the intent is not clear.
 */
function repairedArray(command: string): string[] | undefined {
  const close = command.lastIndexOf(']');
  const rest = command.slice(close + 1).trim();
  if (close < 0 || (rest !== '' && !rest.startsWith('#'))) return undefined;
  const body = command
    .slice(0, close + 1)
    .replace(/'([^'"\\]*)'/g, '"$1"')
    .replace(/,\s*\]$/, ']');
  try {
    const parsed: unknown = JSON.parse(body);
    return Array.isArray(parsed) && parsed.length > 0 && parsed.every((item) => typeof item === 'string') ? (parsed as string[]) : undefined;
  } catch {
    return undefined;
  }
}

function advice(command: string, nearJson: boolean, argv: string[] | undefined): string {
  if (nearJson) {
    return argv
      ? ` It looks like exec form but is not valid JSON, which Docker runs as a shell command: write ${jsonArray(argv)}.`
      : ' It looks like exec form but is not valid JSON, which Docker runs as a shell command: use double quotes, no trailing comma, and nothing after "]".';
  }
  if (argv) return '';
  const feature = /[|&;<>()$`\\"'*?[\]#~{}\n]/.exec(command)?.[0] ?? '=';
  const at = execInsertionPoint(command);
  const example =
    at !== undefined
      ? `for example ${jsonArray(['/bin/sh', '-c', `${command.slice(0, at)}exec ${command.slice(at)}`])}`
      : 'for example a script that ends with "exec <program>"';
  return ` It is not converted automatically because it uses shell syntax (${JSON.stringify(feature)}); write the exec form yourself, ${example}.`;
}
