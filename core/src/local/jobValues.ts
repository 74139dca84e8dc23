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
        'LOCAL_RUN_FAILED',
        `"environment.${name}" in ${displayPath(job.file)} has a line break: Docker passes each variable on one line. Put the text in a file the program reads instead.`,
      );
    }
  }
}
