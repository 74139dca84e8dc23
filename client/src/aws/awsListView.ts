import * as vscode from 'vscode';
import { isCredentialsProblem, isExplained, type AwsSession } from './awsSession';
import { isSmctError, type AwsClients, type AwsTarget } from '../../../core/src';

/** The one item shown instead of the resources when they cannot be listed (or there are none): what to do, as its command. */
export class MessageNode {
  constructor(
    readonly label: string,
    readonly description: string,
    readonly tooltip: string,
    readonly icon: vscode.ThemeIcon,
    readonly command?: vscode.Command,
  ) {}
}

/** What a list view uses of its tree view (the tests give a stand-in, as the contributed view is the extension's). */
export type AwsListTreeView<Node> = Pick<vscode.TreeView<Node>, 'visible' | 'onDidChangeVisibility' | 'description' | 'dispose'>;

/** What differs between the lists beside the listing itself. */
export interface AwsListOptions {
  /** The resources' name in messages and the log ("training jobs"). */
  readonly what: string;
  /** The command that lists again, offered on an error. */
  readonly refreshCommand: string;
  /** How often the list is read again while a resource is changing. */
  readonly refreshMs: number;
  /** Why the list is not read in Restricted Mode: the programs listing could run. */
  readonly restrictedTooltip: string;
}

/**
 * A view of AWS resources of the current profile and region, one level deep. Listing (and so
 * loading the SDK) happens only when the view asks; while a listed resource is changing and the
 * view is visible, it is listed again now and then, as AWS says nothing when a status changes.
 */
export abstract class AwsListView<Node extends object> implements vscode.TreeDataProvider<Node | MessageNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<Node | MessageNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  protected readonly view: AwsListTreeView<Node | MessageNode>;
  private readonly subscriptions: vscode.Disposable[] = [];
  private timer?: NodeJS.Timeout;
  private nodes: (Node | MessageNode)[] = [];
  private loading?: Promise<(Node | MessageNode)[]>;

  constructor(
    protected readonly session: AwsSession,
    createView: (provider: vscode.TreeDataProvider<Node | MessageNode>) => AwsListTreeView<Node | MessageNode>,
    private readonly options: AwsListOptions,
  ) {
    this.view = createView(this);
    this.subscriptions.push(
      this.changed,
      this.view,
      // Hidden: no timer. Shown again: read the list now.
      this.view.onDidChangeVisibility((event) => (event.visible ? this.refresh() : this.stopTimer())),
      session.onDidChange(() => this.refresh()),
    );
  }

  /** The resources at the target of `clients`, in the order the view shows them. */
  protected abstract list(clients: AwsClients): Promise<Node[]>;
  /** What is shown when `target` has none of the resources. */
  protected abstract emptyMessage(target: AwsTarget): MessageNode;
  /** True while the resource's status may change on its own (then the list is read again). */
  protected abstract isChanging(node: Node): boolean;
  /** The tree item of a listed resource (a message looks the same in every view). */
  protected abstract resourceItem(node: Node): vscode.TreeItem;

  refresh(): void {
    this.stopTimer();
    // A listing begun before (say, before a stop) is not shared with what asks next.
    this.loading = undefined;
    this.changed.fire(undefined);
  }

  getTreeItem(node: Node | MessageNode): vscode.TreeItem {
    if (!(node instanceof MessageNode)) return this.resourceItem(node);
    const item = new vscode.TreeItem(node.label);
    item.description = node.description;
    item.tooltip = node.tooltip;
    item.iconPath = node.icon;
    item.command = node.command;
    item.contextValue = 'message';
    return item;
  }

  async getChildren(node?: Node | MessageNode): Promise<(Node | MessageNode)[]> {
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

  /** The resources listed last (for the commands' pickers and the tests). */
  protected get listed(): readonly Node[] {
    return this.nodes.filter((node): node is Node => !(node instanceof MessageNode));
  }

  /** The message shown instead of resources, if any. */
  get message(): MessageNode | undefined {
    return this.nodes.find((node): node is MessageNode => node instanceof MessageNode);
  }

  /** True while a refresh is scheduled (the view is visible and a resource is changing). */
  get autoRefreshing(): boolean {
    return this.timer !== undefined;
  }

  private async load(): Promise<(Node | MessageNode)[]> {
    if (!vscode.workspace.isTrusted) {
      return [
        new MessageNode(
          `Trust this workspace to list ${this.options.what}`,
          'Restricted Mode',
          this.options.restrictedTooltip,
          new vscode.ThemeIcon('shield'),
          {
            title: 'Manage Workspace Trust',
            command: 'workbench.trust.manage',
          },
        ),
      ];
    }
    let clients: AwsClients | undefined;
    try {
      clients = await this.session.clientsForSettings();
      const { target } = clients;
      const nodes = await this.list(clients);
      this.session.noteSuccess(target);
      this.view.description = `${this.session.identityLabel(target)} · ${target.region}`;
      return nodes.length === 0 ? [this.emptyMessage(target)] : nodes;
    } catch (error) {
      this.session.noteError(error, clients?.target);
      return [problemNode(this.session, error, this.options.what, this.options.refreshCommand)];
    }
  }

  private schedule(): void {
    this.stopTimer();
    if (!this.view.visible || !this.listed.some((node) => this.isChanging(node))) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.changed.fire(undefined);
    }, this.options.refreshMs);
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
function problemNode(session: AwsSession, error: unknown, what: string, refreshCommand: string): MessageNode {
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
