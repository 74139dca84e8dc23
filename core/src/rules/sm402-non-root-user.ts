import type { Finding, Rule } from './rule';
import type { Analysis } from '../dockerfile/analysis';
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
    if (!user) return baseUserFinding(analysis);
    if (!user.value.complete) return [];
    if (isRoot(user.value.value)) return [];
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

/** Docker removes quotes from the USER word: USER "root" is root; `0:0` and `root:root` too. */
function isRoot(user: string): boolean {
  const [name, group] = user
    .trim()
    .replace(/^(["'])(.*)\1$/, '$2')
    .split(':');
  return ROOT.has(name) && (group === undefined || ROOT.has(group));
}

/** No USER in the Dockerfile: the base image's user runs, when it is known (TorchServe's model-server, micromamba's mambauser). */
function baseUserFinding(analysis: Analysis): Finding[] {
  const { model } = analysis;
  const baseUser = model.baseFacts?.config.user ?? '';
  if (baseUser === '' || isRoot(baseUser) || !model.finalStage) return [];
  const from = model.finalStage.from;
  return [
    {
      range: from.getImageRange() ?? argumentsRange(from),
      message:
        `The base image ${model.baseImage?.reference.value ?? ''} runs as "${baseUser}", not root, and this Dockerfile sets no USER: SageMaker mounts /opt/ml for root ` +
        'and expects containers to run as root, so reading input data or writing /opt/ml/model can fail with "permission denied". Add USER root.',
    },
  ];
}
