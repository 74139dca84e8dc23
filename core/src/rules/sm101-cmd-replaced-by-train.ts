import type { Rule } from './rule';
import { argumentsRange, cmdToEntrypointFix, describeCommand } from './helpers';
import { displayArgv } from '../dockerfile/program';

/**
 * SageMaker starts training with `docker run IMAGE train`: the `train` argument replaces the
 * image's CMD. Without an ENTRYPOINT the CMD never runs, and Docker tries to execute `train`
 * itself (sagemaker-container-contract.md §1.1, §1.2).
 */
export const SM101: Rule = {
  id: 'SM101',
  title: 'CMD replaced by train',
  severity: 'error',
  appliesTo: 'training',
  check(analysis) {
    const cmd = analysis.model.cmd;
    const program = analysis.program('train');
    if (!cmd || cmd.form.kind === 'invalid' || program.mode !== 'path' || program.evidence) return [];
    if (cmd.form.kind === 'exec' ? cmd.form.argv.length === 0 : cmd.form.command === '') return [];
    const wrapper = program.wrapper && program.entrypoint?.form.kind === 'exec' ? program.entrypoint.form.argv : [];
    const runner =
      wrapper.length > 0
        ? `the ENTRYPOINT "${displayArgv(wrapper)}"`
        : program.baseEntrypoint
          ? `the base image's ENTRYPOINT "${displayArgv(program.baseEntrypoint)}"`
          : undefined;
    const runs = runner ? `${runner} then executes "train" in place of this CMD` : 'which replaces this CMD';
    return [
      {
        range: argumentsRange(cmd.instruction),
        message:
          `SageMaker runs "docker run <image> train", ${runs}; "${describeCommand(cmd)}" never runs, and no "train" program is on PATH, ` +
          'so the job fails with: exec: "train": executable file not found in $PATH. Make the command the ENTRYPOINT (exec form).',
        fixes: cmdToEntrypointFix(analysis, cmd, wrapper),
      },
    ];
  },
};
