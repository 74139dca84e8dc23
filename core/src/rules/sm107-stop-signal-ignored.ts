import * as posix from 'node:path/posix';
import type { Range } from 'vscode-languageserver-types';
import type { Analysis } from '../dockerfile/analysis';
import { stripEnv, stripWrapper, type StartedProgram } from '../dockerfile/program';
import { programWords, shellCommands } from '../dockerfile/shellWords';
import type { ExecutedContextFile } from './helpers';
import { execArgv, executedContextFiles, sourceRange } from './helpers';
import type { Rule } from './rule';

/** How long SageMaker waits after SIGTERM before SIGKILL (StopTrainingJob, MaxRuntimeInSeconds reached). */
export const STOP_TIMEOUT_SECONDS = 120;
/** Source of the stop sequence: https://docs.aws.amazon.com/sagemaker/latest/dg/your-algorithms-training-algo-dockerfile.html */
export const STOP_SOURCE = 'https://docs.aws.amazon.com/sagemaker/latest/dg/your-algorithms-training-algo-dockerfile.html';

/** A SIGTERM handler in Python: signal.signal(signal.SIGTERM, …), signal.Signals.SIGTERM, asyncio's add_signal_handler. */
const PYTHON_HANDLER = /SIGTERM|add_signal_handler/;
/** Libraries that install a SIGTERM handler of their own when imported and used (Lightning's trainer does). */
const HANDLING_LIBRARIES = /^\s*(?:from|import)\s+(?:lightning|pytorch_lightning)\b/m;
/** A shell that traps TERM, or hands PID 1 to another program with exec. */
const SHELL_HANDLES = /\btrap\b|(^|[;&|\s])exec\s+\S/m;
const INIT_SHEBANG = /\b(tini|dumb-init|catatonit)\b/;

/**
 * PID 1 of a container gets no default action for SIGTERM: the kernel drops the signal unless
 * the process installed a handler. A Python or shell program that installs none keeps running
 * when SageMaker stops the job, until SIGKILL 120 s later, and saves nothing
 * (sagemaker-container-contract.md §1.3, §8 P3/P12).
 */
export const SM107: Rule = {
  id: 'SM107',
  title: 'Stop signal ignored',
  severity: 'warning',
  appliesTo: 'training',
  check(analysis) {
    const program = analysis.program('train');
    if (startsWithInit(program)) return [];
    const file = pidOneFile(analysis, program);
    if (!file) return [];
    const source = analysis.model.context.readFile(file.file.contextPath)?.toString('utf8');
    if (source === undefined) return [];
    const language = file.language ?? languageOfShebang(source);
    if (!language || !ignoresSigterm(analysis, file.file, source, language)) return [];
    const shown = language === 'python' ? `Python running ${file.file.imagePath}` : `the shell running ${file.file.imagePath}`;
    const handle =
      language === 'python'
        ? `Handle SIGTERM in ${file.file.contextPath} (signal.signal(signal.SIGTERM, handler) that saves a checkpoint and exits)`
        : `Handle it in ${file.file.contextPath} (trap 'kill -TERM $child; wait $child' TERM), or end it with exec so the program becomes PID 1`;
    return [
      {
        range: rangeOf(analysis, program, file.file),
        message:
          `SageMaker stops a training job (StopTrainingJob, MaxRuntimeInSeconds reached) with SIGTERM, then SIGKILL ${STOP_TIMEOUT_SECONDS} s later. ` +
          `Here PID 1 is ${shown}, which installs no SIGTERM handler, and the kernel drops SIGTERM for a PID 1 without one: ` +
          `every stop waits the full ${STOP_TIMEOUT_SECONDS} s and then kills the job with no chance to save a checkpoint. ` +
          `${handle}; or start it through an init such as tini (ENTRYPOINT ["tini", "--", …]) or dumb-init, which at least stops it at once.`,
      },
    ];
  },
};

/**
 * `ENTRYPOINT ["tini", "--", …]`, `["/usr/bin/dumb-init", …]`, a lone init that executes train, or
 * a base image's init (miniforge's `tini --`). A base ENTRYPOINT script that ends with `exec "$@"`
 * (NVIDIA's) is no init: the program it executes becomes PID 1.
 */
function startsWithInit(program: StartedProgram): boolean {
  if (program.baseEntrypoint) return isInit(program.baseEntrypoint);
  if (program.wrapper) return true;
  const entrypoint = program.entrypoint?.form;
  return entrypoint?.kind === 'exec' && isInit(entrypoint.argv);
}

function isInit(argv: readonly string[]): boolean {
  const command = stripEnv(argv);
  return command.length > 0 && stripWrapper(command) !== command;
}

/** The build-context file whose program becomes PID 1: the script Python or a shell runs, or the executed file. */
function pidOneFile(analysis: Analysis, program: StartedProgram): { file: ExecutedContextFile; language: 'python' | 'shell' | undefined } | undefined {
  if (program.mode === 'shell') return undefined;
  const files = executedContextFiles(analysis).filter((file) => file.verb === 'train');
  const script = program.script ? files.find((file) => file.imagePath === program.script?.imagePath && file.runBy !== 'exec') : undefined;
  if (program.script) return script ? { file: script, language: script.runBy === 'python' ? 'python' : 'shell' } : undefined;
  const executable = files.find((file) => file.imagePath === program.executable?.imagePath && file.runBy === 'exec');
  return executable ? { file: executable, language: undefined } : undefined;
}

function languageOfShebang(source: string): 'python' | 'shell' | undefined {
  const first = source.split('\n', 1)[0];
  if (!first.startsWith('#!') || INIT_SHEBANG.test(first)) return undefined;
  if (/\bpython[0-9.]*\b/.test(first)) return 'python';
  if (/\b(sh|bash|dash|ash)\b/.test(first)) return 'shell';
  return undefined;
}

/** True when nothing in the program (nor a module of its own it imports) handles SIGTERM. */
function ignoresSigterm(analysis: Analysis, file: ExecutedContextFile, source: string, language: 'python' | 'shell'): boolean {
  if (language === 'shell') return !SHELL_HANDLES.test(source) && startsPrograms(source);
  if (PYTHON_HANDLER.test(source) || HANDLING_LIBRARIES.test(source)) return false;
  return localImports(source).every((name) => {
    const folder = posix.dirname(file.contextPath);
    const base = folder === '.' ? name : `${folder}/${name}`;
    // A package of the user's may install the handler anywhere inside: not ours to guess.
    if (analysis.model.context.stat(base)?.type === 'directory') return false;
    const module = analysis.model.context.readFile(`${base}.py`)?.toString('utf8');
    return module === undefined || !(PYTHON_HANDLER.test(module) || HANDLING_LIBRARIES.test(module));
  });
}

/** Shell builtins: a script of these alone ends at once, and there is nothing to stop. */
const SHELL_BUILTINS = new Set([
  'echo',
  'printf',
  'exit',
  'set',
  'export',
  'cd',
  'true',
  'false',
  'test',
  '[',
  ':',
  'shift',
  'read',
  'local',
  'unset',
  'return',
  'umask',
]);

/** The script runs some program (python, torchrun, …), which outlives a stop the shell ignores. */
function startsPrograms(source: string): boolean {
  return shellCommands(source).some((command) => {
    const program = programWords(command)[0]?.text;
    return program !== undefined && !SHELL_BUILTINS.has(program) && !program.startsWith('#!') && !/^[A-Za-z_]\w*=/.test(program);
  });
}

/** The top-level names a Python file imports (`import a.b`, `from a import b`): its own modules among them. */
function localImports(source: string): string[] {
  const names = new Set<string>();
  for (const match of source.matchAll(/^\s*(?:from\s+([A-Za-z_][\w]*)[\w.]*\s+import|import\s+([A-Za-z_][\w]*(?:\s*,\s*[A-Za-z_][\w.]*)*))/gm)) {
    if (match[1]) names.add(match[1]);
    for (const name of match[2]?.split(',') ?? []) names.add(name.trim().split('.')[0]);
  }
  return [...names];
}

/** On the ENTRYPOINT's word for the file, or on the COPY that brings a `train` found on PATH. */
function rangeOf(analysis: Analysis, program: StartedProgram, file: ExecutedContextFile): Range {
  const entrypoint = program.entrypoint;
  if (program.mode === 'entrypoint' && entrypoint && entrypoint.form.kind === 'exec') {
    const argv = entrypoint.form.argv;
    const words = execArgv(analysis, entrypoint.instruction);
    const index = program.script ? program.script.argIndex : argv.length - stripWrapper(stripEnv(argv)).length;
    const word = words?.[index];
    if (word) return word.range;
  }
  return sourceRange(file.copy, file.contextPath);
}
