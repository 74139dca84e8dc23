import * as posix from 'node:path/posix';
import picomatch from 'picomatch';
import type { Analysis } from '../dockerfile/analysis';
import type { ExecutedContextFile } from './helpers';
import { executedContextFiles, sourceRange, stepIndex } from './helpers';
import type { Rule } from './rule';
import { isWithin } from '../dockerfile/copies';
import { programWords } from '../dockerfile/shellWords';
import { expand } from '../dockerfile/variables';

/**
 * A program Docker executes directly needs an execute bit, or the job fails with
 * "permission denied" (sagemaker-container-contract.md §8 P4).
 */
export const SM104: Rule = {
  id: 'SM104',
  title: 'Program not executable',
  severity: 'warning',
  appliesTo: 'any',
  check(analysis) {
    return executedContextFiles(analysis)
      .filter((file) => file.runBy === 'exec' && !isExecutable(analysis, file))
      .map((file) => {
        const chmod = file.copy.chmod;
        const keyword = file.copy.step.instruction.getInstructionRange();
        const edit = chmod ? { range: chmod.range, newText: '--chmod=755' } : { range: { start: keyword.end, end: keyword.end }, newText: ' --chmod=755' };
        return {
          range: sourceRange(file.copy, file.contextPath),
          message:
            `SageMaker executes ${file.imagePath} (from ${file.contextPath} in the build context), but it is not executable: ` +
            `no execute bit in the build context, no COPY --chmod and no later RUN chmod. The job fails with "permission denied". ` +
            `Add --chmod=755 to this ${file.copy.keyword}, or run "chmod +x ${file.contextPath}" and commit the mode.`,
          fixes: [{ title: `Add --chmod=755 to the ${file.copy.keyword}`, edits: [edit] }],
        };
      });
  },
};

function isExecutable(analysis: Analysis, file: ExecutedContextFile): boolean {
  const mode = analysis.model.context.stat(file.contextPath)?.mode;
  if (mode === undefined || (mode & 0o111) !== 0) return true;
  if (file.copy.chmod && modeAddsExecute(file.copy.chmod.value)) return true;
  return laterChmod(analysis, file);
}

/** "755", "0755", "+x", "a+x", "u=rwx,go=rx": does the mode give any execute bit? */
export function modeAddsExecute(mode: string): boolean {
  if (/^[0-7]{3,4}$/.test(mode)) return (parseInt(mode, 8) & 0o111) !== 0;
  return mode.split(',').some((part) => /^[ugoa]*[+=][rwxXst]*[xX]/.test(part));
}

function laterChmod(analysis: Analysis, file: ExecutedContextFile): boolean {
  const from = stepIndex(analysis, file.copy.step.instruction);
  return analysis.model.steps.slice(from + 1).some((step) => {
    if (step.keyword !== 'RUN') return false;
    return analysis.model.shellCommands(step.instruction).some((command) => {
      const words = programWords(command).map((word) => expand(word.text, step.scope, analysis.model.escape).value);
      if (words[0]?.split('/').pop() !== 'chmod') return false;
      const options = words.slice(1).filter((word) => /^-[A-Za-z]+$|^--[a-z-]+$/.test(word));
      const rest = words.slice(1).filter((word) => !options.includes(word));
      if (rest.length < 2 || !modeAddsExecute(rest[0])) return false;
      const recursive = options.some((option) => option === '--recursive' || (!option.startsWith('--') && option.includes('R')));
      return rest.slice(1).some((target) => {
        const path = posix.resolve(step.workdir, target);
        if (/[*?[]/.test(path)) return picomatch(path, { dot: true })(file.imagePath);
        return path === file.imagePath || path === posix.dirname(file.imagePath) || (recursive && isWithin(file.imagePath, path));
      });
    });
  });
}
