import type { FileProblem } from '../config/fileProblems';
import type { InputChannel, TrainingJob } from './trainingJob';

/**
 * What SageMaker refuses of a channel's data source (the S3DataSource reference,
 * https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_S3DataSource.html): a manifest is
 * an S3 object, and "AugmentedManifestFile can only be used if the Channel's input mode is Pipe",
 * with the attributes to stream named. Each problem at the key that sets it.
 */
export function channelProblems(job: TrainingJob): FileProblem[] {
  return job.inputs.flatMap((input) => {
    const problem = channelProblem(input);
    return problem ? [{ path: ['inputs', input.name, problem.key], message: problem.message }] : [];
  });
}

/** The first thing SageMaker refuses of one channel, with the key that sets it. */
export function channelProblem(input: InputChannel): { key: string; message: string } | undefined {
  const at = (key: string): string => `\`inputs.${input.name}.${key}\``;
  if (input.s3DataType !== 'S3Prefix' && input.source.kind !== 's3') {
    return { key: 'source', message: `${at('source')} must be the s3:// URI of the ${input.s3DataType}: SageMaker reads manifests from S3` };
  }
  if (input.s3DataType !== 'AugmentedManifestFile') return undefined;
  if (input.inputMode !== 'Pipe') {
    return { key: 'inputMode', message: `${at('inputMode')} must be "Pipe" for an AugmentedManifestFile (SageMaker refuses it in ${input.inputMode} mode)` };
  }
  if (!input.attributeNames?.length) {
    return { key: 'attributeNames', message: `${at('attributeNames')} must name the attributes of the AugmentedManifestFile to stream` };
  }
  return undefined;
}
