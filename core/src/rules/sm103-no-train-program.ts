import type { Rule } from './rule';
import { noProgramFinding } from './helpers';

/**
 * With neither ENTRYPOINT nor CMD, `docker run IMAGE train` executes `train` from PATH; without
 * one the job fails at start (sagemaker-container-contract.md §8 P1). Certain, and so an error, when
 * the base image is known to have no `train` (scratch, or an image of the base-image catalogue).
 */
export const SM103: Rule = {
  id: 'SM103',
  title: 'No train program',
  severity: 'warning',
  appliesTo: 'training',
  check(analysis) {
    // With a CMD, SM101 reports the same failure on the CMD itself (unless the base's ENTRYPOINT takes train).
    if (analysis.model.cmd && analysis.program('train').mode !== 'base') return [];
    return noProgramFinding(analysis, 'train');
  },
};
