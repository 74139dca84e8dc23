import type { Range } from 'vscode-languageserver-types';
import type { Analysis } from '../dockerfile/analysis';
import { PYTHON, stripEnv, stripWrapper } from '../dockerfile/program';
import { basename } from '../dockerfile/shellWords';
import type { Rule } from './rule';
import { argumentsRange, insertLineAfter } from './helpers';

/**
 * Python buffers stdout when it is not a terminal, and SageMaker gives it none: logs reach
 * CloudWatch late, or not at all when the process dies (contract §8 P11).
 */
export const SM401: Rule = {
  id: 'SM401',
  title: 'Python output buffered',
  severity: 'info',
  appliesTo: 'any',
  check(analysis) {
    const { model } = analysis;
    if (!model.finalStage || (model.envDefinitions.has('PYTHONUNBUFFERED') && model.finalEnv.lookup('PYTHONUNBUFFERED') !== '')) return [];
    const python = analysis.verbs.map((verb) => pythonProgram(analysis, verb)).find((found) => found !== undefined);
    if (!python || python.unbuffered) return [];
    const from = model.finalStage.from;
    return [
      {
        range: python.range,
        message:
          `SageMaker starts ${python.what}, and Python buffers its output when it is not writing to a terminal: logs reach CloudWatch late, ` +
          'and the last lines are lost when the process crashes. Set ENV PYTHONUNBUFFERED=1 (or run python -u).',
        fixes: [{ title: 'Add ENV PYTHONUNBUFFERED=1', edits: [insertLineAfter(analysis, from, 'ENV PYTHONUNBUFFERED=1')] }],
      },
    ];
  },
};

interface PythonProgram {
  readonly what: string;
  readonly unbuffered: boolean;
  readonly range: Range;
}

function pythonProgram(analysis: Analysis, verb: 'train' | 'serve'): PythonProgram | undefined {
  const program = analysis.program(verb);
  const entrypoint = program.entrypoint;
  if (program.mode !== 'path' && entrypoint) {
    const words = entrypoint.form.kind === 'exec' ? entrypoint.form.argv : entrypoint.form.kind === 'shell' ? entrypoint.form.command.split(/\s+/) : [];
    const command = stripWrapper(stripEnv(words[0] === 'exec' ? words.slice(1) : words));
    const range = argumentsRange(entrypoint.instruction);
    if (command.length > 0 && PYTHON.test(basename(command[0]))) {
      // `env PYTHONUNBUFFERED=1 python …` and `python -u …` (an option before the script, not the script's own -u).
      const assigned = words.slice(0, words.length - command.length).some((word) => /^PYTHONUNBUFFERED=./.test(word));
      const scriptIndex = command.findIndex((word, i) => i > 0 && !word.startsWith('-'));
      const options = command.slice(1, scriptIndex < 0 ? undefined : scriptIndex);
      return { what: 'a Python interpreter', unbuffered: assigned || options.some((word) => /^-[a-zA-Z]*u[a-zA-Z]*$/.test(word)), range };
    }
    const shebang = shebangOf(analysis, program.executable?.placement?.contextPath);
    return shebang && /python/.test(shebang) ? { what: 'a Python script', unbuffered: /\s-\w*u/.test(shebang), range } : undefined;
  }
  const evidence = program.evidence;
  if (evidence?.kind === 'package') {
    return { what: `the "${verb}" entry point of ${evidence.installed.name}`, unbuffered: false, range: evidence.installed.range };
  }
  if (evidence?.kind === 'env') {
    return { what: `the SageMaker toolkit (the image sets ${evidence.name})`, unbuffered: false, range: argumentsRange(evidence.step.instruction) };
  }
  if (evidence?.kind === 'file') {
    const shebang = shebangOf(analysis, evidence.placement.contextPath);
    if (shebang && /python/.test(shebang)) {
      return {
        what: `${evidence.imagePath}, a Python script`,
        unbuffered: /\s-\w*u/.test(shebang),
        range: argumentsRange(evidence.placement.copy.step.instruction),
      };
    }
  }
  return undefined;
}

function shebangOf(analysis: Analysis, contextPath: string | undefined): string | undefined {
  if (contextPath === undefined) return undefined;
  const head = analysis.model.context.readFile(contextPath)?.subarray(0, 256).toString('utf8');
  const line = head?.split('\n')[0];
  return line?.startsWith('#!') ? line : undefined;
}
