import type { TrainingJobSummary } from '@aws-sdk/client-sagemaker';
import * as vscode from 'vscode';
import { AwsListView, MessageNode } from './awsListView';
import type { AwsSession } from './awsSession';
import type { JobRef } from './jobWatcher';
import { loadAws, type AwsClients, type AwsTarget } from '../../../core/src';

export const TRAINING_JOBS_VIEW = 'sagemakerContainerTools.trainingJobs';
/** While a listed job runs or stops, the list is read again this often (ListTrainingJobs is cheap, but throttled per account). */
export const AUTO_REFRESH_MS = 15_000;
const MAX_JOBS = 50;
const ACTIVE = new Set(['InProgress', 'Stopping']);

/** A training job of the list, with the target it was listed with (the commands act there). */
export class JobNode {
  constructor(
    readonly summary: TrainingJobSummary,
    readonly ref: JobRef,
  ) {}

  get status(): string {
    return this.summary.TrainingJobStatus ?? 'Unknown';
  }
}

export type TrainingJobsNode = JobNode | MessageNode;

/**
 * The "Training Jobs" view of the SageMaker activity bar container: the most recent jobs of the
 * current profile and region, with their status. Listing (and so loading the SDK) happens only
 * when the view is shown.
 */
export class TrainingJobsProvider extends AwsListView<JobNode> {
  constructor(session: AwsSession) {
    super(session, (provider) => vscode.window.createTreeView(TRAINING_JOBS_VIEW, { treeDataProvider: provider, showCollapseAll: false }), {
      what: 'training jobs',
      refreshCommand: 'sagemakerContainerTools.refreshTrainingJobs',
      refreshMs: AUTO_REFRESH_MS,
      restrictedTooltip: 'The AWS commands are disabled in Restricted Mode: they act as your AWS identity and may run programs (credential_process, docker).',
    });
  }

  protected resourceItem(node: JobNode): vscode.TreeItem {
    const { summary } = node;
    const item = new vscode.TreeItem(summary.TrainingJobName ?? '?');
    item.id = `${node.ref.profile ?? ''}/${node.ref.region}/${node.ref.name}`;
    item.iconPath = statusIcon(node.status);
    item.description = `${node.status}${summary.CreationTime ? ` · ${relativeTime(summary.CreationTime)}` : ''}`;
    // A failed job's tooltip is made on hover, with its FailureReason (VS Code resolves only a tooltip left undefined).
    item.tooltip = node.status === 'Failed' ? undefined : jobTooltip(node);
    item.contextValue = `trainingJob.${node.status}`;
    item.accessibilityInformation = { label: `Training job ${summary.TrainingJobName}, ${node.status}` };
    return item;
  }

  /** A failed job's reason is not in the list: it is read when the tooltip is first shown. */
  async resolveTreeItem(item: vscode.TreeItem, node: TrainingJobsNode, token: vscode.CancellationToken): Promise<vscode.TreeItem> {
    if (!(node instanceof JobNode) || node.status !== 'Failed') return item;
    const controller = new AbortController();
    token.onCancellationRequested(() => controller.abort());
    item.tooltip = jobTooltip(node);
    try {
      const clients = await this.session.clientsFor({ profile: node.ref.profile, region: node.ref.region });
      const job = await loadAws().getTrainingJob(clients, node.ref.name, controller.signal);
      item.tooltip = jobTooltip(node, job.FailureReason);
    } catch {
      // The tooltip without the reason; Show Logs reports the failure.
    }
    return item;
  }

  /** The jobs listed last (for the commands' pickers and the tests). */
  get jobs(): readonly JobNode[] {
    return this.listed;
  }

  get visible(): boolean {
    return this.view.visible;
  }

  protected async list(clients: AwsClients): Promise<JobNode[]> {
    const { target } = clients;
    const jobs = await loadAws().listTrainingJobs(clients, { max: MAX_JOBS });
    return jobs.map((summary) => new JobNode(summary, { name: summary.TrainingJobName ?? '', region: target.region, profile: target.profile }));
  }

  protected emptyMessage(target: AwsTarget): MessageNode {
    return new MessageNode(
      `No training jobs in ${target.region}`,
      'Submit one from sagemaker-job.json',
      `No training jobs in ${target.region} for ${target.profile ? `profile ${target.profile}` : 'the default credentials'}. Submit one ("SageMaker: Submit Training Job") or select another region.`,
      new vscode.ThemeIcon('info'),
      { title: 'Select AWS Region', command: 'sagemakerContainerTools.selectAwsRegion' },
    );
  }

  protected isChanging(job: JobNode): boolean {
    return ACTIVE.has(job.status);
  }
}

export function statusIcon(status: string): vscode.ThemeIcon {
  switch (status) {
    case 'InProgress':
      return new vscode.ThemeIcon('sync~spin');
    case 'Completed':
      return new vscode.ThemeIcon('pass', new vscode.ThemeColor('testing.iconPassed'));
    case 'Failed':
      return new vscode.ThemeIcon('error', new vscode.ThemeColor('testing.iconFailed'));
    case 'Stopping':
      return new vscode.ThemeIcon('loading~spin');
    case 'Stopped':
      return new vscode.ThemeIcon('debug-stop');
    default:
      return new vscode.ThemeIcon('circle-outline');
  }
}

function jobTooltip(node: JobNode, failureReason?: string): vscode.MarkdownString {
  const { summary } = node;
  const tooltip = new vscode.MarkdownString(undefined, true);
  tooltip.appendMarkdown(`**${escape(summary.TrainingJobName ?? '')}**\n\n`);
  const secondary = summary.SecondaryStatus && summary.SecondaryStatus !== node.status ? ` (${summary.SecondaryStatus})` : '';
  tooltip.appendMarkdown(`Status: ${escape(node.status + secondary)}\n\n`);
  if (summary.CreationTime) tooltip.appendMarkdown(`Created: ${summary.CreationTime.toLocaleString()}\n\n`);
  if (summary.TrainingEndTime) tooltip.appendMarkdown(`Ended: ${summary.TrainingEndTime.toLocaleString()}\n\n`);
  if (failureReason) tooltip.appendMarkdown(`FailureReason: ${escape(failureReason)}\n\n`);
  tooltip.appendMarkdown(`ARN: \`${summary.TrainingJobArn ?? ''}\``);
  return tooltip;
}

function escape(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!<>|]/g, '\\$&');
}

/** "just now", "5 min ago", "3 h ago", "2 days ago". */
export function relativeTime(date: Date, now: number = Date.now()): string {
  const seconds = Math.max(0, Math.round((now - date.getTime()) / 1000));
  if (seconds < 60) return 'just now';
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h ago`;
  const days = Math.floor(hours / 24);
  return days < 60 ? `${days} days ago` : date.toLocaleDateString();
}
