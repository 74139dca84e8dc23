import type { Range } from 'vscode-languageserver-types';
import type { DockerfileModel, Step } from './model';
import { programWords, type ShellWord } from './shellWords';
import { expand } from './variables';

export interface InstalledPackage {
  /** The PEP 503 normalized name: lowercase, runs of "-", "_" and "." made one "-". */
  readonly name: string;
  readonly step: Step;
  readonly range: Range;
}

/** pip options whose value is the next word. */
const OPTIONS_WITH_VALUE = new Set([
  '-r',
  '--requirement',
  '-c',
  '--constraint',
  '-i',
  '--index-url',
  '--extra-index-url',
  '-f',
  '--find-links',
  '-t',
  '--target',
  '--prefix',
  '--root',
  '--src',
  '--platform',
  '--python-version',
  '--implementation',
  '--abi',
  '--trusted-host',
  '--cache-dir',
  '--progress-bar',
  '--log',
  '--proxy',
  '--timeout',
  '--retries',
  '--report',
]);

/**
 * Every `pip install` of the chain's RUN instructions, in any spelling (`pip`, `pip3.11`,
 * `python -m pip`, `uv pip`, `$PIP`), with packages named by requirement, archive or wheel.
 * Build variables are expanded first, so `ARG TOOLKIT=sagemaker_training.tar.gz` counts.
 */
export function pipInstalls(model: DockerfileModel): InstalledPackage[] {
  const installed: InstalledPackage[] = [];
  for (const step of model.stepsOf('RUN')) {
    const logical = model.logical(step.instruction);
    for (const command of model.shellCommands(step.instruction)) {
      const words = programWords(command).map((word) => ({ ...word, text: expand(word.text, step.scope, model.escape).value }));
      const start = installIndex(words);
      if (start < 0) continue;
      for (const word of packageWords(words.slice(start))) {
        const name = packageName(word.text);
        if (name) installed.push({ name, step, range: logical.rangeOf(word.start, word.end) });
      }
    }
  }
  return installed;
}

/** Index of the first word after `install`, or -1 when the command is not a pip install. */
function installIndex(words: readonly ShellWord[]): number {
  for (let i = 0; i + 1 < words.length; i++) {
    const word = words[i].text;
    const program = word.split('/').pop() ?? '';
    if (/^pip[0-9.]*$/.test(program) || /^\$\{?\w*PIP\w*\}?$/i.test(word)) return afterInstall(words, i + 1);
    if (/^python[0-9.]*$/.test(program) && words[i + 1].text === '-m' && words[i + 2]?.text === 'pip') return afterInstall(words, i + 3);
  }
  return -1;
}

/** pip's general options may come before the command: `pip --no-cache-dir install x`, `pip -q install x`. */
function afterInstall(words: readonly ShellWord[], from: number): number {
  let i = from;
  while (i < words.length && words[i].text.startsWith('-')) i += OPTIONS_WITH_VALUE.has(words[i].text) ? 2 : 1;
  return words[i]?.text === 'install' ? i + 1 : -1;
}

function packageWords(words: readonly ShellWord[]): ShellWord[] {
  const packages: ShellWord[] = [];
  for (let i = 0; i < words.length; i++) {
    const text = words[i].text;
    if (OPTIONS_WITH_VALUE.has(text)) i++;
    else if (!text.startsWith('-')) packages.push(words[i]);
  }
  return packages;
}

/** The distribution a requirement names: "sagemaker-training[x]>=4", "/tmp/sagemaker_training-4.7.tar.gz", "git+…#egg=x". */
export function packageName(requirement: string): string | undefined {
  const egg = /[#&]egg=([A-Za-z0-9._-]+)/.exec(requirement);
  let name = egg ? egg[1] : requirement;
  if (!egg && /[/\\]|\.(whl|zip|tar|tgz|gz|bz2|xz)$/i.test(name)) {
    name = (name.split(/[/\\]/).pop() ?? '').replace(/\.(whl|zip|tar\.gz|tgz|tar\.bz2|tar\.xz|tar)$/i, '');
    name = name.replace(/-\d.*$/, '');
  }
  name = name.split(/[\s[<>=!~;@,]/)[0];
  return /^[A-Za-z0-9]/.test(name) ? name.toLowerCase().replace(/[-_.]+/g, '-') : undefined;
}
