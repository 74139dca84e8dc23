import * as fs from 'node:fs';
import type { InputChannel, TrainingJob } from '../job/trainingJob';
import { displayPath } from '../lint/lintGate';
import { SmctError } from '../errors';

/** What each host gets of the input channels. */
export interface HostInputs {
  /** `-v` arguments of the channels a host reads as folders (File, FastFile). */
  readonly mounts: readonly string[];
}

export interface PreparedInputs {
  readonly hosts: readonly HostInputs[];
}

/**
 * Every channel as SageMaker gives it to each host: File and FastFile channels as folders at
 * /opt/ml/input/data/<channel>, mounted read-only (the run never changes the user's files).
 */
export async function prepareInputs(job: TrainingJob, hosts: readonly string[]): Promise<PreparedInputs> {
  for (const input of job.inputs) checkChannel(job, input);
  const mounts = job.inputs.flatMap((input) => (input.source.kind === 'local' ? ['-v', `${input.source.path}:/opt/ml/input/data/${input.name}:ro`] : []));
  return { hosts: hosts.map(() => ({ mounts })) };
}

function checkChannel(job: TrainingJob, input: InputChannel): void {
  if (input.source.kind === 's3') {
    throw new SmctError(
      'LOCAL_RUN_FAILED',
      `Input channel "${input.name}" reads ${input.source.uri}: local runs read local folders. Point "source" at a folder with a sample of the data.`,
    );
  }
  if (!fs.existsSync(input.source.path) || !fs.statSync(input.source.path).isDirectory()) {
    throw new SmctError(
      'LOCAL_RUN_FAILED',
      `Input channel "${input.name}": the folder ${input.source.path} does not exist. Create it or fix "inputs.${input.name}" in ${displayPath(job.file)}.`,
    );
  }
}
