import * as vscode from 'vscode';
import type { AwsClients, AwsTarget } from '../../../core/src';
import { AwsListView, MessageNode, type AwsListTreeView } from '../aws/awsListView';
import type { AwsSession } from '../aws/awsSession';
import { relativeTime } from '../aws/trainingJobsView';
import { trusted } from '../commands/localJobs';
import { CHANGING_STATUSES, deletionMessage, deletionQuestion, endpointDescription, endpointStatusIcon, endpointTooltip } from './endpointStatus';
import { activeFileRequest, showInvocation, type InvocationOutcome } from './invocationUi';
import type { DeletedEndpoint, EndpointRow, EndpointsBackend } from './servingTypes';

export const ENDPOINTS_VIEW = 'sagemakerContainerTools.endpoints';
/** While an endpoint is being created, updated or deleted (minutes), the list is read again this often. */
export const ENDPOINTS_REFRESH_MS = 15_000;

/** Where an endpoint is: the commands act there. */
export interface EndpointRef {
  readonly name: string;
  readonly region: string;
  readonly profile?: string;
}

/** An endpoint of the list, with the target it was listed with. */
export class EndpointNode {
  constructor(
    readonly row: EndpointRow,
    readonly ref: EndpointRef,
  ) {}
}

export type EndpointsNode = EndpointNode | MessageNode;

/** What the provider uses of its tree view (a stand-in in the tests, where the contributed view is the extension's). */
export type EndpointsTreeView = AwsListTreeView<EndpointsNode>;

function contributedView(provider: vscode.TreeDataProvider<EndpointsNode>): EndpointsTreeView {
  return vscode.window.createTreeView(ENDPOINTS_VIEW, { treeDataProvider: provider, showCollapseAll: false });
}

/**
 * The "Endpoints" view beside "Training Jobs": the SageMaker endpoints of the current profile and
 * region with their status. Listing (and so loading the SDK) happens only when the view is shown.
 */
export class EndpointsProvider extends AwsListView<EndpointNode> {
  constructor(
    session: AwsSession,
    private readonly backend: EndpointsBackend,
    createView: (provider: vscode.TreeDataProvider<EndpointsNode>) => EndpointsTreeView = contributedView,
  ) {
    super(session, createView, {
      what: 'endpoints',
      refreshCommand: 'sagemakerContainerTools.refreshEndpoints',
      refreshMs: ENDPOINTS_REFRESH_MS,
      restrictedTooltip: 'The AWS commands are disabled in Restricted Mode: they act as your AWS identity and may run programs (credential_process).',
    });
  }

  protected resourceItem(node: EndpointNode): vscode.TreeItem {
    const { row, ref } = node;
    const item = new vscode.TreeItem(row.name);
    item.id = `${ref.profile ?? ''}/${ref.region}/${row.name}`;
    const icon = endpointStatusIcon(row.status);
    item.iconPath = new vscode.ThemeIcon(icon.id, icon.color ? new vscode.ThemeColor(icon.color) : undefined);
    item.description = `${endpointDescription(row)}${row.creationTime ? ` · ${relativeTime(row.creationTime)}` : ''}`;
    item.tooltip = endpointTooltip(row, ref.region);
    item.contextValue = `endpoint.${row.status}`;
    item.accessibilityInformation = { label: `Endpoint ${row.name}, ${row.status}` };
    return item;
  }

  /** The endpoints listed last. */
  get endpoints(): readonly EndpointNode[] {
    return this.listed;
  }

  protected async list(clients: AwsClients): Promise<EndpointNode[]> {
    const { target } = clients;
    const rows = await this.backend.list(clients);
    return rows.map((row) => new EndpointNode(row, { name: row.name, region: target.region, profile: target.profile }));
  }

  protected emptyMessage(target: AwsTarget): MessageNode {
    return new MessageNode(
      `No endpoints in ${target.region}`,
      'Select another region',
      `No SageMaker endpoints in ${target.region} for ${target.profile ? `profile ${target.profile}` : 'the default credentials'}.`,
      new vscode.ThemeIcon('info'),
      { title: 'Select AWS Region', command: 'sagemakerContainerTools.selectAwsRegion' },
    );
  }

  protected isChanging(node: EndpointNode): boolean {
    return CHANGING_STATUSES.has(node.row.status);
  }
}

/**
 * What an endpoint command is given: a node of the view, or nothing (then it asks among those
 * listed). Anything else (a plain name and region, as a command link in a Markdown hover or a
 * notification could pass) is refused: such a link must not reach Delete without the view.
 */
export type EndpointArgument = EndpointNode | undefined;

export interface EndpointCommandsOptions {
  /** Asks before an endpoint is deleted; by default a modal dialog. Tests pass their own answer here, never through a command argument. */
  readonly confirmDeletion?: (ref: EndpointRef) => Promise<boolean>;
}

/** The view's actions: Invoke with Active File, Delete, Open Logs, Copy Name. */
export class EndpointCommands {
  private readonly confirmDeletion: (ref: EndpointRef) => Promise<boolean>;

  constructor(
    private readonly session: AwsSession,
    private readonly view: EndpointsProvider,
    private readonly backend: EndpointsBackend,
    options: EndpointCommandsOptions = {},
  ) {
    this.confirmDeletion = options.confirmDeletion ?? askBeforeDeleting;
  }

  async invoke(argument?: EndpointArgument): Promise<InvocationOutcome | undefined> {
    if (!trusted('Invoking endpoints')) return undefined;
    const ref = await this.pick(argument, 'Send the active file to which endpoint?');
    if (!ref) return undefined;
    const request = await activeFileRequest();
    if (!request) return undefined;
    try {
      const clients = await this.session.clientsFor(ref);
      const response = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Invoking ${ref.name}` }, () =>
        this.backend.invoke(clients, ref.name, request),
      );
      return await showInvocation(ref.name, response, { title: 'Open Logs', open: () => this.openLogsOf(ref) });
    } catch (error) {
      void this.session.reportError(error, `Invoking ${ref.name}`, ref);
      return undefined;
    }
  }

  /** Deletes after the confirmation (a modal dialog, whatever the command's arguments say). */
  async delete(argument?: EndpointArgument): Promise<DeletedEndpoint | undefined> {
    if (!trusted('Deleting endpoints')) return undefined;
    const ref = await this.pick(argument, 'Delete which endpoint?');
    if (!ref) return undefined;
    if (!(await this.confirmDeletion(ref))) return undefined;
    try {
      const deleted = await this.backend.delete(await this.session.clientsFor(ref), ref.name);
      this.view.refresh();
      void vscode.window.showInformationMessage(deletionMessage(deleted));
      return deleted;
    } catch (error) {
      void this.session.reportError(error, `Deleting ${ref.name}`, ref);
      return undefined;
    }
  }

  async openLogs(argument?: EndpointArgument): Promise<string | undefined> {
    const ref = await this.pick(argument, 'Open the logs of which endpoint?');
    return ref ? this.openLogsOf(ref) : undefined;
  }

  private async openLogsOf(ref: EndpointRef): Promise<string> {
    const url = this.backend.logsUrl(ref.region, ref.name);
    await vscode.env.openExternal(vscode.Uri.parse(url, true));
    return url;
  }

  async copyName(argument?: EndpointArgument): Promise<string | undefined> {
    const ref = await this.pick(argument, 'Copy the name of which endpoint?');
    if (!ref) return undefined;
    await vscode.env.clipboard.writeText(ref.name);
    vscode.window.setStatusBarMessage(`Copied ${ref.name}`, 4000);
    return ref.name;
  }

  private async pick(argument: EndpointArgument, question: string): Promise<EndpointRef | undefined> {
    if (argument instanceof EndpointNode) return argument.ref;
    if (argument !== undefined) {
      void vscode.window.showErrorMessage('Endpoint commands act on an endpoint of the Endpoints view (SageMaker sidebar): run them from there.');
      return undefined;
    }
    const listed = this.view.endpoints;
    if (listed.length === 0) {
      void vscode.window.showErrorMessage('No endpoint is listed: open the Endpoints view of the SageMaker sidebar, or refresh it.');
      return undefined;
    }
    const picked = await vscode.window.showQuickPick(
      listed.map((node) => ({ label: node.row.name, description: node.row.status, ref: node.ref })),
      { placeHolder: question },
    );
    return picked?.ref;
  }
}

/** The modal question before an endpoint is deleted. */
async function askBeforeDeleting(ref: EndpointRef): Promise<boolean> {
  const question = deletionQuestion(ref.name, ref.region);
  return (await vscode.window.showWarningMessage(question.message, { modal: true, detail: question.detail }, 'Delete')) === 'Delete';
}
