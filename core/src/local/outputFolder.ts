import * as fs from 'node:fs';
import * as path from 'node:path';
import type { TrainingJob } from '../job/trainingJob';
import { isIgnored, parseDockerignore } from '../dockerfile/dockerignore';

/** Where a local run packs its artifacts: the option, else the job file's local output path, else `output/` next to the job file. */
export function localOutputRoot(job: TrainingJob, override?: string): string {
  return override ?? job.output.local ?? path.join(path.dirname(job.file), 'output');
}

/**
 * The ignore file `docker build` reads for the job: BuildKit prefers `<Dockerfile>.dockerignore`
 * beside the Dockerfile, else `.dockerignore` at the root of the context
 * (https://docs.docker.com/build/concepts/context/#filename-and-location).
 */
export function dockerignoreFile(job: TrainingJob): string {
  const own = `${job.build.dockerfile}.dockerignore`;
  return fs.existsSync(own) ? own : path.join(job.build.context, '.dockerignore');
}

/**
 * Local runs write their artifacts (and checkpoints) into the output folder. When that folder lies
 * in the build context and no ignore line leaves it out, every run would make the next build send
 * more, and could bake old models into the image: so a line leaving it out is added to the ignore
 * file (made when missing). Returns what was done, in one line, or undefined when nothing was needed.
 */
export function keepOutputOutOfContext(job: TrainingJob, outputRoot: string): string | undefined {
  const relative = path.relative(job.build.context, outputRoot);
  if (relative === '' || relative.split(path.sep)[0] === '..' || path.isAbsolute(relative)) {
    // The context itself as the output folder cannot be ignored; a folder outside it needs nothing.
    return undefined;
  }
  const file = dockerignoreFile(job);
  const text = readText(file);
  const posix = relative.split(path.sep).join('/');
  if (isIgnored(parseDockerignore(text), posix)) return undefined;
  if (/^\s|\s$|[\r\n]/.test(posix)) {
    // Docker trims each line: a name that begins or ends with a space cannot be written as a pattern.
    return `The output folder ${posix} is in the build context, and its name cannot be written in ${path.basename(file)}: give the job another output folder.`;
  }
  const separator = text === '' || text.endsWith('\n') ? '' : '\n';
  // Pattern characters in the name are escaped, so that the line leaves out this folder and nothing else.
  fs.appendFileSync(file, `${separator}# Local training runs (smct train --local) write here.\n/${posix.replace(/[\\*?[\]]/g, '\\$&')}\n`);
  return `Added /${posix} to ${path.relative(path.dirname(job.file), file) || file}: local runs write there, and docker build leaves it out of the image.`;
}

function readText(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}
