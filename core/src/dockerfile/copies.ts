import type { Flag, Instruction, JSONInstruction, ModifiableInstruction } from 'dockerfile-ast';
import type { Range } from 'vscode-languageserver-types';
import * as posix from 'node:path/posix';
import picomatch from 'picomatch';
import { normalizeRelative, type BuildContext } from './buildContext';
import { commandForm } from './commandForm';
import { withDockerignore } from './dockerignore';
import { normalizeDirectory, type DockerfileModel, type Step } from './model';
import { expand } from './variables';

export interface CopyArgument {
  /** The argument with build variables expanded. */
  readonly text: string;
  readonly complete: boolean;
  readonly range: Range;
}

/** A COPY or ADD of the stage chain. */
export interface CopyOperation {
  readonly step: Step;
  readonly keyword: 'COPY' | 'ADD';
  /** `--from`: the files come from another stage or image, not from the build context. */
  readonly fromOther: boolean;
  readonly chmod: { readonly value: string; readonly range: Range } | undefined;
  readonly sources: readonly CopyArgument[];
  /** Absolute destination (resolved against WORKDIR), or undefined when it cannot be known. */
  readonly destination: string | undefined;
  readonly destinationArgument: CopyArgument | undefined;
  readonly explicitDirectory: boolean;
}

/** Where a file of the final image comes from. */
export interface Placement {
  readonly copy: CopyOperation;
  /** The build-context file copied there, when it is one. */
  readonly contextPath: string | undefined;
  /** False when the file only may be there (another stage, a URL, an archive, an unread context). */
  readonly certain: boolean;
}

export interface PlacedFile extends Placement {
  readonly imagePath: string;
}

type SourceKind = { kind: 'context-file'; path: string } | { kind: 'context-directory'; path: string } | { kind: 'unknown'; name: string };

const ARCHIVE = /\.(tar|tar\.gz|tgz|tar\.bz2|tbz2?|tar\.xz|txz|tar\.zst)$/i;
const LISTING_LIMIT = 5000;

export function copyOperations(model: DockerfileModel): CopyOperation[] {
  const copies: CopyOperation[] = [];
  for (const step of model.steps) {
    const keyword = step.keyword;
    if (keyword === 'COPY' || keyword === 'ADD') copies.push(copyOperation(model, step, keyword));
  }
  return copies;
}

function copyOperation(model: DockerfileModel, step: Step, keyword: 'COPY' | 'ADD'): CopyOperation {
  const flags = flagsOf(step.instruction);
  const flag = (name: string): Flag | undefined => flags.find((candidate) => candidate.getName().toLowerCase() === name);
  const chmodFlag = flag('chmod');
  const args = copyArguments(model, step);
  const destinationArgument = args.length > 1 ? args[args.length - 1] : undefined;
  const destination =
    destinationArgument && destinationArgument.complete ? normalizeDirectory(posix.resolve(step.workdir, destinationArgument.text)) : undefined;
  return {
    step,
    keyword,
    fromOther: flag('from') !== undefined,
    chmod: chmodFlag ? { value: chmodFlag.getValue() ?? '', range: chmodFlag.getRange() } : undefined,
    sources: args.slice(0, -1),
    destination,
    destinationArgument,
    explicitDirectory: destinationArgument !== undefined && /[/\\]$|^\.$/.test(destinationArgument.text),
  };
}

function copyArguments(model: DockerfileModel, step: Step): CopyArgument[] {
  const instruction = step.instruction;
  const form = commandForm(model.logical(instruction));
  const toArgument = (text: string, range: Range): CopyArgument => {
    const expanded = expand(text, step.scope, model.escape);
    return { text: expanded.value, complete: expanded.complete, range };
  };
  if (form.kind === 'exec') {
    const strings = (instruction as JSONInstruction).getJSONStrings?.() ?? [];
    const whole = instruction.getArgumentsRange() ?? instruction.getRange();
    return form.argv.map((text, i) => toArgument(text, strings.length === form.argv.length ? strings[i].getJSONRange() : whole));
  }
  return instruction
    .getArguments()
    .filter((argument) => !argument.getValue().startsWith('--'))
    .map((argument) => toArgument(unquoteWord(argument.getValue()), argument.getRange()));
}

function unquoteWord(word: string): string {
  return word.length >= 2 && (word[0] === '"' || word[0] === "'") && word[word.length - 1] === word[0] ? word.slice(1, -1) : word;
}

/**
 * Answers "which file of the final image is at this path, and where does it come from?" from the
 * chain's COPY and ADD instructions and the build context. The last copy that places a file
 * there wins, as in the image's layers.
 */
export class ImageFiles {
  readonly copies: readonly CopyOperation[];
  private readonly knownDirectories: Set<string>;
  /** The build context without what .dockerignore leaves out: COPY never sees those files. */
  private readonly context: BuildContext;
  private byDestination: Map<string, number[]> | undefined;

  constructor(model: DockerfileModel) {
    this.copies = copyOperations(model);
    this.context = withDockerignore(model.context);
    this.knownDirectories = new Set(['/', '/opt', '/usr', '/usr/local', '/tmp', '/root', '/home', '/etc', '/srv', ...model.path]);
    for (const step of model.steps) this.knownDirectories.add(step.workdir);
  }

  placementOf(imagePath: string): Placement | undefined {
    // Only a copy whose destination is the path or a folder above it can place a file there; the
    // index keeps a lookup per PATH folder from scanning every copy (quadratic on hostile files).
    for (const index of this.copiesInto(imagePath)) {
      const placement = this.placementBy(this.copies[index], imagePath);
      if (placement) return placement;
    }
    return undefined;
  }

  /** The indexes of the copies whose destination is `imagePath` or a folder above it, the last copy first. */
  private copiesInto(imagePath: string): number[] {
    if (!imagePath.startsWith('/')) return this.copies.map((_copy, index) => index).reverse();
    this.byDestination ??= indexByDestination(this.copies);
    const found: number[] = [];
    for (let folder = imagePath; ; folder = posix.dirname(folder)) {
      found.push(...(this.byDestination.get(folder) ?? []));
      if (folder === '/') break;
    }
    return found.sort((a, b) => b - a);
  }

  /** Every file the chain copies at or below `directory`; `complete` is false when some cannot be known. */
  filesUnder(directory: string): { files: PlacedFile[]; complete: boolean } {
    const files = new Map<string, PlacedFile>();
    let complete = true;
    for (const copy of this.copies) {
      const destination = copy.destination;
      if (destination === undefined) {
        complete = false;
        continue;
      }
      if (!isWithin(destination, directory) && !isWithin(directory, destination)) continue;
      const listed = this.listCopy(copy, destination);
      complete &&= listed.complete;
      for (const file of listed.files) {
        if (isWithin(file.imagePath, directory)) files.set(file.imagePath, file);
      }
    }
    return { files: [...files.values()], complete };
  }

  /** True when a copy puts its sources into the destination as a folder. */
  isDirectoryCopy(copy: CopyOperation, sources = this.sourceKinds(copy)): boolean {
    if (copy.explicitDirectory || sources.length !== 1 || copy.sources.length !== 1) return true;
    if (sources[0].kind === 'context-directory') return true;
    return copy.destination !== undefined && this.knownDirectories.has(copy.destination);
  }

  sourceKinds(copy: CopyOperation): SourceKind[] {
    const kinds: SourceKind[] = [];
    for (const source of copy.sources) {
      const name = posix.basename(source.text.replace(/\/+$/, ''));
      if (copy.fromOther || !source.complete || source.text.startsWith('<<') || /^[a-z]+:\/\//i.test(source.text) || source.text.startsWith('git@')) {
        kinds.push({ kind: 'unknown', name });
      } else if (copy.keyword === 'ADD' && ARCHIVE.test(source.text)) {
        kinds.push({ kind: 'unknown', name: '' });
      } else {
        kinds.push(...this.contextSources(source.text));
      }
    }
    return kinds;
  }

  private contextSources(text: string): SourceKind[] {
    const relative = normalizeRelative(text);
    if (relative === undefined) return [];
    const name = posix.basename(relative);
    if (/[*?[]/.test(name)) {
      const parent = posix.dirname(relative) === '.' ? '' : posix.dirname(relative);
      const names = this.context.list(parent);
      if (!names) return [{ kind: 'unknown', name: '' }];
      const matches = picomatch(name, { dot: true });
      return names.filter((candidate) => matches(candidate)).flatMap((candidate) => this.contextSources(posix.join(parent, candidate)));
    }
    const entry = this.context.stat(relative);
    if (entry?.type === 'file') return [{ kind: 'context-file', path: relative }];
    if (entry?.type === 'directory') return [{ kind: 'context-directory', path: relative }];
    // Missing: either the context cannot be read (we cannot know) or Docker will fail the build.
    return this.context.list('') === undefined ? [{ kind: 'unknown', name }] : [];
  }

  private placementBy(copy: CopyOperation, imagePath: string): Placement | undefined {
    const destination = copy.destination;
    if (destination === undefined || !isWithin(imagePath, destination)) return undefined;
    const sources = this.sourceKinds(copy);
    if (!this.isDirectoryCopy(copy, sources)) {
      if (imagePath !== destination) return undefined;
      const source = sources[0];
      return { copy, contextPath: source.kind === 'context-file' ? source.path : undefined, certain: source.kind === 'context-file' };
    }
    const relative = posix.relative(destination, imagePath);
    if (relative === '') return undefined;
    let found: Placement | undefined;
    for (const source of sources) {
      if (source.kind === 'context-file' && source.path.split('/').pop() === relative) {
        found = { copy, contextPath: source.path, certain: true };
      } else if (source.kind === 'context-directory') {
        const candidate = posix.join(source.path, relative);
        if (this.context.stat(candidate)?.type === 'file') found = { copy, contextPath: candidate, certain: true };
      } else if (source.kind === 'unknown' && (source.name === '' || source.name === relative || copy.fromOther)) {
        found ??= { copy, contextPath: undefined, certain: false };
      }
    }
    return found;
  }

  private listCopy(copy: CopyOperation, destination: string): { files: PlacedFile[]; complete: boolean } {
    const sources = this.sourceKinds(copy);
    const files: PlacedFile[] = [];
    let complete = true;
    const directoryCopy = this.isDirectoryCopy(copy, sources);
    for (const source of sources) {
      if (source.kind === 'unknown') {
        complete = false;
      } else if (source.kind === 'context-file') {
        const imagePath = directoryCopy ? posix.join(destination, posix.basename(source.path)) : destination;
        files.push({ copy, contextPath: source.path, certain: true, imagePath });
      } else {
        const listing = this.listRecursively(source.path);
        complete &&= listing.complete;
        for (const relative of listing.files) {
          files.push({ copy, contextPath: posix.join(source.path, relative), certain: true, imagePath: posix.join(destination, relative) });
        }
      }
    }
    return { files, complete };
  }

  private listRecursively(directory: string): { files: string[]; complete: boolean } {
    const files: string[] = [];
    const pending = [''];
    while (pending.length > 0) {
      const relative = pending.pop() as string;
      const names = this.context.list(posix.join(directory, relative));
      if (!names) return { files, complete: false };
      for (const name of names) {
        const child = relative === '' ? name : `${relative}/${name}`;
        const entry = this.context.stat(posix.join(directory, child));
        if (entry?.type === 'directory') pending.push(child);
        else if (entry?.type === 'file') files.push(child);
        if (files.length > LISTING_LIMIT) return { files, complete: false };
      }
    }
    return { files, complete: true };
  }
}

/** True when `path` is `directory` or inside it. */
/** Copy indexes by their (known) destination. */
function indexByDestination(copies: readonly CopyOperation[]): Map<string, number[]> {
  const index = new Map<string, number[]>();
  copies.forEach((copy, position) => {
    if (copy.destination === undefined) return;
    const list = index.get(copy.destination) ?? [];
    list.push(position);
    index.set(copy.destination, list);
  });
  return index;
}

export function isWithin(path: string, directory: string): boolean {
  return path === directory || directory === '/' || path.startsWith(directory + '/');
}

/** The `--name=value` flags of any instruction (dockerfile-ast exposes them only on some classes). */
export function flagsOf(instruction: Instruction): Flag[] {
  return ((instruction as ModifiableInstruction).getFlags?.() ?? []) as Flag[];
}
