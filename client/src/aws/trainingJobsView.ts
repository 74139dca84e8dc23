import type { TrainingJobSummary } from '@aws-sdk/client-sagemaker';
import * as vscode from 'vscode';
import { isCredentialsProblem, isExplained, type AwsSession } from './awsSession';
import type { JobRef } from './jobWatcher';
import { isSmctError, loadAws, type AwsClients } from '../../../core/src';

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

/** The one item shown instead of the jobs when they cannot be listed (or there are none): what to do, as its command. */
export class MessageNode {
  constructor(
    readonly label: string,
    readonly description: string,
    readonly tooltip: string,
    readonly icon: vscode.ThemeIcon,
    readonly command?: vscode.Command,
  ) {}
}

export type TrainingJobsNode = JobNode | MessageNode;

/**
 * The "Training Jobs" view of the SageMaker activity bar container: the most recent jobs of the
 * current profile and region, with their status. Listing (and so loading the SDK) happens only
 * when the view is shown.
 */
export class TrainingJobsProvider implements vscode.TreeDataProvider<TrainingJobsNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<TrainingJobsNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly view: vscode.TreeView<TrainingJobsNode>;
  private readonly subscriptions: vscode.Disposable[] = [];
  private timer?: NodeJS.Timeout;
  private nodes: TrainingJobsNode[] = [];
  private loading?: Promise<TrainingJobsNode[]>;

  constructor(private readonly session: AwsSession) {
    this.view = vscode.window.createTreeView(TRAINING_JOBS_VIEW, { treeDataProvider: this, showCollapseAll: false });
    this.subscriptions.push(
      this.changed,
      this.view,
      // Hidden: no timer. Shown again: read the list now.
      this.view.onDidChangeVisibility((event) => (event.visible ? this.refresh() : this.stopTimer())),
      session.onDidChange(() => this.refresh()),
    );
  }

  refresh(): void {
    this.stopTimer();
    // A listing begun before (say, before a stop) is not shared with what asks next.
    this.loading = undefined;
    this.changed.fire(undefined);
  }

  getTreeItem(node: TrainingJobsNode): vscode.TreeItem {
    if (node instanceof MessageNode) {
      const item = new vscode.TreeItem(node.label);
      item.description = node.description;
      item.tooltip = node.tooltip;
      item.iconPath = node.icon;
      item.command = node.command;
      item.contextValue = 'message';
      return item;
    }
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

  async getChildren(node?: TrainingJobsNode): Promise<TrainingJobsNode[]> {
    if (node) return [];
    // Several callers (the view, the tests) at once share one listing.
    if (!this.loading) {
      const loading = this.load().finally(() => {
        if (this.loading === loading) this.loading = undefined;
      });
      this.loading = loading;
    }
    this.nodes = await this.loading;
    this.schedule();
    return this.nodes;
  }

  /** The jobs listed last (for the commands' pickers and the tests). */
  get jobs(): readonly JobNode[] {
    return this.nodes.filter((node): node is JobNode => node instanceof JobNode);
  }

  /** The message shown instead of jobs, if any. */
  get message(): MessageNode | undefined {
    return this.nodes.find((node): node is MessageNode => node instanceof MessageNode);
  }

  /** True while a refresh is scheduled (the view is visible and a job is in progress or stopping). */
  get autoRefreshing(): boolean {
    return this.timer !== undefined;
  }

  get visible(): boolean {
    return this.view.visible;
  }

  private async load(): Promise<TrainingJobsNode[]> {
    if (!vscode.workspace.isTrusted) {
      return [
        new MessageNode(
          'Trust this workspace to list training jobs',
          'Restricted Mode',
          'The AWS commands are disabled in Restricted Mode: they act as your AWS identity and may run programs (credential_process, docker).',
          new vscode.ThemeIcon('shield'),
          { title: 'Manage Workspace Trust', command: 'workbench.trust.manage' },
        ),
      ];
    }
    let clients: AwsClients | undefined;
    try {
      clients = await this.session.clientsForSettings();
      const { target } = clients;
      const jobs = await loadAws().listTrainingJobs(clients, { max: MAX_JOBS });
      this.session.noteSuccess(target);
      this.view.description = `${this.session.identityLabel(target)} · ${target.region}`;
      if (jobs.length === 0) {
        return [
          new MessageNode(
            `No training jobs in ${target.region}`,
            'Submit one from sagemaker-job.json',
            `No training jobs in ${target.region} for ${target.profile ? `profile ${target.profile}` : 'the default credentials'}. Submit one ("SageMaker: Submit Training Job") or select another region.`,
            new vscode.ThemeIcon('info'),
            { title: 'Select AWS Region', command: 'sagemakerContainerTools.selectAwsRegion' },
          ),
        ];
      }
      return jobs.map((summary) => new JobNode(summary, { name: summary.TrainingJobName ?? '', region: target.region, profile: target.profile }));
    } catch (error) {
      this.session.noteError(error, clients?.target);
      return [problemNode(this.session, error, 'training jobs', 'sagemakerContainerTools.refreshTrainingJobs')];
    }
  }

  private schedule(): void {
    this.stopTimer();
    if (!this.view.visible || !this.jobs.some((job) => ACTIVE.has(job.status))) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.changed.fire(undefined);
    }, AUTO_REFRESH_MS);
  }

  private stopTimer(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  dispose(): void {
    this.stopTimer();
    this.subscriptions.forEach((subscription) => subscription.dispose());
  }
}

/**
 * The one item a view shows when its list cannot be read: what to do, as its command (log in,
 * select a profile or region, or retry with `refreshCommand`). `what` names the list ("endpoints").
 */
export function problemNode(session: AwsSession, error: unknown, what: string, refreshCommand: string): MessageNode {
  const message = (error as Error)?.message ?? String(error);
  const warning = new vscode.ThemeIcon('warning', new vscode.ThemeColor('problemsWarningIcon.foreground'));
  if (isCredentialsProblem(error)) {
    if (error.fix?.startsWith('aws sso login')) {
      return new MessageNode('AWS credentials expired', `Click to run ${error.fix}`, message, warning, {
        title: 'Log In with AWS SSO',
        command: 'sagemakerContainerTools.awsSsoLogin',
      });
    }
    return new MessageNode('No AWS credentials', 'Click to select a profile', message, warning, {
      title: 'Select AWS Profile',
      command: 'sagemakerContainerTools.selectAwsProfile',
    });
  }
  if (isSmctError(error, 'REGION_MISSING')) {
    return new MessageNode('No AWS region: select one', 'Click to select a region', message, warning, {
      title: 'Select AWS Region',
      command: 'sagemakerContainerTools.selectAwsRegion',
    });
  }
  if (!isExplained(error)) session.output.appendLine(`Listing ${what}: ${(error as Error)?.stack ?? message}`);
  return new MessageNode(message, 'Click to retry', message, new vscode.ThemeIcon('error', new vscode.ThemeColor('problemsErrorIcon.foreground')), {
    title: 'Refresh',
    command: refreshCommand,
  });
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
