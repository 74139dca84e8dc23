import { packageName } from './pip';

/**
 * The distributions named by files that installers read from the build context: pip requirement
 * files, conda environment files and spec lists, and a Python project's own metadata. Each reader
 * is deliberately loose (line patterns, no full TOML or YAML parser): it only has to notice a
 * toolkit such as sagemaker-training among the names; a name it misses keeps a rule as it was.
 */

/** What a requirement file names: its packages, and the files its `-r`/`-c` lines include. */
export interface RequirementFile {
  readonly names: string[];
  readonly includes: string[];
}

/** A pip requirements file (`pip install -r FILE`): one requirement per line, `#` comments, `-r` includes. */
export function readRequirementsFile(text: string): RequirementFile {
  const names: string[] = [];
  const includes: string[] = [];
  for (const raw of text.replace(/\\\r?\n/g, ' ').split(/\r?\n/)) {
    const line = raw.replace(/(^|\s)#.*$/, '').trim();
    const include = /^(?:-r|--requirement|-c|--constraint)(?:\s+|=)(\S+)/.exec(line);
    if (include) {
      // A constraints file limits versions and installs nothing.
      if (!line.startsWith('-c') && !line.startsWith('--constraint')) includes.push(include[1]);
      continue;
    }
    if (line === '' || line.startsWith('-')) continue;
    const name = packageName(line);
    if (name) names.push(name);
  }
  return { names, includes };
}

/**
 * A conda environment file (`conda env create -f environment.yml`): the items of `dependencies`,
 * conda packages and the nested `pip:` list alike (`- numpy=1.26`, `- conda-forge::pandas`,
 * `- sagemaker-training==4.7`).
 */
export function readCondaEnvironmentFile(text: string): string[] {
  const names: string[] = [];
  let inDependencies = false;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.replace(/(^|\s)#.*$/, '');
    if (/^\S/.test(line)) inDependencies = /^dependencies\s*:/.test(line);
    if (!inDependencies) continue;
    // `- pip:` opens the nested list of pip requirements; it names no package itself.
    const item = /^\s*-\s+["']?([^"'\s]+?)["']?\s*$/.exec(line);
    if (item?.[1].endsWith(':')) continue;
    const name = item ? condaSpecName(item[1]) : undefined;
    if (name) names.push(name);
  }
  return names;
}

/** A conda spec list (`conda install --file specs.txt`, `conda create --file`): one spec per line. */
export function readCondaSpecFile(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.replace(/(^|\s)#.*$/, '').trim())
    .filter((line) => line !== '' && !line.startsWith('@'))
    .flatMap((line) => condaSpecName(line) ?? []);
}

/** `conda-forge::numpy=1.26=*`, `numpy>=1.2`, `pip` → the package name. */
export function condaSpecName(spec: string): string | undefined {
  return packageName(spec.replace(/^[^:]*::/, ''));
}

/** The files of a Python project folder that name its dependencies, in the order they are read. */
export const PROJECT_FILES = ['pyproject.toml', 'setup.cfg', 'setup.py'] as const;

/**
 * A project's declared dependencies (`pip install .`): the quoted requirements of pyproject.toml's
 * `dependencies`/`optional-dependencies` arrays and of setup.py's `install_requires`, and the lines
 * of setup.cfg's `install_requires`. Also whether setup.py reads a requirements.txt beside it, a
 * common way to list them once.
 */
export function readProjectFile(file: (typeof PROJECT_FILES)[number], text: string): { names: string[]; readsRequirementsTxt: boolean } {
  if (file === 'setup.cfg') return { names: setupCfgRequirements(text), readsRequirementsTxt: false };
  const arrays =
    file === 'pyproject.toml'
      ? [...text.matchAll(/^\s*(?:dependencies|[\w.-]+)\s*=\s*\[([\s\S]*?)\]/gm)].filter((match) => inDependencyTable(text, match.index))
      : [...text.matchAll(/install_requires\s*=\s*\[([\s\S]*?)\]/g)];
  const names = arrays.flatMap((match) => [...match[1].matchAll(/["']([^"']+)["']/g)].flatMap((quoted) => packageName(quoted[1]) ?? []));
  return { names, readsRequirementsTxt: file === 'setup.py' && /requirements[\w.-]*\.txt/.test(text) };
}

/** The `dependencies` array of [project], or any array of [project.optional-dependencies] or a tool's dependency table. */
function inDependencyTable(text: string, index: number): boolean {
  const before = text.slice(0, index);
  const table = [...before.matchAll(/^\s*\[([^\]\n]+)\]\s*$/gm)].pop()?.[1].trim() ?? '';
  const key = /^\s*([\w.-]+)/.exec(text.slice(index))?.[1] ?? '';
  if (table === 'project') return key === 'dependencies';
  return /(^|\.)(optional-dependencies|dependencies|dependency-groups)$/.test(table);
}

function requirementLine(line: string): string[] {
  const name = line.trim() === '' ? undefined : packageName(line.trim());
  return name ? [name] : [];
}

function setupCfgRequirements(text: string): string[] {
  const names: string[] = [];
  let inRequires = false;
  for (const line of text.split(/\r?\n/)) {
    const key = /^([\w-]+)\s*=\s*(.*)$/.exec(line);
    if (key) {
      inRequires = key[1] === 'install_requires';
      if (inRequires) names.push(...requirementLine(key[2]));
    } else if (inRequires && /^\s+\S/.test(line)) {
      names.push(...requirementLine(line));
    } else if (line.trim() !== '') {
      inRequires = false;
    }
  }
  return names;
}
