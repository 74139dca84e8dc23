import { isWithin } from '../dockerfile/copies';
import type { Analysis } from '../dockerfile/analysis';
import type { Rule } from './rule';
import { executedContextFiles, sourceRange } from './helpers';
import { TRAIN_PACKAGES } from '../dockerfile/evidence';

export const CODE_DIRECTORY = '/opt/ml/code';

/**
 * SageMaker never runs anything from /opt/ml/code: only the training toolkit (or the user's own
 * ENTRYPOINT) does (contract §3.2, §8 P8).
 */
export const SM202: Rule = {
  id: 'SM202',
  title: '/opt/ml/code that nothing runs',
  severity: 'warning',
  appliesTo: 'training',
  check(analysis) {
    const copy = analysis.files.copies.find((candidate) => candidate.destination && isWithin(candidate.destination, CODE_DIRECTORY));
    if (
      !copy ||
      hasTrainingToolkit(analysis) ||
      toolkitFromUnknownBase(analysis) ||
      programNamesCodeDirectory(analysis) ||
      programRunsInCodeDirectory(analysis)
    ) {
      return [];
    }
    return [
      {
        range: copy.destinationArgument?.range ?? sourceRange(copy, ''),
        message:
          'SageMaker never runs files from /opt/ml/code by itself: it runs "docker run <image> train". Only the SageMaker training toolkit ' +
          '(pip install sagemaker-training, with ENV SAGEMAKER_PROGRAM) or an ENTRYPOINT that names /opt/ml/code runs them.',
      },
    ];
  },
};

/** The toolkit that runs SAGEMAKER_PROGRAM from /opt/ml/code: installed, announced by ENV, or in a SageMaker framework base image. */
export function hasTrainingToolkit(analysis: Analysis): boolean {
  return (
    analysis.packages.some((installed) => TRAIN_PACKAGES.has(installed.name)) ||
    analysis.model.envDefinitions.has('SAGEMAKER_TRAINING_MODULE') ||
    (analysis.model.baseImage?.sagemaker ?? false)
  );
}

/**
 * The base image cannot be known (`FROM ${REGISTRY_URI}` without a default) and the Dockerfile sets
 * the toolkit's own variables: the author relies on a base that brings the toolkit.
 */
function toolkitFromUnknownBase(analysis: Analysis): boolean {
  const base = analysis.model.baseImage;
  const toolkitSettings = ['SAGEMAKER_PROGRAM', 'SAGEMAKER_SUBMIT_DIRECTORY'].some((name) => analysis.model.envDefinitions.has(name));
  return base !== undefined && !base.reference.complete && toolkitSettings;
}

/**
 * The image's programs find the files of /opt/ml/code by relative name: /opt/ml/code is on PATH
 * (`ENV PATH=/opt/ml/code:$PATH`, so `train` or a script's `serve` runs from there), or the image's
 * own program starts with its working directory in /opt/ml/code (`gunicorn app:app`, `python fit.py`
 * in a script).
 */
function programRunsInCodeDirectory(analysis: Analysis): boolean {
  if (analysis.model.path.some((folder) => isWithin(folder, CODE_DIRECTORY))) return true;
  if (!isWithin(analysis.model.workdir, CODE_DIRECTORY)) return false;
  return analysis.verbs.some((verb) => {
    const program = analysis.program(verb);
    return program.mode !== 'path' || program.executable !== undefined;
  });
}

/** The ENTRYPOINT, or a context script that SageMaker runs, mentions /opt/ml/code. */
function programNamesCodeDirectory(analysis: Analysis): boolean {
  const entrypoint = analysis.model.entrypoint;
  if (entrypoint && entrypoint.logical.text.includes(CODE_DIRECTORY)) return true;
  const runsFromCode = analysis.verbs.some((verb) => {
    const program = analysis.program(verb);
    return [program.script?.imagePath, program.executable?.imagePath].some((path) => path !== undefined && isWithin(path, CODE_DIRECTORY));
  });
  if (runsFromCode) return true;
  return executedContextFiles(analysis).some((file) => analysis.model.context.readFile(file.contextPath)?.includes(CODE_DIRECTORY) ?? true);
}
