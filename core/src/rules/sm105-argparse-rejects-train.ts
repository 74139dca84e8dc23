import type { Analysis } from '../dockerfile/analysis';
import type { Rule } from './rule';
import { argumentsRange, executedContextFiles, verbList } from './helpers';

/**
 * An exec-form ENTRYPOINT gets `train` appended, so a script whose argparse parser declares no
 * positional argument stops with "unrecognized arguments: train" (contract §8 P2).
 */
export const SM105: Rule = {
  id: 'SM105',
  title: 'argparse rejects train',
  severity: 'warning',
  appliesTo: 'any',
  check(analysis) {
    const entrypoint = analysis.model.entrypoint;
    if (!entrypoint || entrypoint.form.kind !== 'exec') return [];
    const script = executedContextFiles(analysis).find(
      (file) => file.runBy === 'python' || (file.runBy === 'exec' && isPythonFile(analysis, file.contextPath)),
    );
    if (!script || analysis.program(script.verb).mode !== 'entrypoint') return [];
    const source = analysis.model.context.readFile(script.contextPath)?.toString('utf8');
    if (!source || !rejectsExtraArguments(source)) return [];
    const verbs = verbList(analysis.verbs);
    return [
      {
        range: argumentsRange(entrypoint.instruction),
        message:
          `SageMaker appends ${verbs} to this ENTRYPOINT, and ${script.contextPath} parses its arguments with argparse parse_args() ` +
          `and declares no positional argument, so it stops with "error: unrecognized arguments: ${analysis.verbs[0]}". ` +
          `Accept it with parser.add_argument("mode", nargs="?"), or parse with parser.parse_known_args().`,
      },
    ];
  },
};

function isPythonFile(analysis: Analysis, contextPath: string): boolean {
  if (contextPath.endsWith('.py')) return true;
  const head = analysis.model.context.readFile(contextPath)?.subarray(0, 200).toString('utf8') ?? '';
  return /^#!.*\bpython/.test(head.split('\n')[0]);
}

/** argparse with a bare parse_args() and no positional add_argument: an extra word is an error. */
export function rejectsExtraArguments(source: string): boolean {
  if (!/\bargparse\b/.test(source) || !/\.parse_args\(\s*\)/.test(source)) return false;
  // Sub-commands (add_subparsers) are a positional argument: "train" may well be one of them.
  if (/\.add_subparsers\(/.test(source)) return false;
  const declared = [...source.matchAll(/\.add_argument\(\s*(?:[rbuf]?)(["'])([^"']*)\1/g)].map((match) => match[2]);
  return declared.every((name) => name.startsWith('-'));
}
