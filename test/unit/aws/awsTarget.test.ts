import assert from 'node:assert/strict';
import * as path from 'node:path';
import { test } from 'node:test';
import { listProfiles, resolveAwsTarget } from '../../../core/src/aws/awsTarget';
import { tempProject } from '../../helpers/tempDir';

const CONFIG = `[default]
region = us-east-1

[profile dev]
sso_session = corp
sso_account_id = 123456789012
sso_role_name = ML
region = eu-west-1

[sso-session corp]
sso_start_url = https://example.awsapps.com/start
sso_region = eu-west-1

[profile research]
role_arn = arn:aws:iam::123456789012:role/Research
source_profile = dev

[profile tool]
credential_process = /usr/local/bin/get-creds
`;

const CREDENTIALS = `[ci]
aws_access_key_id = AKIAEXAMPLE
aws_secret_access_key = secret
`;

/** Runs with the shared files and AWS_* variables of this test only. */
async function withAwsFiles<T>(variables: Record<string, string>, run: () => Promise<T>): Promise<T> {
  const folder = tempProject({ config: CONFIG, credentials: CREDENTIALS });
  const saved = process.env;
  process.env = {
    ...Object.fromEntries(Object.entries(saved).filter(([name]) => !name.startsWith('AWS_'))),
    AWS_CONFIG_FILE: path.join(folder, 'config'),
    AWS_SHARED_CREDENTIALS_FILE: path.join(folder, 'credentials'),
    ...variables,
  };
  try {
    return await run();
  } finally {
    process.env = saved;
  }
}

test('profiles of both files, each with its kind and region; sso-session sections are not profiles', async () => {
  const profiles = await withAwsFiles({}, () => listProfiles());
  assert.deepEqual(profiles, [
    { name: 'ci', kind: 'static', region: undefined },
    { name: 'default', kind: 'other', region: 'us-east-1' },
    { name: 'dev', kind: 'sso', region: 'eu-west-1' },
    { name: 'research', kind: 'assume-role', region: undefined },
    { name: 'tool', kind: 'process', region: undefined },
  ]);
});

test('the region: asked for, then the job file, then AWS_REGION, then the profile; none guessed', async () => {
  assert.deepEqual(await withAwsFiles({ AWS_REGION: 'ap-south-1' }, () => resolveAwsTarget({ profile: 'dev', region: 'us-west-2', jobRegion: 'sa-east-1' })), {
    profile: 'dev',
    region: 'us-west-2',
  });
  assert.equal((await withAwsFiles({ AWS_REGION: 'ap-south-1' }, () => resolveAwsTarget({ profile: 'dev', jobRegion: 'sa-east-1' }))).region, 'sa-east-1');
  assert.equal((await withAwsFiles({ AWS_REGION: 'ap-south-1' }, () => resolveAwsTarget({ profile: 'dev' }))).region, 'ap-south-1');
  assert.equal((await withAwsFiles({}, () => resolveAwsTarget({ profile: 'dev' }))).region, 'eu-west-1');
  assert.deepEqual(await withAwsFiles({ AWS_PROFILE: 'dev' }, () => resolveAwsTarget({})), { profile: 'dev', region: 'eu-west-1' });
  await assert.rejects(
    withAwsFiles({}, () => resolveAwsTarget({ profile: 'research' })),
    /^SmctError: No AWS region is set for profile "research"\. Pass --region, .*aws configure set region <region> --profile research$/,
  );
});
