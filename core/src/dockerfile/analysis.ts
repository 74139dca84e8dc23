import type { Instruction } from 'dockerfile-ast';
import type { Range } from 'vscode-languageserver-types';
import type { LocalImageLookup } from './baseFacts';
import type { BuildContext } from './buildContext';
import { ImageFiles } from './copies';
import { findEvidence, INFERENCE_PACKAGES, type Evidence, type Verb } from './evidence';
import { DockerfileModel } from './model';
import { pipInstalls, type InstalledPackage } from './pip';
import { Pragmas } from './pragmas';
import { startedProgram, type StartedProgram } from './program';
import type { ContainerKind, LintSettings } from '../config/settings';

export interface AnalysisOptions {
  readonly context?: BuildContext;
  readonly settings?: LintSettings;
  /** Configurations of base images present in the local Docker engine (see LocalImageLookup). */
  readonly localImage?: LocalImageLookup;
}

/**
 * Everything the rules, hovers and quick fixes read about one Dockerfile. Costly facts (package
 * installs, evidence, the started programs) are computed on first use and then shared.
 */
export class Analysis {
  readonly model: DockerfileModel;
  readonly files: ImageFiles;
  readonly pragmas: Pragmas;
  readonly kind: { readonly training: boolean; readonly inference: boolean; readonly source: 'pragma' | 'settings' | 'auto' };
  private cachedPackages: InstalledPackage[] | undefined;
  private readonly evidenceCache = new Map<Verb, Evidence | undefined>();
  private readonly programCache = new Map<Verb, StartedProgram>();

  constructor(text: string, options: AnalysisOptions, knownRules: ReadonlySet<string>) {
    this.model = new DockerfileModel(text, { target: options.settings?.target, context: options.context, localImage: options.localImage });
    this.files = new ImageFiles(this.model);
    this.pragmas = new Pragmas(this.model.document, knownRules);
    this.kind = this.resolveKind(options.settings?.kind);
  }

  get packages(): readonly InstalledPackage[] {
    this.cachedPackages ??= pipInstalls(this.model, this.files);
    return this.cachedPackages;
  }

  evidence(verb: Verb): Evidence | undefined {
    if (!this.evidenceCache.has(verb)) this.evidenceCache.set(verb, findEvidence(this.model, this.files, this.packages, verb));
    return this.evidenceCache.get(verb);
  }

  program(verb: Verb): StartedProgram {
    let program = this.programCache.get(verb);
    if (!program) {
      program = startedProgram(this.model, this.files, verb, this.evidence(verb));
      this.programCache.set(verb, program);
    }
    return program;
  }

  /** The verbs SageMaker will pass to this image: `train`, `serve`, or both. */
  get verbs(): Verb[] {
    return [...(this.kind.training ? (['train'] as const) : []), ...(this.kind.inference ? (['serve'] as const) : [])];
  }

  /** The instruction a range belongs to, for `# smct ignore=` pragmas. */
  instructionAt(range: Range): Instruction | undefined {
    return this.model.instructionAtLine(range.start.line);
  }

  private resolveKind(setting: LintSettings['kind']): Analysis['kind'] {
    const pragma = this.pragmas.kind;
    const chosen: ContainerKind | undefined = pragma ?? (setting && setting !== 'auto' ? setting : undefined);
    if (chosen) {
      return { training: chosen !== 'inference', inference: chosen !== 'training', source: pragma ? 'pragma' : 'settings' };
    }
    // A serving image with no training program at all is an inference image: training rules would
    // only report that it cannot train, which nobody asked of it.
    const inference = this.looksLikeInference();
    const train = this.program('train');
    const servingOnly = inference && train.mode === 'path' && train.evidence === undefined;
    return { training: !servingOnly, inference, source: 'auto' };
  }

  /** Container kind "auto": serving evidence, a SageMaker capabilities LABEL, or an inference toolkit install. */
  private looksLikeInference(): boolean {
    if (this.packages.some((installed) => INFERENCE_PACKAGES.has(installed.name))) return true;
    const labels = this.model.stepsOf('LABEL').flatMap((step) => this.model.properties(step.instruction));
    // AWS's own training images carry the capability labels too (accept-bind-to-port): on an image
    // that shows how it trains, a label alone does not make it a serving image.
    const labelled = labels.some((label) => label.name.startsWith('com.amazonaws.sagemaker.capabilities.'));
    if (labelled && this.evidence('train') === undefined) return true;
    // A guess (a file that only may be copied from another stage) may silence an error, never enable rules.
    const serve = this.evidence('serve');
    return serve !== undefined && !(serve.kind === 'file' && !serve.placement.certain);
  }
}
