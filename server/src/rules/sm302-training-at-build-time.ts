import * as posix from 'node:path/posix';
import type { Analysis } from '../engine/analysis';
import { basename, programWords } from '../engine/shellWords';
import type { Finding, Rule } from './rule';
import { commandWords, type CommandWord } from './helpers';

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
      for (const command of commandWords(analysis, step.instruction)) {
        const script = invokedScript(command);
        if (!script) continue;
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

/** The program a command runs, or the script its interpreter runs (`python -u train.py`). */
function invokedScript(command: readonly CommandWord[]): CommandWord | undefined {
  const words = programWords(command.map((word, i) => ({ text: word.text, start: i, end: i + 1 }))).map((word) => command[word.start]);
  if (words.length === 0) return undefined;
  if (!INTERPRETERS.test(basename(words[0].text))) return words[0];
  const args = words.slice(1);
  if (args.some((word) => word.text === '-c' || word.text === '-m' || word.text === '-e')) return undefined;
  return args.find((word) => !word.text.startsWith('-'));
}

/** The image paths SageMaker runs for training: the ENTRYPOINT's program and script, or `train` on PATH. */
function trainingScripts(analysis: Analysis): Set<string> {
  const program = analysis.program('train');
  return new Set([program.executable?.imagePath, program.script?.imagePath].filter((path): path is string => path !== undefined));
}
