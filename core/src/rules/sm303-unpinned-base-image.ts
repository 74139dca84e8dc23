import type { Rule } from './rule';
import { argumentsRange } from './helpers';

/** An untagged or `latest` base image makes the training environment change under the same Dockerfile. */
export const SM303: Rule = {
  id: 'SM303',
  title: 'Base image not pinned',
  severity: 'info',
  appliesTo: 'any',
  check(analysis) {
    const base = analysis.model.baseImage;
    if (!base || base.scratch || base.repository === '' || !base.reference.complete || base.digest) return [];
    if (base.tag !== undefined && base.tag !== 'latest') return [];
    const range = (base.tag ? base.from.getImageTagRange() : undefined) ?? base.from.getImageRange() ?? argumentsRange(base.from);
    return [
      {
        range,
        message:
          `The base image "${base.reference.value}" ${base.tag ? 'uses the tag "latest"' : 'has no tag'}, so the same Dockerfile can build a different ` +
          'training environment tomorrow. Pin a version tag (or a digest) to keep jobs reproducible.',
      },
    ];
  },
};
