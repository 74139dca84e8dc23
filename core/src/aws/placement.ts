// Where a submission puts the job's parts in AWS: the bucket and prefixes of the inputs, the output
// path, the image. The real submission and its preview (and the editor's checks of a job file)
// place them here, so they cannot disagree; the preview's only difference is its stand-ins. No value
// of the SDK is imported: the job file's checks run before the AWS half is loaded.
import { jobName, type TrainingJob } from '../job/trainingJob';
import { parseImageReference, repositoryNameFor } from './imageReference';
import type { PlacedJob } from './trainingRequest';

/** What only AWS knows until the submission runs; in a preview each stands in with zeros, as long as the real value. */
export const STAND_IN_ACCOUNT = '000000000000';
const STAND_IN_DIGEST = `sha256:${'0'.repeat(64)}`;
const STAND_IN_HASH = '0'.repeat(32);

/** The bucket the SageMaker SDKs use by default: `sagemaker-<region>-<account>`. */
export function defaultBucketName(region: string, account: string): string {
  return `sagemaker-${region}-${account}`;
}

/** Where local input folders go. */
export interface InputStorage {
  readonly bucket: string;
  readonly prefix: string;
  /** The account that must own the bucket; checked on every call to it. */
  readonly owner?: string;
}

/**
 * Under the output path's bucket when the job file gives one (the user's own, with its policies),
 * else the default bucket, which must be the caller's: its name is predictable, so another account
 * could have made it first.
 */
export function inputStorage(job: TrainingJob, region: string, account: string): InputStorage {
  const output = job.output.s3 ? /^s3:\/\/([^/]+)\/?(.*?)\/*$/.exec(job.output.s3) : null;
  if (output) return { bucket: output[1], prefix: [output[2], 'smct-inputs', job.baseJobName].filter(Boolean).join('/') };
  return { bucket: defaultBucketName(region, account), prefix: `smct/inputs/${job.baseJobName}`, owner: account };
}

/** `<prefix>/<channel>/<content hash>`: where a channel's files go. */
export function channelKeyPrefix(prefix: string, channel: string, hash: string): string {
  return `${prefix.replace(/\/+$/, '')}/${channel}/${hash}`;
}

/** The job file's s3:// output, else the bucket the inputs go to (the caller's default bucket), as the Python SDK does. */
export function outputPath(job: TrainingJob, storage: InputStorage): string {
  return job.output.s3 ?? `s3://${storage.bucket}/`;
}

/** A local image name (no registry) is built and pushed to ECR; an image in a registry is used as it is. */
export function willBuild(job: TrainingJob): boolean {
  return parseImageReference(job.image).registry === undefined;
}

/** The placement the submission will make, with stand-ins for the account, the image digest and the upload hashes. */
export function draftPlacement(job: TrainingJob, roleArn: string, region: string): PlacedJob {
  const storage = inputStorage(job, region, STAND_IN_ACCOUNT);
  const image = willBuild(job)
    ? `${STAND_IN_ACCOUNT}.dkr.ecr.${region}.amazonaws.com/${job.repository ?? repositoryNameFor(job.image)}@${STAND_IN_DIGEST}`
    : job.image;
  const channels = Object.fromEntries(
    job.inputs.map((input) => [
      input.name,
      input.source.kind === 's3' ? input.source.uri : `s3://${storage.bucket}/${channelKeyPrefix(storage.prefix, input.name, STAND_IN_HASH)}/`,
    ]),
  );
  return { name: jobName(job.baseJobName), image, roleArn, channels, outputPath: outputPath(job, storage) };
}
