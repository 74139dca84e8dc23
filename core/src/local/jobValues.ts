import * as fs from 'node:fs';
import * as path from 'node:path';
import type { TrainingJob } from '../job/trainingJob';
import { displayPath } from '../lint/lintGate';
import { SmctError } from '../errors';

/**
 * Writes the container's environment as a `docker create --env-file` file (in the run's own 0700
 * folder, readable by its owner only): the job's values reach the container and nothing else,
 * neither the command line of `docker` (visible in `ps`) nor the environment of `docker` itself,
 * where a PATH or DOCKER_HOST would decide which program runs and which daemon it talks to.
 */
export function writeEnvironmentFile(folder: string, environment: Readonly<Record<string, string>>): string {
  const file = path.join(folder, 'container.env');
  // Docker reads each line as NAME=value verbatim (no quotes, no escapes): the names are checked by
  // the job file's schema and the values have no line breaks (checkEnvironmentValues).
  const lines = Object.entries(environment).map(([name, value]) => `${name}=${value}\n`);
  fs.writeFileSync(file, lines.join(''), { mode: 0o600 });
  return file;
}

/**
 * An env file holds one variable a line, and Docker drops a carriage return at a line's end: a
 * value with a line break cannot reach the container intact, so it is refused rather than cut.
 */
export function checkEnvironmentValues(job: TrainingJob): void {
  for (const [name, value] of Object.entries(job.environment)) {
    if (/[\r\n\0]/.test(value)) {
      throw new SmctError(
        'JOB_FILE_INVALID',
        `"environment.${name}" in ${displayPath(job.file)} has a line break: Docker passes each variable on one line. Put the text in a file the program reads instead.`,
      );
    }
  }
}

/**
 * A value Docker takes as a positional argument is read as an option when it starts with "-"
 * (`docker create -x`): refused here, with the key that sets it, before any command line has it.
 */
export function checkCommandLineValues(job: TrainingJob): void {
  if (job.image.startsWith('-')) throw new SmctError('JOB_FILE_INVALID', `"image" in ${displayPath(job.file)} may not start with "-"`);
  // `docker create -v source:target[:options]` splits at every ":": one inside a path would move
  // the mount or change its options (an input mounted writable), so such a path is refused.
  const bindPaths: [string, string][] = job.inputs.flatMap((input) => (input.source.kind === 'local' ? [[`inputs.${input.name}`, input.source.path]] : []));
  if (job.checkpoints) bindPaths.push(['checkpoints.localPath', job.checkpoints.localPath]);
  for (const [key, value] of bindPaths) {
    if (value.includes(':')) {
      throw new SmctError('JOB_FILE_INVALID', `"${key}" in ${displayPath(job.file)} may not contain ":" (Docker's volume separator): ${value}`);
    }
  }
}

/**
 * Variables the Docker CLI itself reads (which program runs, which daemon, which proxy, which
 * config): a build argument of such a name stays on the command line, since in the CLI's
 * environment it would steer docker rather than reach the build.
 */
const READ_BY_DOCKER = /^(PATH|HOME|TMPDIR|SHELL|LD_\w*|DYLD_\w*|DOCKER_\w*|BUILDX_\w*|BUILDKIT_\w*|XDG_\w*|(HTTPS?|NO|ALL)_PROXY)$/i;

/**
 * `--build-arg NAME` arguments for the build, with the values in the environment of `docker build`
 * (which takes a bare NAME's value from its own environment): values such as tokens are not on a
 * command line, which every user of the machine can read in `ps`.
 */
export function buildArgArguments(job: TrainingJob): { args: string[]; env: Record<string, string> } {
  const args: string[] = [];
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(job.build.buildArgs)) {
    if (name === '' || /[=\0]/.test(name) || value.includes('\0')) {
      throw new SmctError('JOB_FILE_INVALID', `"build.buildArgs" in ${displayPath(job.file)} has a name or value Docker cannot take: ${JSON.stringify(name)}`);
    }
    if (READ_BY_DOCKER.test(name)) {
      args.push('--build-arg', `${name}=${value}`);
    } else {
      args.push('--build-arg', name);
      env[name] = value;
    }
  }
  return { args, env };
}
