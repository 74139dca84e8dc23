import { DockerfileParser, type Dockerfile, type From, type Instruction, type Property } from 'dockerfile-ast';
import { describeBaseImage, type BaseImage } from './baseImage';
import { NO_CONTEXT, type BuildContext } from './buildContext';
import { commandForm, DEFAULT_SHELL, type CommandInstruction } from './commandForm';
import { DocumentText } from './document';
import { logicalArguments, type LogicalText } from './logicalText';
import { expand, LayeredScope, type Expansion, type VariableScope } from './variables';
import * as posix from 'node:path/posix';

/** Docker's PATH when the image sets none (the base image's own PATH is not known here). */
export const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

export interface Stage {
  readonly index: number;
  readonly from: From;
  /** The stage name from `AS name`, lowercased: Docker compares stage names case-insensitively. */
  readonly name: string | undefined;
  readonly instructions: readonly Instruction[];
  /** The earlier stage this one is built FROM, if any. */
  readonly parent: Stage | undefined;
  readonly image: Expansion;
}

/** An instruction of the stage chain with the build state it sees. */
export interface Step {
  readonly instruction: Instruction;
  readonly stage: Stage;
  readonly scope: VariableScope;
  /** Absolute WORKDIR in force. */
  readonly workdir: string;
  readonly shell: readonly string[];
}

export interface UserSetting {
  readonly step: Step;
  readonly value: Expansion;
}

export interface ModelOptions {
  /** Stage to build instead of the last (`--target`); compared case-insensitively. */
  readonly target?: string;
  readonly context?: BuildContext;
}

/**
 * What a Dockerfile builds, as far as the file alone tells: its stages, the chain of stages the
 * final image is made from, and the image configuration at the end of that chain (effective
 * ENTRYPOINT and CMD, ENV, USER, WORKDIR, PATH). Rules read this model; none re-parses.
 */
export class DockerfileModel {
  readonly document: DocumentText;
  readonly dockerfile: Dockerfile;
  readonly escape: string;
  /** ARGs declared before the first FROM: usable in FROM lines, and as defaults of `ARG NAME`. */
  readonly globalScope: VariableScope;
  readonly stages: readonly Stage[];
  readonly finalStage: Stage | undefined;
  /** True when a `target` was asked for and no stage has that name (the last stage is used). */
  readonly targetMissing: boolean;
  /** The stage chain from its root (built on an external image) to the final stage. */
  readonly chain: readonly Stage[];
  readonly steps: readonly Step[];
  readonly baseImage: BaseImage | undefined;
  readonly entrypoint: CommandInstruction | undefined;
  readonly cmd: CommandInstruction | undefined;
  /** The environment at the end of the chain (ENV only; ARGs do not reach the container). */
  readonly finalEnv: VariableScope;
  readonly path: readonly string[];
  readonly user: UserSetting | undefined;
  /** The WORKDIR the container starts in. */
  readonly workdir: string;
  readonly context: BuildContext;
  private readonly logicalCache = new Map<Instruction, LogicalText>();

  constructor(text: string, options: ModelOptions = {}) {
    this.document = new DocumentText(text);
    this.dockerfile = DockerfileParser.parse(text);
    this.escape = this.dockerfile.getEscapeCharacter();
    this.context = options.context ?? NO_CONTEXT;
    this.globalScope = globalArgScope(this.dockerfile);
    this.stages = this.buildStages();
    const target = options.target?.toLowerCase();
    const targeted = target ? this.stages.find((stage) => stage.name === target) : undefined;
    this.targetMissing = target !== undefined && target !== '' && targeted === undefined;
    this.finalStage = targeted ?? this.stages[this.stages.length - 1];
    this.chain = chainOf(this.finalStage);
    const root = this.chain[0];
    this.baseImage = root ? describeBaseImage(root.from, root.image) : undefined;
    const walk = walkChain(this);
    this.steps = walk.steps;
    this.entrypoint = walk.entrypoint;
    this.cmd = walk.cmd;
    this.finalEnv = walk.env;
    this.user = walk.user;
    this.workdir = walk.workdir;
    this.path = (walk.env.lookup('PATH') ?? DEFAULT_PATH).split(':').filter((entry) => entry.startsWith('/')).map(normalizeDirectory);
  }

  /** The instruction's arguments as Docker reads them (continuations joined, comments dropped). */
  logical(instruction: Instruction): LogicalText {
    let logical = this.logicalCache.get(instruction);
    if (!logical) {
      logical = logicalArguments(instruction, this.document, this.escape);
      this.logicalCache.set(instruction, logical);
    }
    return logical;
  }

  stepsOf(keyword: string): Step[] {
    return this.steps.filter((step) => step.instruction.getKeyword() === keyword);
  }

  private buildStages(): Stage[] {
    const stages: Stage[] = [];
    let current: { from: From; instructions: Instruction[] } | undefined;
    const globalScope = this.globalScope;
    const close = (): void => {
      if (!current) return;
      const image = expand(current.from.getImage() ?? '', globalScope, this.escape);
      const reference = image.value.toLowerCase();
      const parent = stages.find((stage) => stage.name !== undefined && stage.name === reference);
      const name = current.from.getBuildStage()?.toLowerCase();
      stages.push({ index: stages.length, from: current.from, name, instructions: current.instructions, parent, image });
    };
    for (const instruction of this.dockerfile.getInstructions()) {
      if (instruction.getKeyword() === 'FROM') {
        close();
        current = { from: instruction as From, instructions: [] };
      } else if (current) {
        current.instructions.push(instruction);
      }
    }
    close();
    return stages;
  }
}

function chainOf(stage: Stage | undefined): Stage[] {
  const chain: Stage[] = [];
  for (let current = stage; current; current = current.parent) chain.unshift(current);
  return chain;
}

function globalArgScope(dockerfile: Dockerfile): VariableScope {
  const values = new Map<string, string | undefined>();
  for (const arg of dockerfile.getInitialARGs()) {
    for (const property of argProperties(arg)) values.set(property.getName(), property.getValue() ?? undefined);
  }
  return new LayeredScope(values);
}

function argProperties(instruction: Instruction): Property[] {
  const withProperties = instruction as Instruction & { getProperties?: () => Property[] };
  return withProperties.getProperties?.() ?? [];
}

interface WalkResult {
  steps: Step[];
  entrypoint?: CommandInstruction;
  cmd?: CommandInstruction;
  env: VariableScope;
  user?: UserSetting;
  workdir: string;
}

/**
 * Replays the chain's instructions in build order. As in Docker: ENV is inherited by later
 * stages, ARG is not; an ENTRYPOINT clears a CMD inherited from an earlier stage but not one set
 * earlier in its own stage.
 */
function walkChain(model: DockerfileModel): WalkResult {
  const globals = model.globalScope;
  const result: WalkResult = { steps: [], env: new LayeredScope(new Map()), workdir: '/' };
  let env = new Map<string, string | undefined>();
  let workdir = '/';
  let shell: readonly string[] = DEFAULT_SHELL;
  for (const stage of model.chain) {
    let args = new Map<string, string | undefined>();
    let scope: VariableScope = new LayeredScope(env, new LayeredScope(args));
    let cmdSetInStage = false;
    for (const instruction of stage.instructions) {
      const step: Step = { instruction, stage, scope, workdir, shell };
      result.steps.push(step);
      switch (instruction.getKeyword()) {
        case 'ARG':
          args = new Map(args);
          for (const property of argProperties(instruction)) {
            const value = property.getValue();
            args.set(property.getName(), value !== null ? expand(value, scope, model.escape).value : globals.lookup(property.getName()));
          }
          scope = new LayeredScope(env, new LayeredScope(args));
          break;
        case 'ENV':
          env = new Map(env);
          for (const property of argProperties(instruction)) {
            const expanded = expand(property.getValue() ?? '', withDefaultPath(scope), model.escape);
            // An unknown part of PATH (`$CONDA/bin`) is kept as written: it is simply not a folder we know.
            env.set(property.getName(), expanded.complete || property.getName() === 'PATH' ? expanded.value : undefined);
          }
          scope = new LayeredScope(env, new LayeredScope(args));
          break;
        case 'WORKDIR': {
          const target = expand(model.logical(instruction).text.trim(), scope, model.escape).value;
          workdir = normalizeDirectory(posix.resolve(workdir, target || '.'));
          break;
        }
        case 'SHELL': {
          const form = commandForm(model.logical(instruction));
          if (form.kind === 'exec' && form.argv.length > 0) shell = form.argv;
          break;
        }
        case 'USER':
          result.user = { step, value: expand(model.logical(instruction).text.trim(), scope, model.escape) };
          break;
        case 'CMD':
          result.cmd = commandInstruction(model, step);
          cmdSetInStage = true;
          break;
        case 'ENTRYPOINT':
          result.entrypoint = commandInstruction(model, step);
          if (!cmdSetInStage) result.cmd = undefined;
          break;
      }
    }
  }
  result.env = new LayeredScope(env);
  result.workdir = workdir;
  return result;
}

/** `ENV PATH=/x:$PATH` on an image whose PATH we do not know extends Docker's default PATH. */
function withDefaultPath(scope: VariableScope): VariableScope {
  return { lookup: (name) => scope.lookup(name) ?? (name === 'PATH' ? DEFAULT_PATH : undefined) };
}

function commandInstruction(model: DockerfileModel, step: Step): CommandInstruction {
  const logical = model.logical(step.instruction);
  return { instruction: step.instruction, logical, form: commandForm(logical), shell: step.shell };
}

export function normalizeDirectory(directory: string): string {
  const normalized = posix.normalize(directory);
  return normalized.length > 1 ? normalized.replace(/\/+$/, '') : normalized;
}

/** Names of the variables an ENV (or ARG, LABEL) instruction sets. */
export function envNames(step: Step): string[] {
  return argProperties(step.instruction).map((property) => property.getName());
}
