import type { Rule } from './rule';

/** Typos in `# smct …` pragmas are reported, so a misspelt ID never silently disables nothing. */
export const SM000: Rule = {
  id: 'SM000',
  title: 'Unknown smct pragma',
  severity: 'info',
  appliesTo: 'any',
  check(analysis) {
    return analysis.pragmas.problems.map((problem) => ({ range: problem.range, message: problem.message }));
  },
};
