import type { Rule } from './rule';
import { argumentsRange, jsonArray, verbList } from './helpers';
import { isPlainWordList } from '../engine/shellWords';
import { displayArgv } from '../engine/program';

/**
 * A shell-form ENTRYPOINT runs as `/bin/sh -c "<command>"`: the `train`/`serve` argument becomes
 * `$0` and is lost, and the shell, not the program, receives StopTrainingJob's SIGTERM
 * (sagemaker-container-contract.md §1.2, §1.3).
 */
export const SM102: Rule = {
  id: 'SM102',
  title: 'Shell-form ENTRYPOINT',
  severity: 'error',
  appliesTo: 'any',
  check(analysis) {
    const entrypoint = analysis.model.entrypoint;
    if (!entrypoint || entrypoint.form.kind !== 'shell') return [];
    const command = entrypoint.form.command;
    const plain = isPlainWordList(command);
    const verb = analysis.verbs[0] ?? 'train';
    const feature = /[|&;<>()$`\\"'*?[\]#~{}\n]/.exec(command)?.[0] ?? '=';
    const why = plain
      ? ''
      : ` It is not converted automatically because it uses shell syntax (${JSON.stringify(feature.replace('\n', '\\n'))}); ` +
        `write the exec form yourself, for example ${jsonArray(['/bin/sh', '-c', `exec ${command.split('\n')[0]}`])}, or move the commands into a script.`;
    return [
      {
        range: argumentsRange(entrypoint.instruction),
        message:
          `This ENTRYPOINT is in shell form, so SageMaker's "docker run <image> ${verb}" starts ${displayArgv([...entrypoint.shell, command, verb])}: ` +
          `the shell drops the ${verbList(analysis.verbs)} argument, and the program never receives the SIGTERM of StopTrainingJob (it is killed 120 s later).` +
          why,
        fixes: plain
          ? [{ title: 'Convert ENTRYPOINT to exec form', edits: [{ range: argumentsRange(entrypoint.instruction), newText: jsonArray(command.split(/\s+/)) }] }]
          : [],
      },
    ];
  },
};
