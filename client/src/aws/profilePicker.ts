import * as vscode from 'vscode';
import { AWS_SECTION, awsSettings, type AwsSession } from './awsSession';
import { loadAws, type AwsProfile } from '../../../core/src';

/** The commercial regions where SageMaker training runs, with their names. */
export const SAGEMAKER_REGIONS: Readonly<Record<string, string>> = {
  'us-east-1': 'US East (N. Virginia)',
  'us-east-2': 'US East (Ohio)',
  'us-west-1': 'US West (N. California)',
  'us-west-2': 'US West (Oregon)',
  'ca-central-1': 'Canada (Central)',
  'ca-west-1': 'Canada West (Calgary)',
  'mx-central-1': 'Mexico (Central)',
  'sa-east-1': 'South America (São Paulo)',
  'eu-central-1': 'Europe (Frankfurt)',
  'eu-central-2': 'Europe (Zurich)',
  'eu-west-1': 'Europe (Ireland)',
  'eu-west-2': 'Europe (London)',
  'eu-west-3': 'Europe (Paris)',
  'eu-north-1': 'Europe (Stockholm)',
  'eu-south-1': 'Europe (Milan)',
  'eu-south-2': 'Europe (Spain)',
  'il-central-1': 'Israel (Tel Aviv)',
  'me-south-1': 'Middle East (Bahrain)',
  'me-central-1': 'Middle East (UAE)',
  'af-south-1': 'Africa (Cape Town)',
  'ap-east-1': 'Asia Pacific (Hong Kong)',
  'ap-south-1': 'Asia Pacific (Mumbai)',
  'ap-south-2': 'Asia Pacific (Hyderabad)',
  'ap-northeast-1': 'Asia Pacific (Tokyo)',
  'ap-northeast-2': 'Asia Pacific (Seoul)',
  'ap-northeast-3': 'Asia Pacific (Osaka)',
  'ap-southeast-1': 'Asia Pacific (Singapore)',
  'ap-southeast-2': 'Asia Pacific (Sydney)',
  'ap-southeast-3': 'Asia Pacific (Jakarta)',
  'ap-southeast-4': 'Asia Pacific (Melbourne)',
  'ap-southeast-5': 'Asia Pacific (Malaysia)',
  'ap-southeast-7': 'Asia Pacific (Thailand)',
};

const REGION_PATTERN = /^[a-z]{2}(-gov)?-[a-z]+-\d$/;

const KIND_LABELS: Readonly<Record<AwsProfile['kind'], string>> = {
  sso: 'IAM Identity Center (SSO)',
  'assume-role': 'assume role',
  process: 'credential_process',
  static: 'access keys',
  other: 'profile',
};

interface ProfileItem extends vscode.QuickPickItem {
  readonly profile: string;
}

/**
 * "SageMaker: Select AWS Profile": the profiles of ~/.aws/config and ~/.aws/credentials with their
 * kind and region, and the default chain; the pick goes to the user setting (a workspace never
 * chooses credentials).
 */
export async function selectProfile(session: AwsSession): Promise<string | undefined> {
  let profiles: AwsProfile[];
  try {
    profiles = await loadAws().listProfiles();
  } catch (error) {
    void session.reportError(error, 'Reading ~/.aws/config');
    return undefined;
  }
  const current = awsSettings().profile ?? '';
  const fromEnvironment = process.env.AWS_PROFILE ? `AWS_PROFILE=${process.env.AWS_PROFILE}` : 'environment variables, then the "default" profile';
  const items: ProfileItem[] = [
    { label: 'Default credential chain', description: fromEnvironment, profile: '' },
    ...profiles.map((profile) => ({
      label: profile.name,
      description: [KIND_LABELS[profile.kind], profile.region].filter(Boolean).join(' · '),
      profile: profile.name,
    })),
  ].map((item) => (item.profile === current ? { ...item, label: `$(check) ${item.label}`, picked: true } : item));
  const picked = await vscode.window.showQuickPick(items, {
    title: 'AWS Profile',
    placeHolder:
      profiles.length === 0 ? 'No profiles in ~/.aws/config: set one up with "aws configure sso" or "aws configure"' : 'The profile SageMaker commands use',
    matchOnDescription: true,
  });
  if (!picked) return undefined;
  await vscode.workspace.getConfiguration(AWS_SECTION).update('profile', picked.profile, vscode.ConfigurationTarget.Global);
  return picked.profile;
}

interface RegionItem extends vscode.QuickPickItem {
  readonly region: string;
}

/** "SageMaker: Select AWS Region": the profile's region first, then every SageMaker region; a region typed in is accepted too. */
export async function selectRegion(session: AwsSession): Promise<string | undefined> {
  const { profile, region: current } = awsSettings();
  let profileRegion: string | undefined;
  const profileName = profile || process.env.AWS_PROFILE || 'default';
  try {
    profileRegion = (await loadAws().listProfiles()).find((candidate) => candidate.name === profileName)?.region;
  } catch (error) {
    session.output.appendLine(`Reading ~/.aws/config: ${(error as Error).message}`);
  }
  const mark = (item: RegionItem): RegionItem => (item.region === current ? { ...item, label: `$(check) ${item.label}`, picked: true } : item);
  const items: RegionItem[] = [];
  if (profileRegion) {
    items.push({ label: profileRegion, description: `${SAGEMAKER_REGIONS[profileRegion] ?? ''} · region of profile "${profileName}"`, region: profileRegion });
  }
  for (const [region, name] of Object.entries(SAGEMAKER_REGIONS)) if (region !== profileRegion) items.push({ label: region, description: name, region });
  const quickPick = vscode.window.createQuickPick<RegionItem>();
  quickPick.title = 'AWS Region';
  quickPick.placeholder = 'The region SageMaker commands use (type another region code to use it)';
  quickPick.matchOnDescription = true;
  const listed = items.map(mark);
  quickPick.items = listed;
  const activeItem = listed.find((item) => item.region === current);
  if (activeItem) quickPick.activeItems = [activeItem];
  const picked = await new Promise<string | undefined>((resolve) => {
    quickPick.onDidChangeValue((value) => {
      const typed = value.trim();
      quickPick.items =
        REGION_PATTERN.test(typed) && !listed.some((item) => item.region === typed)
          ? [{ label: typed, description: 'Use this region', region: typed }, ...listed]
          : listed;
    });
    quickPick.onDidAccept(() => {
      resolve(quickPick.selectedItems[0]?.region);
      quickPick.hide();
    });
    quickPick.onDidHide(() => resolve(undefined));
    quickPick.show();
  });
  quickPick.dispose();
  if (!picked) return undefined;
  const config = vscode.workspace.getConfiguration(AWS_SECTION);
  // A workspace value would hide the user setting: change the one in effect.
  const target = config.inspect<string>('region')?.workspaceValue !== undefined ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
  await config.update('region', picked, target);
  return picked;
}
