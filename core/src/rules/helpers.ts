import type { Instruction, JSONInstruction } from 'dockerfile-ast';
import type { Range } from 'vscode-languageserver-types';
import type { Analysis } from '../dockerfile/analysis';
import type { CommandInstruction } from '../dockerfile/commandForm';
import type { CopyOperation } from '../dockerfile/copies';
import type { Verb } from '../dockerfile/evidence';
import { displayArgv, type StartedProgram } from '../dockerfile/program';
import { isPlainWordList, programWords } from '../dockerfile/shellWords';
import type { Finding, Fix } from './rule';

/** The instruction's arguments, the narrowest range that still names the whole instruction. */
export function argumentsRange(instruction: Instruction): Range {
  return instruction.getArgumentsRange() ?? instruction.getRange();
}

export interface CommandWord {
  readonly text: string;
  readonly range: Range;
}

/**
 * The words of a command instruction with their document ranges: the JSON strings of the exec
 * form, or the shell words of the shell form.
 */
export function commandWords(analysis: Analysis, instruction: Instruction): CommandWord[][] {
  const logical = analysis.model.logical(instruction);
  const text = logical.text.replace(/^[ \t\r\n]+/, '');
  if (text.startsWith('[')) {
    const argv = execArgv(analysis, instruction);
    if (argv) return [argv];
  }
  return analysis.model.shellCommands(instruction).map((words) => words.map((word) => ({ text: word.text, range: logical.rangeOf(word.start, word.end) })));
}

/** A command's words from its program on (leading `VAR=value`, `sudo`, `env` … dropped). */
export function fromProgram(command: readonly CommandWord[]): CommandWord[] {
  return programWords(command.map((word, i) => ({ text: word.text, start: i, end: i + 1 }))).map((word) => command[word.start]);
}

/** The exec-form argv with each string's range inside its quotes, when dockerfile-ast's strings agree with JSON. */
export function execArgv(analysis: Analysis, instruction: Instruction): CommandWord[] | undefined {
  let argv: unknown;
  try {
    argv = JSON.parse(analysis.model.logical(instruction).text);
  } catch {
    return undefined;
  }
  if (!Array.isArray(argv) || !argv.every((item) => typeof item === 'string')) return undefined;
  const strings = (instruction as JSONInstruction).getJSONStrings?.() ?? [];
  // dockerfile-ast's string values drop blanks ("cd /x" reads "cd/x"), so compare the document's text.
  const document = analysis.model.document;
  const written = (range: Range): string => document.text.slice(document.offsetAt(range.start), document.offsetAt(range.end));
  const aligned = strings.length === argv.length && strings.every((string, i) => sameString(`"${written(string.getJSONRange())}"`, argv[i] as string));
  const whole = argumentsRange(instruction);
  return (argv as string[]).map((text, i) => ({ text, range: aligned ? strings[i].getJSONRange() : whole }));
}

function sameString(quoted: string, value: string): boolean {
  try {
    return JSON.parse(quoted) === value;
  } catch {
    return false;
  }
}

export function verbList(verbs: readonly Verb[]): string {
  return verbs.map((verb) => `"${verb}"`).join(' or ');
}

/** A JSON array in the layout Docker's documentation uses: `["python", "train.py"]`. */
export function jsonArray(argv: readonly string[]): string {
  return `[${argv.map((arg) => JSON.stringify(arg)).join(', ')}]`;
}

/** The words a CMD supplies as its program, or undefined when it cannot be turned into exec form safely. */
export function commandArgv(command: CommandInstruction): string[] | undefined {
  if (command.form.kind === 'exec') return command.form.argv;
  if (command.form.kind === 'shell' && isPlainWordList(command.form.command)) return command.form.command.split(/\s+/);
  return undefined;
}

export function describeCommand(command: CommandInstruction): string {
  if (command.form.kind === 'exec') return displayArgv(command.form.argv);
  return command.form.kind === 'shell' ? command.form.command : command.logical.text.trim();
}

/** Same-case keyword for an edit: `cmd` becomes `entrypoint`, `CMD` becomes `ENTRYPOINT`. */
function keywordLike(instruction: Instruction, keyword: string): string {
  const written = instruction.getInstruction();
  return written === written.toLowerCase() ? keyword.toLowerCase() : keyword;
}

/**
 * "Convert CMD to ENTRYPOINT (exec form)". With an init-wrapper ENTRYPOINT (tini) the wrapper is
 * kept in front. Offered only when the new ENTRYPOINT will be the effective one and the CMD's
 * words keep their meaning in exec form.
 */
export function cmdToEntrypointFix(analysis: Analysis, cmd: CommandInstruction, wrapper: readonly string[]): Fix[] {
  const argv = commandArgv(cmd);
  if (!argv || argv.length === 0) return [];
  const entrypoint = analysis.model.entrypoint;
  if (entrypoint && stepIndex(analysis, entrypoint.instruction) > stepIndex(analysis, cmd.instruction)) return [];
  const instruction = cmd.instruction;
  const keyword = keywordLike(instruction, 'ENTRYPOINT');
  const edits =
    cmd.form.kind === 'exec' && wrapper.length === 0
      ? [{ range: instruction.getInstructionRange(), newText: keyword }]
      : [
          {
            range: { start: instruction.getInstructionRange().start, end: argumentsRange(instruction).end },
            newText: `${keyword} ${jsonArray([...wrapper, ...argv])}`,
          },
        ];
  return [{ title: 'Convert CMD to ENTRYPOINT (exec form)', edits }];
}

export function stepIndex(analysis: Analysis, instruction: Instruction): number {
  return analysis.model.steps.findIndex((step) => step.instruction === instruction);
}

/** The source argument of a copy that brings in this context file (for ranges on the COPY). */
export function sourceRange(copy: CopyOperation, contextPath: string): Range {
  const normalized = (text: string): string => text.replace(/^\.?\/+/, '').replace(/\/+$/, '');
  const source = copy.sources.find((candidate) => {
    const prefix = normalized(candidate.text);
    return prefix === '' || prefix === '.' || contextPath === prefix || contextPath.startsWith(prefix + '/');
  });
  return source?.range ?? copy.sources[0]?.range ?? argumentsRange(copy.step.instruction);
}

/** Insert a new line after an instruction, in the file's own line ending. */
export function insertLineAfter(analysis: Analysis, instruction: Instruction, line: string): { range: Range; newText: string } {
  const end = instruction.getRange().end;
  return { range: { start: end, end }, newText: analysis.model.document.eol + line };
}

/** A build-context file that SageMaker's process executes or hands to an interpreter. */
export interface ExecutedContextFile {
  readonly verb: Verb;
  readonly imagePath: string;
  readonly contextPath: string;
  readonly copy: CopyOperation;
  /** How it runs: executed directly (needs a mode and a shebang), or by a shell or Python. */
  readonly runBy: 'exec' | 'shell' | 'python';
}

/** The files SageMaker runs that come from the build context, once each, train before serve. */
export function executedContextFiles(analysis: Analysis): ExecutedContextFile[] {
  const seen = new Map<string, ExecutedContextFile>();
  for (const verb of analysis.verbs) {
    const program = analysis.program(verb);
    const candidates = [
      program.mode !== 'shell' ? { file: program.executable, runBy: 'exec' as const } : undefined,
      program.script ? { file: program.script, runBy: program.script.interpreter } : undefined,
    ];
    for (const candidate of candidates) {
      const placement = candidate?.file?.placement;
      if (!candidate?.file || !placement?.certain || placement.contextPath === undefined || seen.has(candidate.file.imagePath)) continue;
      seen.set(candidate.file.imagePath, {
        verb,
        imagePath: candidate.file.imagePath,
        contextPath: placement.contextPath,
        copy: placement.copy,
        runBy: candidate.runBy,
      });
    }
  }
  return [...seen.values()];
}

/**
 * The finding of SM103 / SM502 for a verb that nothing answers: no ENTRYPOINT that takes it, and no
 * program of that name on PATH. An error when the base image is known to have none (scratch, or a
 * catalogued image), a warning when the base may provide one; nothing on a SageMaker image or on a
 * base chosen at build time.
 */
export function noProgramFinding(analysis: Analysis, verb: Verb): Finding[] {
  const { model } = analysis;
  const program = analysis.program(verb);
  const base = model.baseImage;
  if (program.mode === 'base') return rejectedVerbFinding(analysis, program);
  if (program.mode !== 'path' || program.evidence || !model.finalStage || !base?.repository || base.sagemaker) return [];
  // A base named by a build argument with no default (FROM $BASE_IMAGE) can be anything: nothing to know.
  if (!base.reference.complete) return [];
  const facts = model.baseFacts;
  const knownWithout = base.scratch || facts?.programs[verb] === false;
  // An image that carries only dependencies (requirements, conda environments) is an environment
  // for a program the job brings: ModelTrainer's command or ContainerEntrypoint. Only an image that
  // carries code and nothing that runs it certainly fails. (A model has no such override: serve is always checked.)
  const environmentOnly = verb === 'train' && !base.scratch && !shipsCode(analysis);
  const certain = knownWithout && !environmentOnly;
  const unless = certain
    ? ''
    : knownWithout
      ? ' (unless every job sets its own entry point, as ContainerEntrypoint does)'
      : ' (unless the base image provides one)';
  const from = model.finalStage.from;
  const failure = `exec: "${verb}": executable file not found in $PATH`;
  const fix =
    verb === 'train'
      ? 'Add an exec-form ENTRYPOINT, copy an executable "train" into a PATH folder such as /usr/local/bin, or install sagemaker-training.'
      : 'Add an exec-form ENTRYPOINT that starts your server, or copy an executable "serve" into a PATH folder such as /usr/local/bin.';
  return [
    {
      range: from.getImageRange() ?? argumentsRange(from),
      severity: certain ? 'error' : undefined,
      message:
        `Nothing in this image answers SageMaker's "docker run <image> ${verb}": ${startsWhat(program)}, and ${nothingOnPath(analysis, verb)}. ` +
        `${fix} Otherwise the ${verb === 'train' ? 'job' : 'endpoint'} fails with: ${failure}${unless}.`,
    },
  ];
}

/** No ENTRYPOINT of the Dockerfile's own, and the base's (vLLM's `vllm serve`) fails on the verb: certain. */
function rejectedVerbFinding(analysis: Analysis, program: StartedProgram): Finding[] {
  const { model } = analysis;
  const from = model.finalStage?.from;
  if (!from || !model.baseFacts?.entrypointRejectsArguments || !program.baseEntrypoint) return [];
  const verb = program.verb;
  return [
    {
      range: from.getImageRange() ?? argumentsRange(from),
      severity: 'error',
      message:
        `This Dockerfile sets no ENTRYPOINT, so SageMaker's "docker run <image> ${verb}" starts the base image's: "${displayArgv(program.argv ?? [])}". ` +
        `"${displayArgv(program.baseEntrypoint)}" takes options of its own and fails on "${verb}", so the ${verb === 'train' ? 'job' : 'endpoint'} fails at start. ` +
        `Add an exec-form ENTRYPOINT that starts your program (for serving: a server on port 8080 that answers /ping and /invocations).`,
    },
  ];
}

/** Files that only describe dependencies; copying them ships no program. */
const DEPENDENCY_FILES =
  /^(requirements[\w.-]*\.(txt|in)|constraints[\w.-]*\.txt|(environment|conda|env)[\w.-]*\.ya?ml|pyproject\.toml|setup\.(py|cfg)|Pipfile(\.lock)?|poetry\.lock|uv\.lock|[\w.-]*\.lock)$/i;

/** True when the image's chain copies anything but dependency lists (code, scripts, folders, other stages' output). */
function shipsCode(analysis: Analysis): boolean {
  return analysis.files.copies.some(
    (copy) => copy.fromOther || copy.sources.some((source) => !DEPENDENCY_FILES.test(source.text.replace(/\/+$/, '').split('/').pop() ?? '')),
  );
}

function startsWhat(program: StartedProgram): string {
  if (program.baseEntrypoint) return `the base image's ENTRYPOINT "${displayArgv(program.baseEntrypoint)}" executes "${program.verb}" from PATH`;
  if (program.wrapper) return `the ENTRYPOINT only starts an init wrapper, which executes "${program.verb}"`;
  return 'there is no ENTRYPOINT';
}

/** Why no program is found: the base image is known to have none, starts from nothing, or is not known. */
function nothingOnPath(analysis: Analysis, verb: Verb): string {
  const base = analysis.model.baseImage;
  const facts = analysis.model.baseFacts;
  if (base?.scratch) return `there is no "${verb}" program on PATH (the image starts from scratch and holds only what this Dockerfile puts in it)`;
  if (!base || facts?.programs[verb] !== false) return `there is no "${verb}" program on PATH`;
  const image = base.reference.value;
  const cmd =
    facts.config.cmd.length > 0 && analysis.model.cmd === undefined ? ` (${image}'s CMD "${displayArgv(facts.config.cmd)}" is replaced by "${verb}")` : '';
  return `neither this Dockerfile nor the base image ${image} puts a "${verb}" program on PATH${cmd}`;
}
