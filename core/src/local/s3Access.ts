import { loadAws } from '../aws/load';
import type { S3Object, S3Reader } from './channels/types';

/** The AWS identity local runs read S3 as: the same rules as smct submit (profile, then the SDK's chain; the region asked, the job's, the environment's, the profile's). */
export interface S3AccessOptions {
  readonly profile?: string;
  readonly region?: string;
  readonly jobRegion?: string;
}

/**
 * S3 as the AWS half reads it, made on first use: a job with local channels only never loads the
 * SDK nor needs credentials, and one with S3 channels resolves its region and credentials once.
 */
export function awsS3Reader(options: S3AccessOptions = {}): () => S3Reader {
  let made: Promise<S3Reader> | undefined;
  const reader = (): Promise<S3Reader> =>
    (made ??= (async () => {
      const aws = loadAws();
      const target = await aws.resolveAwsTarget(options);
      return aws.s3Reader(new aws.AwsClients(target));
    })());
  const lazy: S3Reader = {
    list: async (bucket, prefix, signal) => (await reader()).list(bucket, prefix, signal),
    head: async (bucket, key, signal) => (await reader()).head(bucket, key, signal),
    download: async (object: S3Object, file, options) => (await reader()).download(object, file, options),
    upload: async (file, bucket, key, signal) => (await reader()).upload(file, bucket, key, signal),
  };
  return () => lazy;
}
