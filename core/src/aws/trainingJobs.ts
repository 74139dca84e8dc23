import * as fs from 'node:fs';
import * as path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Readable } from 'node:stream';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { ListTrainingJobsCommand, StopTrainingJobCommand, type DescribeTrainingJobResponse, type TrainingJobSummary } from '@aws-sdk/client-sagemaker';
import type { AwsClients } from './awsClients';
import { awsCall, errorName, explainAwsError } from './awsErrors';
import { describeTrainingJob } from './jobFollower';
import { SmctError } from '../errors';

/** The most recent training jobs first; `nameContains` filters as the console's search does. */
export async function listTrainingJobs(
  clients: AwsClients,
  options: { max?: number; nameContains?: string; signal?: AbortSignal } = {},
): Promise<TrainingJobSummary[]> {
  const max = options.max ?? 20;
  const jobs: TrainingJobSummary[] = [];
  let nextToken: string | undefined;
  do {
    const page = await awsCall('ListTrainingJobs', clients.target, () =>
      clients.sagemaker.send(
        new ListTrainingJobsCommand({
          SortBy: 'CreationTime',
          SortOrder: 'Descending',
          MaxResults: Math.min(100, max - jobs.length),
          NameContains: options.nameContains || undefined,
          NextToken: nextToken,
        }),
        { abortSignal: options.signal },
      ),
    );
    jobs.push(...(page.TrainingJobSummaries ?? []));
    nextToken = page.NextToken;
  } while (nextToken && jobs.length < max);
  return jobs.slice(0, max);
}

export type StopOutcome = { readonly stopping: true } | { readonly stopping: false; readonly status: string };

/**
 * Stops a job that is in progress. A job that has already ended is not an error: SageMaker would
 * answer ValidationException ("…is in status Stopped"), so the status is read first and returned.
 */
export async function stopTrainingJob(clients: AwsClients, name: string, signal?: AbortSignal): Promise<StopOutcome> {
  const job = await getTrainingJob(clients, name, signal);
  if (job.TrainingJobStatus !== 'InProgress') return { stopping: false, status: job.TrainingJobStatus ?? 'Unknown' };
  try {
    await clients.sagemaker.send(new StopTrainingJobCommand({ TrainingJobName: name }), { abortSignal: signal });
    return { stopping: true };
  } catch (error) {
    // It ended between the two calls.
    const status = /in status (\w+)/.exec((error as Error).message)?.[1];
    if (errorName(error) === 'ValidationException' && status) return { stopping: false, status };
    throw explainAwsError(error, 'StopTrainingJob', clients.target);
  }
}

/** DescribeTrainingJob, with an unknown name said plainly. */
export async function getTrainingJob(clients: AwsClients, name: string, signal?: AbortSignal): Promise<DescribeTrainingJobResponse> {
  try {
    return await describeTrainingJob(clients, name, signal);
  } catch (error) {
    if (errorName(error) === 'ValidationException' && /not found/i.test((error as Error).message)) {
      throw new SmctError('AWS_INVALID', `No training job named ${name} in ${clients.target.region} (smct jobs lists the recent ones).`);
    }
    throw explainAwsError(error, 'DescribeTrainingJob', clients.target);
  }
}

/** Downloads the job's model.tar.gz into a folder; written under a temporary name and renamed, so no half file is left. */
export async function downloadModelArtifact(clients: AwsClients, job: DescribeTrainingJobResponse, folder: string, signal?: AbortSignal): Promise<string> {
  const uri = job.ModelArtifacts?.S3ModelArtifacts;
  const match = uri ? /^s3:\/\/([^/]+)\/(.+)$/.exec(uri) : null;
  if (!match) throw new SmctError('AWS_INVALID', `Training job ${job.TrainingJobName} has no model artifact (status ${job.TrainingJobStatus}).`);
  const target = path.join(folder, `${job.TrainingJobName}-${path.basename(match[2])}`);
  const partial = `${target}.part-${process.pid}`;
  const object = await awsCall('GetObject', clients.target, () =>
    clients.s3.send(new GetObjectCommand({ Bucket: match[1], Key: match[2] }), { abortSignal: signal }),
  );
  fs.mkdirSync(folder, { recursive: true });
  try {
    await pipeline(object.Body as Readable, fs.createWriteStream(partial), { signal });
    fs.renameSync(partial, target);
  } finally {
    fs.rmSync(partial, { force: true });
  }
  return target;
}

/** The job's page in the SageMaker console. */
export function consoleUrl(region: string, name: string): string {
  return `https://${region}.console.aws.amazon.com/sagemaker/home?region=${region}#/jobs/${encodeURIComponent(name)}`;
}
