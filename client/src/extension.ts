import * as path from 'node:path';
import * as vscode from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import { JobCodeLensProvider } from './codeLens';
import { LocalJobs } from './commands/localJobs';

let client: LanguageClient | undefined;

let localJobs: LocalJobs | undefined;

/**
 * Starts the SageMaker language server for Dockerfiles and registers the commands. The analysis
 * only reads files, so it runs in untrusted workspaces too; the commands that run programs
 * (build, run locally) are enabled only in trusted workspaces.
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
  const jobs = (localJobs = new LocalJobs());
  context.subscriptions.push(
    jobs,
    vscode.commands.registerCommand('sagemakerContainerTools.showServerOutput', () => client?.outputChannel.show()),
    vscode.commands.registerCommand('sagemakerContainerTools.restartServer', () => client?.restart()),
    vscode.commands.registerCommand('sagemakerContainerTools.buildImage', (uri?: vscode.Uri) => jobs.build(uri)),
    vscode.commands.registerCommand('sagemakerContainerTools.runLocalTraining', (uri?: vscode.Uri) => jobs.run(uri)),
    vscode.commands.registerCommand('sagemakerContainerTools.stopLocalTraining', () => jobs.stop()),
    vscode.languages.registerCodeLensProvider(
      [
        { scheme: 'file', pattern: '**/sagemaker-job.json' },
        { scheme: 'file', language: 'dockerfile' },
      ],
      new JobCodeLensProvider(),
    ),
  );
  await client.start();
}

export async function deactivate(): Promise<void> {
  // Closing the window kills local jobs and waits until their containers, network and folders are removed.
  await localJobs?.killAll();
  await client?.stop();
  client = undefined;
}
