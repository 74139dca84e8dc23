import { FileSystemContext } from '../dockerfile/buildContext';
import { lintDockerfile, type LintFinding } from '../lint/linter';
import { readDockerfile } from '../lint/readDockerfile';
import type { TrainingJob } from './trainingJob';

/** The job's Dockerfile linted as it will be built: its context, its target stage. */
export function lintJobDockerfile(job: TrainingJob, text: string = readDockerfile(job.build.dockerfile)): readonly LintFinding[] {
  return lintDockerfile(text, { context: new FileSystemContext(job.build.context), settings: { target: job.build.target } }).findings;
}

/** "2 errors in Dockerfile will make the job fail on SageMaker" */
export function lintErrorSummary(errors: number, dockerfile: string): string {
  return `${errors} error${errors === 1 ? '' : 's'} in ${dockerfile} will make the job fail on SageMaker`;
}
