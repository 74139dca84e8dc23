import * as posix from 'node:path/posix';
import type { CommandInstruction } from './commandForm';
import type { ImageFiles, Placement } from './copies';
import type { Evidence, Verb } from './evidence';
import type { DockerfileModel } from './model';
import { basename } from './shellWords';

/** A file of the image that SageMaker's process runs, and where it comes from. */
export interface ImageFile {
  readonly imagePath: string;
  readonly placement: Placement | undefined;
}

/** A script handed to an interpreter by the ENTRYPOINT (`python x.py`, `bash run.sh`). */
export interface InterpretedScript extends ImageFile {
  readonly interpreter: 'python' | 'shell';
  /** Index of the script in the ENTRYPOINT's argv. */
  readonly argIndex: number;
}

/**
 * The process SageMaker starts for `docker run IMAGE <verb>`:
 * - `entrypoint`: an exec-form ENTRYPOINT runs with the verb appended;
 * - `shell`: a shell-form ENTRYPOINT runs under `/bin/sh -c`, and the verb becomes `$0`;
 * - `path`: no ENTRYPOINT (or only an init wrapper such as tini, or a base image's ENTRYPOINT that
 *   executes its arguments): the verb itself is executed, found on PATH, with no shell. CMD never runs;
 * - `base`: the base image's own ENTRYPOINT receives the verb, and what it does with it is not known.
 */
export interface StartedProgram {
  readonly verb: Verb;
  readonly mode: 'entrypoint' | 'shell' | 'path' | 'base';
  readonly argv: readonly string[] | undefined;
  readonly entrypoint: CommandInstruction | undefined;
  /** An init wrapper ENTRYPOINT (tini, dumb-init) that execs the verb. */
  readonly wrapper: boolean;
  /** The base image's ENTRYPOINT, when the Dockerfile sets none and the base's is known. */
  readonly baseEntrypoint: readonly string[] | undefined;
  /** The file executed directly: argv[0] of the ENTRYPOINT, or the verb found on PATH. */
  readonly executable: ImageFile | undefined;
  readonly script: InterpretedScript | undefined;
  /** For `path`: why we believe the verb exists on PATH (undefined: it will not be found). */
  readonly evidence: Evidence | undefined;
}

const INIT_WRAPPERS = /^(tini|tini-static(-\w+)?|dumb-init|catatonit)$/;
export const SHELLS = /^(sh|bash|dash|ash|zsh|ksh)$/;
export const PYTHON = /^python[0-9.]*$/;
/** Python options that take the next word as their value. */
const PYTHON_OPTIONS_WITH_VALUE = new Set(['-W', '-X', '--check-hash-based-pycs']);

export function startedProgram(model: DockerfileModel, files: ImageFiles, verb: Verb, evidence: Evidence | undefined): StartedProgram {
  const entrypoint = model.entrypoint;
  const form = entrypoint?.form;
  if (entrypoint && form?.kind === 'shell') {
    return {
      verb,
      mode: 'shell',
      argv: [...entrypoint.shell, form.command, verb],
      entrypoint,
      wrapper: false,
      baseEntrypoint: undefined,
      executable: undefined,
      script: undefined,
      evidence,
    };
  }
  const inherited = model.baseFacts?.config.entrypoint ?? [];
  if (!entrypoint && inherited.length > 0) return baseEntrypointProgram(model, files, verb, evidence);
  const argv = form?.kind === 'exec' ? form.argv : [];
  const command = stripWrapper(stripEnv(argv));
  const wrapper = argv.length > 0 && command.length === 0 && INIT_WRAPPERS.test(basename(stripEnv(argv)[0] ?? ''));
  if (!entrypoint || command.length === 0) {
    const executable = findOnPath(model, files, verb);
    return { verb, mode: 'path', argv: [...argv, verb], entrypoint, wrapper, baseEntrypoint: undefined, executable, script: undefined, evidence };
  }
  return {
    verb,
    mode: 'entrypoint',
    argv: [...argv, verb],
    entrypoint,
    wrapper: false,
    baseEntrypoint: undefined,
    executable: command.length > 0 ? locate(model, files, command[0]) : undefined,
    script: interpretedScript(model, files, argv, argv.length - command.length),
    evidence,
  };
}

/**
 * No ENTRYPOINT in the Dockerfile, and the base image has one: it receives the verb. When it is known
 * to execute its arguments (NVIDIA's entrypoint script, `tini --`), the verb is looked up on PATH.
 */
function baseEntrypointProgram(model: DockerfileModel, files: ImageFiles, verb: Verb, evidence: Evidence | undefined): StartedProgram {
  const facts = model.baseFacts;
  const baseEntrypoint = facts?.config.entrypoint ?? [];
  const runsArguments = facts?.entrypointRunsArguments === true;
  return {
    verb,
    mode: runsArguments ? 'path' : 'base',
    argv: [...baseEntrypoint, verb],
    entrypoint: undefined,
    wrapper: runsArguments,
    baseEntrypoint,
    executable: runsArguments ? findOnPath(model, files, verb) : undefined,
    script: undefined,
    evidence,
  };
}

/** Init-wrapper options that take a value: `tini -e 143 --`, `dumb-init --rewrite 15:2 --`. */
const WRAPPER_OPTIONS_WITH_VALUE = new Set(['-e', '-p', '-r', '--rewrite', '-l']);

/** `tini -g -- python x.py` runs `python x.py`; a wrapper with no program of its own leaves nothing. */
export function stripWrapper(argv: readonly string[]): readonly string[] {
  if (argv.length === 0 || !INIT_WRAPPERS.test(basename(argv[0]))) return argv;
  let i = 1;
  while (i < argv.length && argv[i].startsWith('-')) {
    if (argv[i] === '--') return argv.slice(i + 1);
    i += WRAPPER_OPTIONS_WITH_VALUE.has(argv[i]) ? 2 : 1;
  }
  return argv.slice(i);
}

/** env options that take the next word as their value (GNU coreutils env). */
const ENV_OPTIONS_WITH_VALUE = new Set(['-u', '--unset', '-C', '--chdir']);

/** `/usr/bin/env [-i] [-u NAME] [A=1] python x.py` runs `python x.py`; `env -S "python3 -u" x.py` splits its string. */
export function stripEnv(argv: readonly string[]): readonly string[] {
  if (argv.length === 0 || basename(argv[0]) !== 'env') return argv;
  let i = 1;
  while (i < argv.length && (argv[i].startsWith('-') || /^[A-Za-z_]\w*=/.test(argv[i]))) {
    if (argv[i] === '-S' || argv[i] === '--split-string') return [...(argv[i + 1] ?? '').split(/\s+/).filter((word) => word !== ''), ...argv.slice(i + 2)];
    if (argv[i] === '--') return argv.slice(i + 1);
    i += ENV_OPTIONS_WITH_VALUE.has(argv[i]) ? 2 : 1;
  }
  return argv.slice(i);
}

/** Shell options that take the next word as their value: `bash -o pipefail x.sh`, `bash --rcfile f x.sh`. */
const SHELL_OPTIONS_WITH_VALUE = new Set(['-o', '+o', '-O', '+O', '--rcfile', '--init-file']);

/**
 * The index in `argv` of the script an interpreter at `offset` runs: its first word that is not an
 * option or an option's value; undefined for `python -m`, `python -c`, `sh -c` and no script at all.
 */
export function scriptArgumentIndex(argv: readonly string[], offset: number, interpreter: 'python' | 'shell'): number | undefined {
  for (let i = offset + 1; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '-m' || arg === '-c' || (interpreter === 'shell' && /^-[a-z]*c[a-z]*$/.test(arg))) return undefined;
    const withValue = interpreter === 'python' ? PYTHON_OPTIONS_WITH_VALUE : SHELL_OPTIONS_WITH_VALUE;
    if (withValue.has(arg)) i++;
    else if (!arg.startsWith('-') || arg === '-') return i;
  }
  return undefined;
}

function interpretedScript(model: DockerfileModel, files: ImageFiles, argv: readonly string[], offset: number): InterpretedScript | undefined {
  const program = basename(argv[offset] ?? '');
  const interpreter = PYTHON.test(program) ? 'python' : SHELLS.test(program) ? 'shell' : undefined;
  if (!interpreter) return undefined;
  const index = scriptArgumentIndex(argv, offset, interpreter);
  if (index === undefined) return undefined;
  const imagePath = posix.resolve(model.workdir, argv[index]);
  return { interpreter, argIndex: index, imagePath, placement: files.placementOf(imagePath) };
}

/**
 * The script a command hands to Python or a shell (`python x.py`), for a command that is not the
 * started program itself: the words of a shell-form ENTRYPOINT (SM205).
 */
export function scriptOfCommand(model: DockerfileModel, files: ImageFiles, argv: readonly string[]): InterpretedScript | undefined {
  return interpretedScript(model, files, argv, argv.length - stripWrapper(stripEnv(argv)).length);
}

/** Where Docker finds argv[0]: a path (relative to WORKDIR) or a name searched on PATH. */
function locate(model: DockerfileModel, files: ImageFiles, program: string): ImageFile | undefined {
  if (program.includes('/')) {
    const imagePath = posix.resolve(model.workdir, program);
    return { imagePath, placement: files.placementOf(imagePath) };
  }
  return findOnPath(model, files, program);
}

function findOnPath(model: DockerfileModel, files: ImageFiles, name: string): ImageFile | undefined {
  for (const directory of model.path) {
    const imagePath = posix.join(directory, name);
    const placement = files.placementOf(imagePath);
    if (placement) return { imagePath, placement };
  }
  return undefined;
}

/** How the process looks on a command line, for hovers and messages. */
export function displayArgv(argv: readonly string[]): string {
  return argv.map((arg) => (/^[\w@%+=:,./-]+$/.test(arg) ? arg : JSON.stringify(arg))).join(' ');
}
