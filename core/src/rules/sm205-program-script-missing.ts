import * as posix from 'node:path/posix';
import type { Range } from 'vscode-languageserver-types';
import type { Analysis } from '../dockerfile/analysis';
import { closestMatch } from '../config/closestMatch';
import { isWithin, type PlacedFile } from '../dockerfile/copies';
import { runThatMayCreate } from '../dockerfile/runWrites';
import { isOfficialImage } from '../dockerfile/baseCatalogue';
import { PYTHON, scriptOfCommand, stripEnv, stripWrapper, type StartedProgram } from '../dockerfile/program';
import { basename, isPlainWordList } from '../dockerfile/shellWords';
import type { Severity } from '../config/settings';
import { argumentsRange, commandWords, execArgv, type CommandWord } from './helpers';
import type { Finding, Rule } from './rule';

/** Top folders of the Filesystem Hierarchy Standard: a base image may well have files there. */
const STANDARD_FOLDERS = new Set(['bin', 'boot', 'dev', 'etc', 'lib', 'lib32', 'lib64', 'libx32', 'proc', 'root', 'run', 'sbin', 'sys', 'tmp', 'usr', 'var']);
/** Standard folders meant to hold one folder per application: /opt/<app>, /srv/<app>. */
const APPLICATION_PARENTS = new Set(['opt', 'srv', 'mnt', 'media', 'home']);
/** SageMaker mounts /opt/ml when the job runs (channels, code downloaded by the toolkit): its files are not the image's. */
const SAGEMAKER_MOUNTS = '/opt/ml';

/**
 * The file the ENTRYPOINT runs, or hands to Python or a shell, is not in the image: no COPY or
 * ADD puts it there, no RUN can create it, and the base image cannot have it. The container
 * exits at once (sagemaker-container-contract.md §8; Python: "can't open file … [Errno 2]").
 */
export const SM205: Rule = {
  id: 'SM205',
  title: 'Program script not in the image',
  severity: 'error',
  appliesTo: 'any',
  check(analysis) {
    if (analysis.model.context.limitReached?.()) return [];
    const findings = new Map<string, Finding>();
    for (const verb of analysis.verbs) {
      for (const missing of missingFiles(analysis, analysis.program(verb))) {
        if (!findings.has(missing.imagePath)) findings.set(missing.imagePath, finding(analysis, missing));
      }
    }
    return [...findings.values()];
  },
};

interface MissingFile {
  readonly imagePath: string;
  readonly written: string;
  readonly range: Range;
  /** The range is the path's own string in the ENTRYPOINT (so a fix may replace it). */
  readonly exact: boolean;
  /** `python3` when the file is handed to an interpreter; undefined when executed itself. */
  readonly interpreter: string | undefined;
  /** A shell-form ENTRYPOINT: /bin/sh reports a missing program itself, named by its $0, the verb. */
  readonly shell: boolean;
  readonly verb: string;
  readonly severity: Severity;
}

function missingFiles(analysis: Analysis, program: StartedProgram): MissingFile[] {
  const command = entrypointCommand(analysis, program);
  if (!command || !program.entrypoint) return [];
  const { model, files } = analysis;
  const { argv, words } = command;
  const programIndex = argv.length - stripWrapper(stripEnv(argv)).length;
  const executable = argv[programIndex];
  const script = scriptOfCommand(model, files, argv);
  const candidates = [
    // argv[0] written as a path (a name is looked up on PATH, which the base image provides).
    executable?.includes('/') ? { imagePath: posix.resolve(model.workdir, executable), index: programIndex, interpreter: undefined } : undefined,
    script && !script.placement ? { imagePath: script.imagePath, index: script.argIndex, interpreter: basename(executable) } : undefined,
  ];
  const whole = argumentsRange(program.entrypoint.instruction);
  const missing: MissingFile[] = [];
  for (const candidate of candidates) {
    if (!candidate || files.placementOf(candidate.imagePath)) continue;
    const written = argv[candidate.index];
    if (written.includes('$') || (!written.startsWith('/') && workdirUnknown(analysis))) continue;
    const severity = certainlyAbsent(analysis, candidate.imagePath);
    if (!severity) continue;
    const word = words?.[candidate.index];
    const exact = word !== undefined && word.text === written && !sameRange(word.range, whole);
    missing.push({
      imagePath: candidate.imagePath,
      written,
      range: exact ? word.range : whole,
      exact,
      interpreter: candidate.interpreter,
      shell: command.shell,
      verb: program.verb,
      severity,
    });
  }
  return missing;
}

/** The ENTRYPOINT's words: its exec form, or a shell form of plain words (which `/bin/sh -c` runs the same way). */
function entrypointCommand(
  analysis: Analysis,
  program: StartedProgram,
): { argv: readonly string[]; words: readonly CommandWord[] | undefined; shell: boolean } | undefined {
  const entrypoint = program.entrypoint;
  if (!entrypoint) return undefined;
  const form = entrypoint.form;
  if (program.mode === 'entrypoint' && form.kind === 'exec') return { argv: form.argv, words: execArgv(analysis, entrypoint.instruction), shell: false };
  if (program.mode === 'shell' && form.kind === 'shell' && isPlainWordList(form.command)) {
    const words = commandWords(analysis, entrypoint.instruction)[0] ?? [];
    return { argv: words.map((word) => word.text), words, shell: true };
  }
  return undefined;
}

/**
 * Relative paths cannot be resolved: no WORKDIR in the Dockerfile and a base image whose own
 * WORKDIR is not known (pytorch/pytorch's is /workspace), or a WORKDIR with a variable.
 */
function workdirUnknown(analysis: Analysis): boolean {
  const workdirs = analysis.model.stepsOf('WORKDIR');
  if (workdirs.length === 0 && !analysis.model.baseFacts) return true;
  return workdirs.some((step) => analysis.model.logical(step.instruction).text.includes('$'));
}

/**
 * How sure we are that nothing puts a file at `imagePath`: 'error' when the base image certainly
 * has none (scratch, or an official image and a folder of the user's), 'warning' when the
 * Dockerfile fills that folder itself on a base we do not know, undefined when it may be there.
 */
function certainlyAbsent(analysis: Analysis, imagePath: string): Severity | undefined {
  const { model, files } = analysis;
  if (isWithin(imagePath, SAGEMAKER_MOUNTS)) return undefined;
  // A folder the Dockerfile fills or makes its WORKDIR is there (`python /app` runs its __main__.py).
  if (files.copies.some((copy) => copy.destination !== undefined && isWithin(copy.destination, imagePath))) return undefined;
  if (model.steps.some((step) => isWithin(step.workdir, imagePath)) || isWithin(model.workdir, imagePath)) return undefined;
  // A copy whose destination or sources cannot be resolved may put it there.
  if (files.copies.some((copy) => copy.destination === undefined)) return undefined;
  // So may one whose sources are unknown, and one whose source is missing: that fails the build first.
  const uncertainCopy = files.copies.some((copy) => {
    if (copy.destination === undefined || !isWithin(imagePath, copy.destination)) return false;
    const sources = files.sourceKinds(copy);
    return sources.length < copy.sources.length || sources.some((source) => source.kind === 'unknown');
  });
  if (uncertainCopy) return undefined;
  const scratch = model.baseImage?.scratch ?? false;
  const folder = scratch && model.stepsOf('RUN').length === 0 ? posix.dirname(imagePath) : applicationFolder(imagePath);
  if (!folder) return undefined;
  if (runThatMayCreate(model, folder, [posix.basename(imagePath), posix.basename(folder)])) return undefined;
  const repository = model.baseImage?.repository ?? '';
  if (scratch) return 'error';
  // The image's own folder (/opt/spark in the spark image) holds the image's files.
  if (folder.toLowerCase().includes(posix.basename(repository).toLowerCase())) return undefined;
  if (isOfficialImage(repository)) return 'error';
  return dockerfileFills(analysis, folder) ? 'warning' : undefined;
}

/** The folder of the user's that holds the path (/app, /opt/program), or undefined for a standard folder. */
function applicationFolder(imagePath: string): string | undefined {
  const parts = imagePath.split('/').filter(Boolean);
  if (parts.length < 2) return undefined;
  if (!STANDARD_FOLDERS.has(parts[0]) && !APPLICATION_PARENTS.has(parts[0])) return `/${parts[0]}`;
  if (APPLICATION_PARENTS.has(parts[0]) && parts.length >= 3) return `/${parts[0]}/${parts[1]}`;
  return undefined;
}

/** The Dockerfile copies files into the folder, or makes it the WORKDIR: the folder is its own. */
function dockerfileFills(analysis: Analysis, folder: string): boolean {
  return (
    analysis.files.copies.some((copy) => copy.destination !== undefined && isWithin(copy.destination, folder)) ||
    analysis.model.steps.some((step) => step.keyword === 'WORKDIR' && isWithin(step.workdir, folder)) ||
    isWithin(analysis.model.workdir, folder)
  );
}

function finding(analysis: Analysis, missing: MissingFile): Finding {
  const copied = analysis.files.filesUnder(posix.dirname(missing.imagePath)).files;
  const meant = closestFile(missing.imagePath, copied);
  const how = missing.interpreter ? `The ENTRYPOINT hands ${missing.imagePath} to ${missing.interpreter}` : `The ENTRYPOINT executes ${missing.imagePath}`;
  const base = analysis.model.baseImage;
  const baseSays = base?.scratch ? 'the base image is scratch' : `the base image ${base?.reference.value ?? ''} has no such file`;
  const pythonInterpreter = missing.interpreter !== undefined && PYTHON.test(posix.basename(missing.interpreter));
  const failure = missing.interpreter
    ? pythonInterpreter
      ? `${missing.interpreter}: can't open file '${missing.imagePath}': [Errno 2] No such file or directory`
      : `${missing.interpreter}: ${missing.imagePath}: No such file or directory`
    : missing.shell
      ? `${missing.verb}: 1: ${missing.written}: not found`
      : `exec: "${missing.written}": stat ${missing.imagePath}: no such file or directory`;
  const suggestion = meant
    ? ` ${meant.contextPath ?? posix.basename(meant.imagePath)} is copied to ${meant.imagePath}: did you mean it?`
    : copied.length > 0
      ? ` Files copied to ${posix.dirname(missing.imagePath)}: ${copied
          .map((file) => posix.basename(file.imagePath))
          .sort()
          .slice(0, 8)
          .join(', ')}.`
      : ` Copy it there with COPY, or fix the path.`;
  const fixes = meant && missing.exact ? [replacePathFix(missing, meant.imagePath)] : [];
  return {
    range: missing.range,
    severity: missing.severity,
    message:
      `${how}, but nothing puts that file in the image: no COPY or ADD places it, no RUN creates it, and ${baseSays}${missing.severity === 'warning' ? ' (unless it adds one)' : ''}. ` +
      `The job fails as soon as the container starts with: ${failure}.${suggestion}`,
    fixes,
  };
}

/** The copied file of the same folder whose name is closest to the missing one. */
function closestFile(imagePath: string, copied: readonly PlacedFile[]): PlacedFile | undefined {
  const sameFolder = copied.filter((file) => posix.dirname(file.imagePath) === posix.dirname(imagePath));
  const name = closestMatch(
    posix.basename(imagePath),
    sameFolder.map((file) => posix.basename(file.imagePath)),
  );
  return sameFolder.find((file) => posix.basename(file.imagePath) === name);
}

/** Replace the path in the ENTRYPOINT, keeping it relative when it was written relative. */
function replacePathFix(missing: MissingFile, meant: string): { title: string; edits: { range: Range; newText: string }[] } {
  const written = missing.written.startsWith('/') ? meant : posix.join(posix.dirname(missing.written), posix.basename(meant));
  const text = missing.written.startsWith('./') && !written.startsWith('.') ? `./${written}` : written;
  return { title: `Run ${text} instead`, edits: [{ range: missing.range, newText: text }] };
}

function sameRange(a: Range, b: Range): boolean {
  return a.start.line === b.start.line && a.start.character === b.start.character && a.end.line === b.end.line && a.end.character === b.end.character;
}
