import type { Rule } from './rule';
import { argumentsRange } from './helpers';

const ROOT = new Set(['root', '0']);

/**
 * SageMaker mounts /opt/ml for root, and "expects all containers to run with root users"
 * (contract §5, §8 P17).
 */
export const SM402: Rule = {
  id: 'SM402',
  title: 'Container not run as root',
  severity: 'warning',
  appliesTo: 'any',
  check(analysis) {
    const user = analysis.model.user;
    if (!user || !user.value.complete) return [];
    // Docker removes quotes from the USER word: USER "root" is root.
    const [name, group] = user.value.value
      .trim()
      .replace(/^(["'])(.*)\1$/, '$2')
      .split(':');
    if (ROOT.has(name) && (group === undefined || ROOT.has(group))) return [];
    return [
      {
        range: argumentsRange(user.step.instruction),
        message:
          `The container runs as "${user.value.value}", not root: SageMaker mounts /opt/ml for root and expects containers to run as root, ` +
          'so reading input data or writing /opt/ml/model can fail with "permission denied". End the Dockerfile with USER root.',
      },
    ];
  },
};
