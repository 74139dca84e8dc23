// The one lint gate before an image is built: `smct build`, `smct submit` and VS Code all pass
// through it, and it lints the file that `docker build` will read (the one on disk).
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { LocalImageLookup } from '../dockerfile/baseFacts';
import { FileSystemContext } from '../dockerfile/buildContext';
import { SmctError } from '../errors';
import { inspectLocalImages, localBaseReference, localImageLookup } from '../image/localImages';
import type { TrainingJob } from '../job/trainingJob';
import { lintDockerfile, type LintFinding } from './linter';
import { readDockerfile } from './readDockerfile';

export interface LintGateResult {
  readonly findings: readonly LintFinding[];
  /** The findings of severity error: any of them stops the build unless forced. */
  readonly errors: readonly LintFinding[];
}

/**
 * The job's Dockerfile linted as it will be built: the file on disk, its context, its target
 * stage, and its base image as the local engine has it (read, never pulled), as `smct lint` does.
 */
export async function lintJobDockerfile(job: TrainingJob, signal?: AbortSignal): Promise<LintGateResult> {
  if (!fs.existsSync(job.build.dockerfile)) {
    throw new SmctError(
      'FILE_UNREADABLE',
      `${displayPath(job.build.dockerfile)}: no such Dockerfile ("build.dockerfile" in ${displayPath(job.file)}). Fix the path.`,
    );
  }
  const text = readDockerfile(job.build.dockerfile);
  const localImage = await localBaseImage(text, job.build.target, signal);
  const findings = lintDockerfile(text, { context: new FileSystemContext(job.build.context), settings: { target: job.build.target }, localImage }).findings;
  return { findings, errors: findings.filter((finding) => finding.severity === 'error') };
}

export interface LintGateOptions {
  /** Go on despite errors (`--force`, "Build Anyway"). */
  readonly force?: boolean;
  /** What the refusal says to do anyway. */
  readonly action: 'build' | 'submit';
  /** Every finding, shown before the verdict. */
  readonly onFindings?: (findings: readonly LintFinding[]) => void;
  /** Aborted on Ctrl-C: stops reading the base image from the local engine. */
  readonly signal?: AbortSignal;
}

/** The Dockerfile's base image, when the local engine has it; no Docker means nothing is known. */
async function localBaseImage(text: string, target: string | undefined, signal: AbortSignal | undefined): Promise<LocalImageLookup | undefined> {
  const reference = localBaseReference(text, target);
  if (reference === undefined) return undefined;
  return localImageLookup((await inspectLocalImages([reference], { signal })).found);
}

/**
 * Lints the job's Dockerfile and refuses to go on when it has errors, unless `force`:
 * "2 errors in Dockerfile will make the job fail on SageMaker. Fix them first, or build anyway with --force."
 */
export async function passLintGate(job: TrainingJob, options: LintGateOptions): Promise<LintGateResult> {
  const result = await lintJobDockerfile(job, options.signal);
  options.onFindings?.(result.findings);
  if (result.errors.length > 0 && !options.force) {
    throw new SmctError('LINT_ERRORS', lintGateRefusal(result.errors.length, job.build.dockerfile, options.action));
  }
  return result;
}

/** Why the gate stops, and how to go on anyway. */
export function lintGateRefusal(errors: number, dockerfile: string, action: LintGateOptions['action']): string {
  return `${lintErrorSummary(errors, dockerfile)}. Fix ${errors === 1 ? 'it' : 'them'} first, or ${action} anyway with --force.`;
}

/** "2 errors in Dockerfile will make the job fail on SageMaker" */
export function lintErrorSummary(errors: number, dockerfile: string): string {
  return `${errors} error${errors === 1 ? '' : 's'} in ${displayPath(dockerfile)} will make the job fail on SageMaker`;
}

/** A path as the user would type it from here: relative to the working folder when inside it. */
export function displayPath(file: string): string {
  const relative = path.relative(process.cwd(), file);
  return relative && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : file;
}
