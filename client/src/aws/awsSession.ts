import * as vscode from 'vscode';
import { isCancellation, isSmctError, loadAws, type AwsClients, type AwsNetwork, type AwsTarget, type SmctError } from '../../../core/src';

export const AWS_SECTION = 'sagemakerContainerTools.aws';

/** The profile and region the user settings ask for; empty means the SDK's default (AWS_PROFILE, the profile's region). */
export function awsSettings(): { profile?: string; region?: string } {
  const config = vscode.workspace.getConfiguration(AWS_SECTION);
  return { profile: config.get<string>('profile')?.trim() || undefined, region: config.get<string>('region')?.trim() || undefined };
}

/**
 * The proxy and CAs for the AWS half: the editor's `http.proxy` setting, when set, over
 * HTTPS_PROXY and HTTP_PROXY, with `http.proxyStrictSSL: false` then turning off certificate checks
 * (a proxy that re-signs TLS); NO_PROXY and AWS_CA_BUNDLE still come from the environment. Given
 * explicitly, the proxy reaches the SDK's own agents whatever the editor's http.proxySupport does.
 */
function editorNetwork(aws: ReturnType<typeof loadAws>): AwsNetwork {
  const http = vscode.workspace.getConfiguration('http');
  const proxy = http.get<string>('proxy')?.trim();
  if (!proxy) return aws.awsNetwork(process.env);
  const env = { ...process.env, HTTPS_PROXY: proxy, https_proxy: proxy, HTTP_PROXY: proxy, http_proxy: proxy };
  return aws.awsNetwork(env, http.get<boolean>('proxyStrictSSL') ?? true);
}

/** An engine error whose message says what to do: an SmctError, whichever bundle made it. */
export function isExplained(error: unknown): error is SmctError {
  return isSmctError(error);
}

export function isCredentialsProblem(error: unknown): error is SmctError {
  return isSmctError(error, 'AWS_CREDENTIALS');
}

export function isAbort(error: unknown): boolean {
  return isCancellation(error);
}

export interface StatusBarSnapshot {
  readonly text: string;
  readonly tooltip: string;
  readonly backgroundColor?: string;
  readonly command?: string;
}

const WARNING_BACKGROUND = 'statusBarItem.warningBackground';
const LOGIN = 'Log In (aws sso login)';
const PICK_PROFILE = 'Select Another Profile';

/**
 * The AWS identity the commands act as: the target from the settings, one set of SDK clients per
 * target, the credential check (STS GetCallerIdentity, through the engine), and the status bar
 * item that shows it. Until a command needs AWS, only the settings are read: the SDK is not loaded.
 */
export class AwsSession implements vscode.Disposable {
  /** Push and submit output, and the stack of unexpected errors. */
  readonly output = vscode.window.createOutputChannel('SageMaker AWS');
  private readonly status = vscode.window.createStatusBarItem('sagemakerContainerTools.aws', vscode.StatusBarAlignment.Left, 49);
  private readonly clients = new Map<string, AwsClients>();
  /** Targets whose credentials were accepted, by key; a credentials failure removes its target. */
  private readonly checked = new Map<string, Promise<void>>();
  private resolved?: AwsTarget;
  private account?: string;
  private problem?: Error;
  private readonly changed = new vscode.EventEmitter<void>();
  /** The settings' target changed, or credentials that failed work again: what was listed should be listed again. */
  readonly onDidChange = this.changed.event;
  private readonly recoveredEmitter = new vscode.EventEmitter<void>();
  /** `aws sso login` succeeded: what failed for credentials can be tried again. */
  readonly onDidRecover = this.recoveredEmitter.event;
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor() {
    this.status.name = 'SageMaker AWS Profile';
    this.subscriptions.push(
      this.changed,
      this.recoveredEmitter,
      vscode.workspace.onDidChangeConfiguration((event) => {
        // A new proxy: clients made with the old one go, and what failed through it can be tried again.
        if (event.affectsConfiguration('http.proxy') || event.affectsConfiguration('http.proxyStrictSSL')) this.recovered();
        if (!event.affectsConfiguration(AWS_SECTION)) return;
        this.resolved = undefined;
        this.account = undefined;
        this.problem = undefined;
        this.render();
        this.changed.fire();
      }),
      vscode.workspace.onDidGrantWorkspaceTrust(() => {
        this.render();
        this.changed.fire();
      }),
      vscode.window.onDidCloseTerminal((terminal) => {
        // After `aws sso login` succeeds, the next call gets fresh credentials.
        if (terminal.name.startsWith('aws sso login') && terminal.exitStatus?.code === 0) this.recovered();
      }),
    );
    this.render();
    this.status.show();
  }

  /** The target of the settings (and of the job file's region, when given): resolved, its credentials checked. */
  async clientsForSettings(jobRegion?: string): Promise<AwsClients> {
    let target: AwsTarget;
    try {
      target = await loadAws().resolveAwsTarget({ ...awsSettings(), jobRegion });
    } catch (error) {
      this.noteError(error);
      throw error;
    }
    if (jobRegion === undefined) {
      this.resolved = target;
      this.render();
    }
    return this.clientsFor(target);
  }

  /** The clients of one target (a watched job's), its credentials checked once until they fail. */
  async clientsFor(target: AwsTarget): Promise<AwsClients> {
    const aws = loadAws();
    const key = keyOf(target);
    let clients = this.clients.get(key);
    if (!clients) {
      this.clients.set(key, (clients = new aws.AwsClients({ profile: target.profile, region: target.region }, undefined, editorNetwork(aws))));
    }
    let check = this.checked.get(key);
    if (!check) {
      const made = clients;
      check = (async () => {
        try {
          const identity = await made.sts.send(new aws.GetCallerIdentityCommand({}));
          if (this.isCurrent(target)) this.account = identity.Account;
        } catch (error) {
          throw aws.explainAwsError(error, 'GetCallerIdentity', target);
        }
      })();
      this.checked.set(key, check);
    }
    try {
      await check;
    } catch (error) {
      this.checked.delete(key);
      this.noteError(error, target);
      throw error;
    }
    this.noteSuccess(target);
    return clients;
  }

  /** The current target as last resolved, if any. */
  get target(): AwsTarget | undefined {
    return this.resolved;
  }

  /** A call of `target` went through: a credentials warning for it is over. */
  noteSuccess(target: AwsTarget): void {
    if (this.problem && this.isCurrent(target)) {
      this.problem = undefined;
      this.render();
    }
  }

  /** A failed call: credentials and region problems turn the status bar item to a warning. */
  noteError(error: unknown, target?: AwsTarget): void {
    if (isCredentialsProblem(error)) {
      if (target) {
        // New clients next time: the SDK's memoized provider would keep the rejected credentials.
        const key = keyOf(target);
        this.checked.delete(key);
        this.clients.get(key)?.destroy();
        this.clients.delete(key);
      }
      if (!target || this.isCurrent(target)) {
        this.problem = error;
        this.render();
      }
    } else if (isSmctError(error, 'REGION_MISSING')) {
      this.problem = error;
      this.render();
    }
  }

  /**
   * Shows a failure as a notification that says what to do, with the fixing actions for
   * credentials and region problems. Unexpected errors get their stack in the output channel,
   * never in the notification.
   */
  async reportError(error: unknown, doing?: string, target?: AwsTarget): Promise<void> {
    // A cancellation the engine explains (a job that may have been created all the same) is said; a bare one is not.
    if (isSmctError(error, 'CANCELLED')) {
      void vscode.window.showWarningMessage(error.message);
      return;
    }
    if (isAbort(error)) return;
    this.noteError(error, target);
    const message = (error as Error)?.message ?? String(error);
    if (isCredentialsProblem(error)) {
      await this.offerCredentialFix(error, 'error');
    } else if (isSmctError(error, 'REGION_MISSING')) {
      const choice = await vscode.window.showErrorMessage(message, 'Select Region');
      if (choice) await vscode.commands.executeCommand('sagemakerContainerTools.selectAwsRegion');
    } else if (isExplained(error) || isSmctError(error, 'DOCKER_UNAVAILABLE')) {
      await vscode.window.showErrorMessage(message);
    } else {
      this.output.appendLine(`${doing ? `${doing}: ` : ''}${(error as Error)?.stack ?? message}`);
      const choice = await vscode.window.showErrorMessage(`${doing ? `${doing} failed: ` : ''}${message}`, 'Show Output');
      if (choice) this.output.show();
    }
  }

  /** The status bar item's action while it warns: log in again, or pick another profile (or region). */
  async fixCredentials(): Promise<void> {
    if (this.problem && isCredentialsProblem(this.problem)) return this.offerCredentialFix(this.problem, 'warning');
    if (this.problem) {
      const choice = await vscode.window.showWarningMessage(this.problem.message, 'Select Region');
      if (choice) await vscode.commands.executeCommand('sagemakerContainerTools.selectAwsRegion');
      return;
    }
    await vscode.commands.executeCommand('sagemakerContainerTools.selectAwsProfile');
  }

  /** `aws sso login [--profile X]` in a terminal: the AWS CLI run directly (never through a shell), so the profile name is never parsed by one. */
  ssoLogin(profile = this.resolved?.profile ?? (awsSettings().profile || process.env.AWS_PROFILE || undefined)): vscode.Terminal {
    const args = ['sso', 'login', ...(profile ? ['--profile', profile] : [])];
    const terminal = vscode.window.createTerminal({ name: `aws sso login${profile ? ` (${profile})` : ''}`, shellPath: 'aws', shellArgs: args });
    terminal.show();
    return terminal;
  }

  /** For the tests and the tree's message item: what the status bar item shows. */
  statusBar(): StatusBarSnapshot {
    return {
      text: this.status.text,
      tooltip: typeof this.status.tooltip === 'string' ? this.status.tooltip : (this.status.tooltip?.value ?? ''),
      backgroundColor: this.status.backgroundColor ? WARNING_BACKGROUND : undefined,
      command: typeof this.status.command === 'string' ? this.status.command : this.status.command?.command,
    };
  }

  /** How the status bar and the view name the identity: the profile, else where the default chain finds credentials. */
  identityLabel(target: { profile?: string }): string {
    return target.profile ?? (process.env.AWS_ACCESS_KEY_ID ? 'environment' : 'default');
  }

  /** The last credentials or region problem, while it lasts. */
  get currentProblem(): Error | undefined {
    return this.problem;
  }

  private async offerCredentialFix(error: SmctError, level: 'error' | 'warning'): Promise<void> {
    const actions = error.fix?.startsWith('aws sso login') ? [LOGIN, PICK_PROFILE] : [PICK_PROFILE];
    const show = level === 'error' ? vscode.window.showErrorMessage : vscode.window.showWarningMessage;
    const choice = await show(error.message, ...actions);
    if (choice === LOGIN) this.ssoLogin();
    else if (choice === PICK_PROFILE) await vscode.commands.executeCommand('sagemakerContainerTools.selectAwsProfile');
  }

  private recovered(): void {
    for (const clients of this.clients.values()) clients.destroy();
    this.clients.clear();
    this.checked.clear();
    this.problem = undefined;
    this.render();
    this.changed.fire();
    this.recoveredEmitter.fire();
  }

  /** Whether `target` uses the identity the status bar shows (credentials are a profile's, whatever the region). */
  private isCurrent(target: AwsTarget): boolean {
    const current = this.resolved?.profile ?? (awsSettings().profile || process.env.AWS_PROFILE || undefined);
    return (target.profile ?? '') === (current ?? '');
  }

  private render(): void {
    const settings = awsSettings();
    const profile = this.resolved?.profile ?? (settings.profile || process.env.AWS_PROFILE || undefined);
    const name = this.identityLabel({ profile });
    const region = this.resolved?.region ?? settings.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
    const where = region ? ` (${region})` : '';
    if (this.problem) {
      this.status.text = `$(warning) AWS: ${name}${where}`;
      this.status.backgroundColor = new vscode.ThemeColor(WARNING_BACKGROUND);
      this.status.tooltip = `${this.problem.message}\n\nClick to fix.`;
      this.status.command = 'sagemakerContainerTools.fixAwsCredentials';
      return;
    }
    this.status.text = `$(cloud) AWS: ${name}${where}`;
    this.status.backgroundColor = undefined;
    if (!vscode.workspace.isTrusted) {
      this.status.tooltip = 'The AWS commands are disabled in Restricted Mode. Click to manage Workspace Trust.';
      this.status.command = 'workbench.trust.manage';
      return;
    }
    const identity = this.account ? `Account ${this.account}. ` : '';
    const source = profile ? `Profile "${profile}"` : name === 'environment' ? 'Credentials from the environment' : 'The default profile';
    this.status.tooltip = `${source}, region ${region ?? 'of the profile'}. ${identity}Click to select another profile.`;
    this.status.command = 'sagemakerContainerTools.selectAwsProfile';
  }

  dispose(): void {
    for (const clients of this.clients.values()) clients.destroy();
    this.clients.clear();
    this.status.dispose();
    this.output.dispose();
    this.subscriptions.forEach((subscription) => subscription.dispose());
  }
}

function keyOf(target: AwsTarget): string {
  return `${target.profile ?? ''}\n${target.region}`;
}
