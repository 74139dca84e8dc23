// What every smct command that calls AWS shares: its flags and their help, the clients for them,
// and the listing flags of `smct jobs` and `smct endpoints`.
import * as fs from 'node:fs';
import type { Io } from './io';
import { JOB_FILE_NAME, SmctError, loadAws, loadTrainingJob, type AwsClients, type TrainingJob } from '../../core/src';

export const AWS_OPTIONS_HELP = `  --profile NAME       AWS profile (default: AWS_PROFILE, then "default")
  --region REGION      AWS region (default: the job file's, AWS_REGION, then the profile's)`;

export const AWS_FLAGS = { profile: { type: 'string' }, region: { type: 'string' }, help: { type: 'boolean', short: 'h' } } as const;

/** The flags of a command that lists: how many, a name filter, JSON output. */
export const LIST_FLAGS = { ...AWS_FLAGS, max: { type: 'string' }, 'name-contains': { type: 'string' }, json: { type: 'boolean' } } as const;

/** The --max of a listing: a whole number from 1 to 1000, `fallback` when not given. */
export function listMax(value: string | undefined, fallback: number): number {
  const max = value === undefined ? fallback : Number(value);
  if (!Number.isInteger(max) || max < 1 || max > 1000) throw new SmctError('USAGE', '--max must be a whole number from 1 to 1000.');
  return max;
}

/** Clients for the profile and region asked for; commands given no job file still take the region of the one in this folder. */
export async function clientsFor(values: { profile?: string; region?: string }, job: TrainingJob | undefined = jobFileHere()): Promise<AwsClients> {
  const aws = loadAws();
  const target = await aws.resolveAwsTarget({ profile: values.profile, region: values.region, jobRegion: job?.region });
  return new aws.AwsClients(target);
}

/** The job file of this folder, when it is there and valid. */
function jobFileHere(): TrainingJob | undefined {
  if (!fs.existsSync(JOB_FILE_NAME)) return undefined;
  try {
    return loadTrainingJob(JOB_FILE_NAME);
  } catch {
    return undefined;
  }
}

/** Prints a command's usage; its exit code. */
export function printUsage(io: Io, text: string): number {
  io.out(text);
  return 0;
}
