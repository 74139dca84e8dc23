import { loadSharedConfigFiles } from '@smithy/core/config';
import { SmctError } from '../errors';

/** Which AWS identity and region the commands act as. */
export interface AwsTarget {
  /** A named profile of ~/.aws/config or ~/.aws/credentials; undefined means the SDK's default chain (AWS_PROFILE, then "default"). */
  readonly profile?: string;
  readonly region: string;
}

export type ProfileKind = 'sso' | 'assume-role' | 'process' | 'static' | 'other';

export interface AwsProfile {
  readonly name: string;
  readonly kind: ProfileKind;
  readonly region?: string;
}

/** Every profile of the shared config and credentials files, as `aws configure list-profiles` lists them. */
export async function listProfiles(): Promise<AwsProfile[]> {
  const { configFile, credentialsFile } = await loadSharedConfigFiles({ ignoreCache: true });
  // The loader keeps [sso-session X] and [services X] sections under dotted names; they are not profiles.
  const names = [...new Set([...Object.keys(configFile), ...Object.keys(credentialsFile)])].filter((name) => !/^(sso-session|services)\./.test(name)).sort();
  return names.map((name) => {
    const settings = { ...credentialsFile[name], ...configFile[name] };
    return { name, kind: profileKind(settings), region: settings.region };
  });
}

function profileKind(settings: Record<string, string | undefined>): ProfileKind {
  if (settings.sso_session || settings.sso_start_url) return 'sso';
  if (settings.role_arn) return 'assume-role';
  if (settings.credential_process) return 'process';
  if (settings.aws_access_key_id) return 'static';
  return 'other';
}

/**
 * The region, first found of: the one asked for (--region or the editor's setting), the job
 * file's, AWS_REGION / AWS_DEFAULT_REGION, the profile's. SageMaker has no global default, so
 * none is guessed (build_and_push.sh's silent us-west-2 sends jobs where nobody looks).
 */
export async function resolveAwsTarget(asked: { profile?: string; region?: string; jobRegion?: string }): Promise<AwsTarget> {
  const profile = asked.profile || process.env.AWS_PROFILE || undefined;
  const region = asked.region || asked.jobRegion || process.env.AWS_REGION || process.env.AWS_DEFAULT_REGION || (await profileRegion(profile ?? 'default'));
  if (!region) {
    throw new SmctError(
      'REGION_MISSING',
      `No AWS region is set for ${profile ? `profile "${profile}"` : 'the default profile'}. Pass --region, add "region" to sagemaker-job.json, set AWS_REGION, or run: aws configure set region <region>${profile ? ` --profile ${profile}` : ''}`,
    );
  }
  return { profile, region };
}

async function profileRegion(profile: string): Promise<string | undefined> {
  const { configFile } = await loadSharedConfigFiles();
  return configFile[profile]?.region;
}
