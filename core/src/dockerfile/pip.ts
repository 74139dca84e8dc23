import * as posix from 'node:path/posix';
import type { Range } from 'vscode-languageserver-types';
import type { ImageFiles } from './copies';
import type { DockerfileModel, Step } from './model';
import { PROJECT_FILES, condaSpecName, readCondaEnvironmentFile, readCondaSpecFile, readProjectFile, readRequirementsFile } from './requirementFiles';
import { basename, programWords, type ShellWord } from './shellWords';
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
 * With the image's files, the files those installs read from the build context count too: a
 * requirements file (`-r`), a local project (`pip install .` reads its pyproject.toml, setup.cfg or
 * setup.py), and conda's (`conda`, `mamba`, `micromamba`) package arguments, environment files
 * and spec lists; each such package is reported at the word that names the file or folder.
 */
export function pipInstalls(model: DockerfileModel, files?: ImageFiles): InstalledPackage[] {
  const installed: InstalledPackage[] = [];
  for (const step of model.stepsOf('RUN')) {
    const logical = model.logical(step.instruction);
    // Follow `cd` inside the RUN, so `cd /app && pip install -r requirements.txt` reads /app's file.
    let cwd = step.workdir;
    for (const command of model.shellCommands(step.instruction)) {
      const words = programWords(command).map((word) => ({ ...word, text: expand(word.text, step.scope, model.escape).value }));
      if (words[0]?.text === 'cd' && words[1] !== undefined) {
        cwd = posix.resolve(cwd, words[1].text);
        continue;
      }
      const reader = files ? new ContextReader(model, files, cwd) : undefined;
      const add = (name: string, word: ShellWord): void => {
        installed.push({ name, step, range: logical.rangeOf(word.start, word.end) });
      };
      const start = installIndex(words);
      if (start >= 0) {
        for (const word of packageWords(words.slice(start))) {
          const name = packageName(word.text);
          if (name) add(name, word);
          if (reader && isLocalPath(word.text)) reader.projectNames(word.text).forEach((found) => add(found, word));
        }
        if (reader) for (const file of requirementFileWords(words.slice(start))) reader.requirementNames(file.text).forEach((found) => add(found, file));
        continue;
      }
      condaInstall(words, reader).forEach(({ name, word }) => add(name, word));
    }
  }
  return installed;
}

/** Reads the build-context files that a RUN's installer names by their path in the image. */
class ContextReader {
  constructor(
    private readonly model: DockerfileModel,
    private readonly files: ImageFiles,
    private readonly cwd: string,
  ) {}

  /** The text of the context file copied to `path` (relative to the RUN's folder), if one is. */
  text(path: string, from = this.cwd): string | undefined {
    const contextPath = this.files.placementOf(posix.resolve(from, path))?.contextPath;
    return contextPath === undefined ? undefined : this.model.context.readFile(contextPath)?.toString('utf8');
  }

  /** A requirements file's names, following its `-r` includes (relative to the file) a few levels deep. */
  requirementNames(path: string, from = this.cwd, depth = 0): string[] {
    const text = this.text(path, from);
    if (text === undefined || depth > 4) return [];
    const parsed = readRequirementsFile(text);
    const folder = posix.dirname(posix.resolve(from, path));
    return [...parsed.names, ...parsed.includes.flatMap((include) => this.requirementNames(include, folder, depth + 1))];
  }

  /** The dependencies a local project folder declares (`pip install .`, `pip install -e ./lib`). */
  projectNames(folder: string): string[] {
    const names: string[] = [];
    for (const file of PROJECT_FILES) {
      const text = this.text(posix.join(folder, file));
      if (text === undefined) continue;
      const project = readProjectFile(file, text);
      names.push(...project.names);
      if (project.readsRequirementsTxt) names.push(...this.requirementNames(posix.join(folder, 'requirements.txt')));
    }
    return names;
  }
}

/** `.`, `./lib`, `/opt/app`: a folder or file given by path, not a requirement or an archive. */
function isLocalPath(text: string): boolean {
  return (text === '.' || /^\.{0,2}\//.test(text)) && !/\.(whl|zip|tar|tgz|gz|bz2|xz)$/i.test(text);
}

/** The files named by `-r FILE`, `--requirement FILE` and `--requirement=FILE`. */
function requirementFileWords(words: readonly ShellWord[]): ShellWord[] {
  const found: ShellWord[] = [];
  for (let i = 0; i < words.length; i++) {
    const text = words[i].text;
    if ((text === '-r' || text === '--requirement') && words[i + 1]) found.push(words[++i]);
    else if (text.startsWith('--requirement=')) found.push({ ...words[i], text: text.slice('--requirement='.length) });
    else if (/^-r\S/.test(text)) found.push({ ...words[i], text: text.slice(2) });
  }
  return found;
}

const CONDA = /^(conda|mamba|micromamba)$/;
/** conda options whose value is the next word. */
const CONDA_OPTIONS_WITH_VALUE = new Set([
  '-c',
  '--channel',
  '-n',
  '--name',
  '-p',
  '--prefix',
  '--file',
  '-f',
  '--override-channels-file',
  '-r',
  '--root-prefix',
]);

/**
 * `conda install [-c ch] pkg…`, `conda create -n env pkg…`, `conda install --file specs.txt`,
 * `conda env create -f environment.yml`, `conda env update -f …`, `micromamba create -f env.yml`
 * (and the same with mamba or micromamba).
 */
function condaInstall(words: readonly ShellWord[], reader: ContextReader | undefined): { name: string; word: ShellWord }[] {
  if (!CONDA.test(basename(words[0]?.text ?? ''))) return [];
  const sub = words[1]?.text === 'env' ? `env ${words[2]?.text ?? ''}` : (words[1]?.text ?? '');
  if (!['install', 'create', 'env create', 'env update', 'update'].includes(sub)) return [];
  const rest = words.slice(sub.startsWith('env ') ? 3 : 2);
  const found: { name: string; word: ShellWord }[] = [];
  for (let i = 0; i < rest.length; i++) {
    const text = rest[i].text;
    const file = (text === '-f' || text === '--file') && rest[i + 1] ? rest[i + 1] : undefined;
    if (file) {
      i++;
      const content = reader?.text(file.text);
      if (content === undefined) continue;
      const environment = /\.ya?ml$/i.test(file.text) || sub.startsWith('env ');
      const names = environment ? readCondaEnvironmentFile(content) : readCondaSpecFile(content);
      names.forEach((name) => found.push({ name, word: file }));
    } else if (CONDA_OPTIONS_WITH_VALUE.has(text)) {
      i++;
    } else if (!text.startsWith('-')) {
      const name = condaSpecName(text);
      if (name) found.push({ name, word: rest[i] });
    }
  }
  return found;
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
