import type { Rule } from './rule';
import { argumentsRange, cmdToEntrypointFix, describeCommand, noProgramFinding } from './helpers';

/** The `serve` counterpart of SM101 (a CMD that never runs) and SM103 (nothing to run at all). */
export const SM502: Rule = {
  id: 'SM502',
  title: 'No serve program',
  severity: 'warning',
  appliesTo: 'inference',
  check(analysis) {
    const { model } = analysis;
    const program = analysis.program('serve');
    if (program.mode === 'base') return noProgramFinding(analysis, 'serve');
    if (program.mode !== 'path' || program.evidence || !model.finalStage) return [];
    const cmd = model.cmd;
    const wrapper = program.wrapper && program.entrypoint?.form.kind === 'exec' ? program.entrypoint.form.argv : [];
    if (cmd && cmd.form.kind !== 'invalid' && describeCommand(cmd) !== '') {
      return [
        {
          range: argumentsRange(cmd.instruction),
          severity: 'error',
          message:
            `SageMaker runs "docker run <image> serve", which replaces this CMD; "${describeCommand(cmd)}" never runs, and no "serve" program is on PATH, ` +
            'so the endpoint fails with: exec: "serve": executable file not found in $PATH. Make the command the ENTRYPOINT (exec form).',
          fixes: cmdToEntrypointFix(analysis, cmd, wrapper),
        },
      ];
    }
    return noProgramFinding(analysis, 'serve');
  },
};
