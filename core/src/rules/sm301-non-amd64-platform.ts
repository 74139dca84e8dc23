import type { Rule } from './rule';
import { expand } from '../dockerfile/variables';
import { flagsOf } from '../dockerfile/copies';

const AMD64 = /^(linux\/)?(amd64|x86_64|x86-64)(\/v[1-4])?$/i;

/**
 * SageMaker training instances are x86-64: an image for another platform fails with
 * "exec format error" (contract §6, §8 P6). Inference may run on Graviton (arm64).
 */
export const SM301: Rule = {
  id: 'SM301',
  title: 'Training image not for linux/amd64',
  severity: 'error',
  appliesTo: 'training',
  check(analysis) {
    // The final stage's platform is the one its chain starts from: the nearest FROM that sets one.
    for (const stage of [...analysis.model.chain].reverse()) {
      const flag = flagsOf(stage.from).find((candidate) => candidate.getName().toLowerCase() === 'platform');
      if (!flag) continue;
      const value = expand(flag.getValue() ?? '', analysis.model.globalScope, analysis.model.escape);
      if (!value.complete || value.value === '' || AMD64.test(value.value)) return [];
      return [
        {
          range: flag.getRange(),
          message:
            `This image is built for ${value.value}, but SageMaker training instances are x86-64 (linux/amd64): ` +
            'the job fails with "exec format error". Build for linux/amd64 (inference-only images may use arm64 on Graviton: add "# smct kind=inference").',
          fixes: [{ title: 'Replace with --platform=linux/amd64', edits: [{ range: flag.getRange(), newText: '--platform=linux/amd64' }] }],
        },
      ];
    }
    return [];
  },
};
