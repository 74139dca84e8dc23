import type { Rule } from './rule';
import { argumentsRange } from './helpers';

/**
 * With neither ENTRYPOINT nor CMD, `docker run IMAGE train` executes `train` from PATH; without
 * one the job fails at start (sagemaker-container-contract.md §8 P1).
 */
export const SM103: Rule = {
  id: 'SM103',
  title: 'No train program',
  severity: 'warning',
  appliesTo: 'training',
  check(analysis) {
    const { model } = analysis;
    const program = analysis.program('train');
    // An empty `ENTRYPOINT []` or a lone init wrapper (tini --) leaves Docker to execute `train` itself.
    // A FROM without an image is Docker's own build error, not ours to report.
    if (program.mode !== 'path' || model.cmd || !model.finalStage || !model.baseImage?.repository || program.evidence || model.baseImage.sagemaker) return [];
    const from = model.finalStage.from;
    const entrypoint = program.wrapper ? `the ENTRYPOINT only starts an init wrapper, which executes "train"` : 'there is no ENTRYPOINT';
    const scratch = model.baseImage?.scratch ?? false;
    return [
      {
        range: from.getImageRange() ?? argumentsRange(from),
        severity: scratch ? 'error' : undefined,
        message:
          `Nothing in this image answers SageMaker's "docker run <image> train": ${entrypoint}, and there is no "train" program on PATH. ` +
          'Add an exec-form ENTRYPOINT, copy an executable "train" into a PATH folder such as /usr/local/bin, or install sagemaker-training. ' +
          `Otherwise the job fails with: exec: "train": executable file not found in $PATH${scratch ? '' : ' (unless the base image provides one)'}.`,
      },
    ];
  },
};
