import type { TrainingJob } from '../job/trainingJob';
import { docker, hasBuildx } from './docker';
import { SmctError } from '../errors';
import { buildArgArguments, checkCommandLineValues } from './jobValues';

export interface BuildOptions {
  readonly onOutput?: (chunk: string) => void;
  readonly signal?: AbortSignal;
}

/**
 * The `docker build` command for the job: for linux/amd64 by default, and with BuildKit (buildx)
 * without provenance or SBOM attestations, which turn the image into an OCI index that
 * SageMaker rejects. The legacy builder knows neither flag, so they are added only with buildx.
 */
export async function buildArguments(job: TrainingJob): Promise<{ args: string[]; env: Record<string, string> }> {
  checkCommandLineValues(job);
  const buildArgs = buildArgArguments(job);
  const buildx = await hasBuildx();
  const args = buildx ? ['buildx', 'build', '--load', '--provenance=false', '--sbom=false'] : ['build'];
  args.push('--platform', job.build.platform, '--file', job.build.dockerfile, '--tag', job.image);
  if (job.build.target) args.push('--target', job.build.target);
  args.push(...buildArgs.args, job.build.context);
  return { args, env: buildArgs.env };
}

/** Builds the job's image, streaming Docker's output; rejects with Docker's last words on failure. */
export async function buildImage(job: TrainingJob, options: BuildOptions = {}): Promise<void> {
  const build = await buildArguments(job);
  // Asked first, so that a stopped daemon gets its own message rather than a failed build.
  await docker(['version', '--format', '{{.Server.Version}}']);
  const result = await docker(build.args, { onStdout: options.onOutput, onStderr: options.onOutput, signal: options.signal, env: build.env });
  if (result.code !== 0) {
    const tail = (result.stderr || result.stdout).trim().split('\n').slice(-5).join('\n');
    throw new SmctError('BUILD_FAILED', `docker build failed (exit code ${result.code}):\n${tail}`);
  }
}
