import * as posix from 'node:path/posix';
import type { Analysis } from '../dockerfile/analysis';
import { isWithin } from '../dockerfile/copies';
import { TRAINING_TOOLKITS } from '../dockerfile/evidence';
import type { Fix, Rule } from './rule';
import { insertLineAfter } from './helpers';
import { CODE_DIRECTORY } from './sm202-code-nothing-runs';

/**
 * The training toolkit runs the program named by SAGEMAKER_PROGRAM (or the sagemaker_program
 * hyperparameter); without either it crashes with "'NoneType' object has no attribute
 * 'endswith'" (contract §3.2, §8 P7). Only an image that ships its code in /opt/ml/code must name
 * it: an image without code there is a toolkit image whose jobs bring their code, and the SDK
 * passes sagemaker_program and sagemaker_submit_directory whenever an estimator has an entry_point
 * (https://sagemaker.readthedocs.io/en/stable/overview.html#prepare-a-training-script). An image
 * whose `train` is its own program (an ENTRYPOINT, a `train` file on PATH) does not run the toolkit.
 */
export const SM203: Rule = {
  id: 'SM203',
  title: 'SAGEMAKER_PROGRAM not set',
  severity: 'warning',
  appliesTo: 'training',
  check(analysis) {
    if (analysis.model.envDefinitions.has('SAGEMAKER_PROGRAM')) return [];
    const install = analysis.packages.find((installed) => TRAINING_TOOLKITS.has(installed.name));
    const codeCopy = analysis.files.copies.find((copy) => copy.destination && isWithin(copy.destination, CODE_DIRECTORY));
    if (!codeCopy || !toolkitAnswersTrain(analysis)) return [];
    const range = install?.range ?? (analysis.model.baseImage?.providesTrain ? codeCopy.destinationArgument?.range : undefined);
    if (!range) return [];
    return [
      {
        range,
        message:
          'The SageMaker training toolkit runs the script named by SAGEMAKER_PROGRAM, and none is set: every job must then pass the ' +
          '"sagemaker_program" hyperparameter, or the toolkit fails with "AttributeError: \'NoneType\' object has no attribute \'endswith\'". ' +
          'Add ENV SAGEMAKER_PROGRAM=<your script>.py after the COPY into /opt/ml/code.',
        fixes: programFixes(analysis),
      },
    ];
  },
};

/** SageMaker's `train` reaches the toolkit: no ENTRYPOINT of the image's own, and no `train` file of its own on PATH. */
function toolkitAnswersTrain(analysis: Analysis): boolean {
  const program = analysis.program('train');
  return program.mode === 'path' && program.executable === undefined && program.evidence?.kind !== 'run';
}

/** One fix per Python file copied into /opt/ml/code, train.py first. */
function programFixes(analysis: Analysis): Fix[] {
  const scripts = analysis.files
    .filesUnder(CODE_DIRECTORY)
    .files.filter((file) => file.imagePath.endsWith('.py'))
    .map((file) => ({ file, name: posix.relative(CODE_DIRECTORY, file.imagePath) }))
    .sort((a, b) => rank(a.name) - rank(b.name) || a.name.localeCompare(b.name))
    .slice(0, 5);
  return scripts.map(({ file, name }) => ({
    title: `Add ENV SAGEMAKER_PROGRAM=${name}`,
    edits: [insertLineAfter(analysis, file.copy.step.instruction, `ENV SAGEMAKER_PROGRAM=${name}`)],
  }));
}

function rank(name: string): number {
  return name === 'train.py' ? 0 : name.includes('/') ? 2 : 1;
}
