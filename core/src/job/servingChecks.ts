import type { FileProblem } from '../config/fileProblems';
import type { TrainingJob } from './trainingJob';

/**
 * CreateTransformJob's MaxPayloadInMB: "The value of MaxPayloadInMB cannot be greater than 100 MB.
 * If you specify the MaxConcurrentTransforms parameter, the value of (MaxConcurrentTransforms *
 * MaxPayloadInMB) also cannot exceed 100 MB."
 * (https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateTransformJob.html)
 */
export const MAX_TRANSFORM_PAYLOAD_MB = 100;

/**
 * smct's own bound on MaxConcurrentTransforms (the job file schema's maximum): SageMaker's product
 * rule caps it at 100 whenever MaxPayloadInMB is 1 or more, and documents none for 0 (chunked).
 */
export const MAX_CONCURRENT_TRANSFORMS = 1000;

/** What SageMaker refuses of the `serving` section beyond its schema, each problem at the key that sets it. */
export function servingProblems(job: TrainingJob): FileProblem[] {
  const transform = job.serving.transform;
  if (!transform) return [];
  const product = transform.maxConcurrentTransforms * transform.maxPayloadInMB;
  if (product <= MAX_TRANSFORM_PAYLOAD_MB) return [];
  return [
    {
      path: ['serving', 'transform', 'maxConcurrentTransforms'],
      message: `\`serving.transform.maxConcurrentTransforms\` × \`maxPayloadInMB\` is ${transform.maxConcurrentTransforms} × ${transform.maxPayloadInMB} = ${product} MB, and SageMaker refuses more than ${MAX_TRANSFORM_PAYLOAD_MB} MB: lower one of them`,
    },
  ];
}
