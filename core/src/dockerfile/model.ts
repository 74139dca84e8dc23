import type { Dockerfile, From, Instruction } from 'dockerfile-ast';
import { parseDockerfile } from './astWorkaround';
import { describeBaseImage, type BaseImage } from './baseImage';
import { resolveBaseFacts, type BaseFacts, type LocalImageLookup } from './baseFacts';
import { NO_CONTEXT, type BuildContext } from './buildContext';
import { commandForm, DEFAULT_SHELL, type CommandInstruction } from './commandForm';
import { DocumentText } from './document';
import { logicalArguments, type LogicalText } from './logicalText';
import { expand, LayeredScope, type Expansion, type VariableScope } from './variables';
import { shellCommands, type ShellWord } from './shellWords';
import { readProperties, type PropertyInfo } from './properties';
import * as posix from 'node:path/posix';

/** Docker's PATH when the image sets none, and our assumption for a base image we do not know. */
export const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

export interface Stage {
  readonly index: number;
  readonly from: From;
  /** The stage name from `AS name`, lowercased: Docker compares stage names case-insensitively. */
  readonly name: string | undefined;
  readonly instructions: readonly Instruction[];
  /** The earlier stage this one is built FROM, if any. */
  readonly parent: Stage | undefined;
  /** The FROM image as written, and with global ARGs expanded. */
  readonly rawImage: string;
  readonly image: Expansion;
}

/** An instruction of the stage chain with the build state it sees. */
export interface Step {
  readonly instruction: Instruction;
  /** The keyword, uppercased (dockerfile-ast recomputes it on every getKeyword call). */
  readonly keyword: string;
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
  /** Configurations of base images present in the local Docker engine. */
  readonly localImage?: LocalImageLookup;
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
  /** What the base image hands on (ENTRYPOINT, CMD, PATH, USER…), when the catalogue or the local engine knows it. */
  readonly baseFacts: BaseFacts | undefined;
  readonly entrypoint: CommandInstruction | undefined;
  readonly cmd: CommandInstruction | undefined;
  /** The environment at the end of the chain (ENV only; ARGs do not reach the container). */
  readonly finalEnv: VariableScope;
  readonly path: readonly string[];
  readonly user: UserSetting | undefined;
  /** The WORKDIR the container starts in. */
  readonly workdir: string;
  readonly context: BuildContext;
  /** Each variable's ENV definitions along the chain, in build order. */
  readonly envDefinitions: ReadonlyMap<string, readonly EnvDefinition[]>;
  private readonly logicalCache = new Map<Instruction, LogicalText>();
  private readonly propertyCache = new Map<Instruction, PropertyInfo[]>();
  private readonly commandCache = new Map<Instruction, ShellWord[][]>();
  private readonly keywordSteps = new Map<string, Step[]>();
  private instructionLines: { instruction: Instruction; start: number; end: number }[] | undefined;

  constructor(text: string, options: ModelOptions = {}) {
    this.document = new DocumentText(text);
    this.dockerfile = parseDockerfile(text);
    this.escape = this.dockerfile.getEscapeCharacter();
    this.context = options.context ?? NO_CONTEXT;
    this.globalScope = this.globalArgScope();
    this.stages = this.buildStages();
    const target = options.target?.toLowerCase();
    const targeted = target ? this.stages.find((stage) => stage.name === target) : undefined;
    this.targetMissing = target !== undefined && target !== '' && targeted === undefined;
    this.finalStage = targeted ?? this.stages[this.stages.length - 1];
    this.chain = chainOf(this.finalStage);
    const root = this.chain[0];
    this.baseImage = root ? describeBaseImage(root.from, root.rawImage, root.image) : undefined;
    this.baseFacts = resolveBaseFacts(this.baseImage, options.localImage);
    const walk = walkChain(this);
    this.steps = walk.steps;
    this.entrypoint = walk.entrypoint;
    this.cmd = walk.cmd;
    this.finalEnv = walk.env;
    this.user = walk.user;
    this.workdir = walk.workdir;
    this.envDefinitions = walk.envDefinitions;
    this.path = (walk.env.lookup('PATH') ?? basePath(this))
      .split(':')
      .filter((entry) => entry.startsWith('/'))
      .map(normalizeDirectory);
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

  stepsOf(keyword: string): readonly Step[] {
    let steps = this.keywordSteps.get(keyword);
    if (!steps) {
      steps = this.steps.filter((step) => step.keyword === keyword);
      this.keywordSteps.set(keyword, steps);
    }
    return steps;
  }

  properties(instruction: Instruction): readonly PropertyInfo[] {
    let properties = this.propertyCache.get(instruction);
    if (!properties) {
      properties = readProperties(this.logical(instruction), this.escape);
      this.propertyCache.set(instruction, properties);
    }
    return properties;
  }

  /** The simple commands of a RUN (or shell-form command) and their words, tokenized once. */
  shellCommands(instruction: Instruction): readonly ShellWord[][] {
    let commands = this.commandCache.get(instruction);
    if (!commands) {
      commands = shellCommands(this.logical(instruction).text);
      this.commandCache.set(instruction, commands);
    }
    return commands;
  }

  /** The instruction whose lines hold this line (binary search over instruction line spans). */
  instructionAtLine(line: number): Instruction | undefined {
    this.instructionLines ??= this.dockerfile.getInstructions().map((instruction) => {
      const range = instruction.getRange();
      return { instruction, start: range.start.line, end: range.end.line };
    });
    const lines = this.instructionLines;
    let low = 0;
    let high = lines.length - 1;
    while (low <= high) {
      const mid = (low + high) >> 1;
      if (lines[mid].end < line) low = mid + 1;
      else if (lines[mid].start > line) high = mid - 1;
      else return lines[mid].instruction;
    }
    return undefined;
  }

  /** ARGs before the first FROM; `ARG A=1` may use an earlier global ARG. */
  private globalArgScope(): VariableScope {
    const values = new Map<string, string | undefined>();
    const scope = new LayeredScope(values);
    for (const instruction of this.dockerfile.getInstructions()) {
      const keyword = instruction.getKeyword();
      if (keyword === 'FROM') break;
      if (keyword !== 'ARG') continue;
      for (const property of this.properties(instruction)) {
        values.set(property.name, property.value === null ? undefined : expand(property.value, scope, this.escape).value);
      }
    }
    return scope;
  }

  private buildStages(): Stage[] {
    const stages: Stage[] = [];
    let current: { from: From; instructions: Instruction[] } | undefined;
    const globalScope = this.globalScope;
    const close = (): void => {
      if (!current) return;
      // FROM [--platform=…] image [AS name]
      const words = this.logical(current.from)
        .text.split(/\s+/)
        .filter((word) => word !== '' && !word.startsWith('--'));
      const rawImage = words[0] ?? '';
      const image = expand(rawImage, globalScope, this.escape);
      const reference = image.value.toLowerCase();
      const parent = stages.find((stage) => stage.name !== undefined && stage.name === reference);
      const name = words[1]?.toLowerCase() === 'as' ? words[2]?.toLowerCase() : undefined;
      stages.push({ index: stages.length, from: current.from, name, instructions: current.instructions, parent, rawImage, image });
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

/** An ENV of the chain: the variable, where it is set, and its value when it can be known. */
export interface EnvDefinition {
  readonly step: Step;
  readonly property: PropertyInfo;
  readonly value: string | undefined;
}

/**
 * Every definition of each variable in build order, so the scope of any step is a position:
 * a lookup is a binary search, and replaying thousands of ENV lines stays linear.
 */
class VariableHistory {
  private readonly entries = new Map<string, { position: number; value: string | undefined }[]>();

  define(name: string, position: number, value: string | undefined): void {
    let list = this.entries.get(name);
    if (!list) this.entries.set(name, (list = []));
    list.push({ position, value });
  }

  /** The latest definition at `floor` <= position < `before`. */
  find(name: string, before: number, floor = 0): { value: string | undefined } | undefined {
    const list = this.entries.get(name);
    if (!list) return undefined;
    let low = 0;
    let high = list.length - 1;
    let found = -1;
    while (low <= high) {
      const mid = (low + high) >> 1;
      if (list[mid].position < before) {
        found = mid;
        low = mid + 1;
      } else {
        high = mid - 1;
      }
    }
    return found >= 0 && list[found].position >= floor ? list[found] : undefined;
  }
}

interface WalkResult {
  steps: Step[];
  entrypoint?: CommandInstruction;
  cmd?: CommandInstruction;
  env: VariableScope;
  envDefinitions: Map<string, EnvDefinition[]>;
  user?: UserSetting;
  workdir: string;
}

/**
 * Replays the chain's instructions in build order. As in Docker: ENV is inherited by later
 * stages and wins over an ARG of the same name, ARG is not inherited; an ENTRYPOINT clears a CMD
 * inherited from an earlier stage but not one set earlier in its own stage.
 */
function walkChain(model: DockerfileModel): WalkResult {
  const globals = model.globalScope;
  const env = new VariableHistory();
  const args = new VariableHistory();
  const scopeAt = (position: number, stageStart: number): VariableScope => ({
    lookup: (name) => {
      const fromEnv = env.find(name, position);
      return fromEnv ? fromEnv.value : args.find(name, position, stageStart)?.value;
    },
  });
  const result: WalkResult = { steps: [], env: scopeAt(0, 0), envDefinitions: new Map(), workdir: '/' };
  let workdir = model.baseFacts?.config.workdir ?? '/';
  let shell: readonly string[] = DEFAULT_SHELL;
  for (const stage of model.chain) {
    const stageStart = result.steps.length;
    let cmdSetInStage = false;
    for (const instruction of stage.instructions) {
      const position = result.steps.length;
      const scope = scopeAt(position, stageStart);
      const step: Step = { instruction, keyword: instruction.getKeyword(), stage, scope, workdir, shell };
      result.steps.push(step);
      switch (step.keyword) {
        case 'ARG':
          for (const property of model.properties(instruction)) {
            const value = property.value !== null ? expand(property.value, scope, model.escape).value : globals.lookup(property.name);
            args.define(property.name, position, value);
          }
          break;
        case 'ENV':
          for (const property of model.properties(instruction)) {
            const expanded = expand(property.value ?? '', withBasePath(scope, basePath(model)), model.escape);
            // An unknown part of PATH (`$CONDA/bin`) is kept as written: it is simply not a folder we know.
            const value = expanded.complete || property.name === 'PATH' ? expanded.value : undefined;
            env.define(property.name, position, value);
            const definitions = result.envDefinitions.get(property.name) ?? [];
            definitions.push({ step, property, value });
            result.envDefinitions.set(property.name, definitions);
          }
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
  // ARGs do not reach the running container: only ENV is in the final scope.
  const end = result.steps.length;
  result.env = { lookup: (name) => env.find(name, end)?.value };
  result.workdir = workdir;
  return result;
}

/** `ENV PATH=/x:$PATH` extends the base image's PATH, or Docker's default PATH on an image we do not know. */
function withBasePath(scope: VariableScope, path: string): VariableScope {
  return { lookup: (name) => scope.lookup(name) ?? (name === 'PATH' ? path : undefined) };
}

function basePath(model: DockerfileModel): string {
  return model.baseFacts?.config.path.join(':') ?? DEFAULT_PATH;
}

function commandInstruction(model: DockerfileModel, step: Step): CommandInstruction {
  const logical = model.logical(step.instruction);
  return { instruction: step.instruction, logical, form: commandForm(logical), shell: step.shell };
}

export function normalizeDirectory(directory: string): string {
  const normalized = posix.normalize(directory);
  return normalized.length > 1 ? normalized.replace(/\/+$/, '') : normalized;
}
