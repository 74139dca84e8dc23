import * as path from 'node:path';
import * as vscode from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';

let client: LanguageClient | undefined;

/**
 * Starts the SageMaker language server for Dockerfiles. The analysis only reads files, so it runs
 * in untrusted workspaces too; commands that run programs (build, train, push) arrive with their
 * own trust checks.
 */
export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const module = context.asAbsolutePath(path.join('dist', 'server.js'));
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6019'] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [{ scheme: 'file', language: 'dockerfile' }],
    synchronize: { configurationSection: 'sagemakerContainerTools' },
    outputChannelName: 'SageMaker Container Tools',
  };
  client = new LanguageClient('sagemakerContainerTools', 'SageMaker Container Tools', serverOptions, clientOptions);
  context.subscriptions.push(
    vscode.commands.registerCommand('sagemakerContainerTools.showServerOutput', () => client?.outputChannel.show()),
    vscode.commands.registerCommand('sagemakerContainerTools.restartServer', () => client?.restart()),
  );
  await client.start();
}

export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}
