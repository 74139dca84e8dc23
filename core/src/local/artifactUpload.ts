import * as path from 'node:path';
import type { TrainingJob } from '../job/trainingJob';
import type { S3Reader } from './channels/types';
import { displayPath } from '../lint/lintGate';
import { SmctError } from '../errors';

/** Where the artifacts went in S3. */
export interface UploadedArtifacts {
  readonly model: string;
  readonly output: string;
}

/**
 * After a local run, as the SDK's local mode does for an s3:// output path: model.tar.gz and
 * output.tar.gz go to `<output path>/<job name>/output/`, where SageMaker puts a job's.
 */
export async function uploadArtifacts(
  job: TrainingJob,
  jobName: string,
  artifacts: { readonly model: string; readonly output: string },
  reader: S3Reader,
  signal?: AbortSignal,
): Promise<UploadedArtifacts> {
  const [, bucket, prefix] = checkUploadTarget(job);
  const key = (file: string): string => [prefix.replace(/\/+$/, ''), jobName, 'output', path.basename(file)].filter(Boolean).join('/');
  await reader.upload(artifacts.model, bucket, key(artifacts.model), signal);
  await reader.upload(artifacts.output, bucket, key(artifacts.output), signal);
  return { model: `s3://${bucket}/${key(artifacts.model)}`, output: `s3://${bucket}/${key(artifacts.output)}` };
}

/** The bucket and prefix of the job's S3 output path; a job without one cannot be uploaded (checked before the run). */
export function checkUploadTarget(job: TrainingJob): RegExpExecArray {
  const location = job.output.s3 === undefined ? undefined : /^s3:\/\/([^/]+)\/?(.*)$/.exec(job.output.s3);
  if (!location) {
    throw new SmctError('USAGE', `--upload needs an S3 output path: "output": {"path": "s3://<bucket>/<prefix>"} in ${displayPath(job.file)}.`);
  }
  return location;
}
