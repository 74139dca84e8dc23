import * as posix from 'node:path/posix';
import type { Analysis } from '../dockerfile/analysis';
import { basename, shellCommands } from '../dockerfile/shellWords';
import type { Finding, Rule } from './rule';
import { commandWords, fromProgram, type CommandWord } from './helpers';

const TRAINING_SCRIPT_NAMES = new Set(['train', 'train.py', 'train.sh']);
const INTERPRETERS = /^(python[0-9.]*|sh|bash|dash|zsh|node|Rscript|julia|perl|ruby)$/;

/**
 * Training belongs to the job: at build time there is no data, no hyperparameters and no
 * /opt/ml mounts, and what a build-time run writes is not the job's model.
 */
export const SM302: Rule = {
  id: 'SM302',
  title: 'Training run at build time',
  severity: 'warning',
  appliesTo: 'training',
  check(analysis) {
    const entryScripts = trainingScripts(analysis);
    const findings: Finding[] = [];
    for (const step of analysis.model.stepsOf('RUN')) {
      const scripts = commandWords(analysis, step.instruction).flatMap((command) => invokedScripts(command));
      for (const script of scripts) {
        const path = posix.resolve(step.workdir, script.text);
        if (TRAINING_SCRIPT_NAMES.has(basename(script.text)) || entryScripts.has(path)) {
          findings.push({
            range: script.range,
            message:
              `This RUN runs the training program (${script.text}) while the image is built: there is no data, no hyperparameters and no /opt/ml ` +
              'mounts at build time, and the job will not train what this run produces. SageMaker runs training when the job starts; remove this RUN.',
          });
          break;
        }
      }
    }
    return findings;
  },
};

/** Interpreter options whose value is the next word (`python -W ignore train.py`). */
const OPTIONS_WITH_VALUE = new Set(['-W', '-X', '-o', '-O']);

/**
 * The programs a command runs: its program, the script its interpreter runs (`python -u
 * train.py`), and what a `sh -c "…"` string runs (reported on that string).
 */
function invokedScripts(command: readonly CommandWord[]): CommandWord[] {
  const words = fromProgram(command);
  if (words.length === 0) return [];
  if (!INTERPRETERS.test(basename(words[0].text))) return [words[0]];
  for (let i = 1; i < words.length; i++) {
    const text = words[i].text;
    if (/^-[a-z]*c$/.test(text) && /^(sh|bash|dash|zsh)$/.test(basename(words[0].text)) && words[i + 1]) {
      const inner = words[i + 1];
      return shellCommands(inner.text).flatMap((innerWords) => invokedScripts(innerWords.map((word) => ({ text: word.text, range: inner.range }))));
    }
    if (text === '-c' || text === '-m' || text === '-e') return [];
    if (OPTIONS_WITH_VALUE.has(text)) i++;
    else if (!text.startsWith('-')) return [words[i]];
  }
  return [];
}

/** The image paths SageMaker runs for training: the ENTRYPOINT's program and script, or `train` on PATH. */
function trainingScripts(analysis: Analysis): Set<string> {
  const program = analysis.program('train');
  return new Set([program.executable?.imagePath, program.script?.imagePath].filter((path): path is string => path !== undefined));
}
