import * as posix from 'node:path/posix';
import { isWithin } from './copies';
import type { DockerfileModel, Step } from './model';
import { basename, programWords, shellCommands, type ShellWord } from './shellWords';
import { expand } from './variables';

/** Programs that put files where they run or where they are told: archives, checkouts, downloads, copies, builds. */
const CREATORS = new Set([
  'tar',
  'bsdtar',
  'unzip',
  '7z',
  '7za',
  'cpio',
  'gunzip',
  'bunzip2',
  'unxz',
  'zstd',
  'git',
  'svn',
  'hg',
  'wget',
  'curl',
  'aws',
  'gsutil',
  'cp',
  'mv',
  'rsync',
  'ln',
  'install',
  'touch',
  'tee',
  'dd',
  'make',
  'cmake',
  'conda',
  'mamba',
  'micromamba',
]);
const INTERPRETERS = /^(sh|bash|dash|ash|zsh|ksh|python[0-9.]*|perl|ruby|node)$/;
const STANDARD_BIN = ['/bin', '/sbin', '/usr/bin', '/usr/sbin', '/usr/local/bin', '/usr/local/sbin'];

/**
 * The first RUN of the chain that may create a file in `folder`, or undefined when none can: a
 * deliberately wide net, because a rule that says a file is missing must not guess. A RUN may
 * create it when its text names the folder or one of `names` (the file's name, the folder's
 * name), when it runs a script (which can write anywhere), when it uses a heredoc, or when it
 * runs an archive, checkout, download, copy or build tool (or `pip install -e/--target`) from a
 * working folder at, inside or above `folder`.
 */
export function runThatMayCreate(model: DockerfileModel, folder: string, names: readonly string[]): Step | undefined {
  const needles = [folder, ...names].filter((needle) => needle.length >= 2);
  return model.stepsOf('RUN').find((step) => {
    const raw = model.document.text.slice(model.document.offsetAt(step.instruction.getRange().start), model.document.offsetAt(step.instruction.getRange().end));
    const expanded = expand(raw, step.scope, model.escape);
    if (raw.includes('<<') || needles.some((needle) => raw.includes(needle) || expanded.value.includes(needle))) return true;
    const workdirNear = isWithin(step.workdir, folder) || isWithin(folder, step.workdir);
    return simpleCommands(model.shellCommands(step.instruction)).some((words) => {
      if (words.length === 0) return false;
      if (runsScript(words)) return true;
      const program = basename(words[0]);
      if (!workdirNear && expanded.complete) return false;
      return CREATORS.has(program) || isPipInstallInto(words);
    });
  });
}

/** Each command's words from its program on, with the commands of a `sh -c '…'` string taken as commands too. */
function simpleCommands(commands: readonly ShellWord[][]): string[][] {
  const result: string[][] = [];
  for (const command of commands) {
    const words = programWords(command).map((word) => word.text);
    if (words.length === 0) continue;
    const dashC = words.findIndex((word, i) => i > 0 && /^-[a-z]*c$/.test(word));
    if (/^(sh|bash|dash|ash|zsh|ksh)$/.test(basename(words[0])) && dashC > 0 && words[dashC + 1] !== undefined) {
      result.push(...simpleCommands(shellCommands(words[dashC + 1])));
    } else {
      result.push(words);
    }
  }
  return result;
}

function runsScript(words: readonly string[]): boolean {
  const program = words[0];
  if (/\.(sh|bash|py|pl|rb|js)$/.test(program) || program.startsWith('./') || program.startsWith('../')) return true;
  if (program.includes('/') && !STANDARD_BIN.includes(posix.dirname(program))) return true;
  if (!INTERPRETERS.test(basename(program))) return false;
  // `python setup.py`, `bash install.sh`, `curl … | sh` (a script on stdin): only -c and -m run no file.
  for (const word of words.slice(1)) {
    if (word === '-c' || word === '-m' || /^-[a-z]*c$/.test(word)) return false;
    if (!word.startsWith('-')) return true;
  }
  return true;
}

/** `pip install -e .`, `pip install --target /app …`: pip puts a project's files in a folder of the user's. */
function isPipInstallInto(words: readonly string[]): boolean {
  const pip = words.findIndex((word) => /^pip[0-9.]*$/.test(basename(word)));
  if (pip < 0 || words[pip + 1] !== 'install') return false;
  return words.slice(pip + 2).some((word) => /^(-e|--editable|-t|--target|--prefix|--root|--src)(=|$)/.test(word));
}
