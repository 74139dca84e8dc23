import * as path from 'node:path';
import * as vscode from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import { AwsSession } from './aws/awsSession';
import { CloudCommands, type JobArgument } from './aws/cloudCommands';
import { JobWatcher } from './aws/jobWatcher';
import { selectProfile, selectRegion } from './aws/profilePicker';
import { TrainingJobsProvider } from './aws/trainingJobsView';
import { JobCodeLensProvider } from './codeLens';
import { LocalJobs } from './commands/localJobs';
import { NewTrainingContainer, type NewContainerOutcome, type NewContainerQuestions } from './commands/newTrainingContainer';
import { markQuickFixes, registerQuickFixApplied } from './quickFixApplied';
import { endpointsBackend, servingEngine } from './serving/engineAdapter';
import { EndpointCommands, EndpointsProvider, type EndpointArgument } from './serving/endpointsView';
import { LocalServing } from './serving/localServing';

/** What activate() returns: the local jobs and the AWS parts, for the integration tests. */
export interface SageMakerExtensionApi {
  readonly local: { readonly jobs: LocalJobs };
  readonly aws: {
    readonly session: AwsSession;
    readonly trainingJobs: TrainingJobsProvider;
    readonly watcher: JobWatcher;
    readonly commands: CloudCommands;
  };
  readonly serving: { readonly local: LocalServing; readonly endpoints: EndpointsProvider; readonly endpointCommands: EndpointCommands };
  /** "New Training Container…" with the tests' answers instead of the questions (never reachable from a command link). */
  readonly newTrainingContainer: (answers: Partial<NewContainerQuestions>) => Promise<NewContainerOutcome>;
}

let client: LanguageClient | undefined;

let localJobs: LocalJobs | undefined;

let localServing: LocalServing | undefined;

/**
 * Starts the SageMaker language server for Dockerfiles and registers the commands. The analysis
 * only reads files, so it runs in untrusted workspaces too; the commands that run programs
 * (build, run locally, push, submit) are enabled only in trusted workspaces. The AWS SDK is not
 * loaded here: the AWS status bar item reads the settings only, and the SDK loads when an AWS
 * command runs, the Training Jobs view is shown, or a job watched in the last window is resumed.
 */
export async function activate(context: vscode.ExtensionContext): Promise<SageMakerExtensionApi> {
  const module = context.asAbsolutePath(path.join('dist', 'server.js'));
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6019'] } },
  };
  const clientOptions: LanguageClientOptions = {
    // Dockerfiles, and job files for SageMaker's limits (their schema is VS Code's JSON validation's).
    documentSelector: [
      { scheme: 'file', language: 'dockerfile' },
      { scheme: 'file', pattern: '**/sagemaker-job.json' },
    ],
    synchronize: { configurationSection: 'sagemakerContainerTools' },
    // In Restricted Mode the server ignores the build context that .smct.json names (see its InitializationOptions).
    initializationOptions: { trusted: vscode.workspace.isTrusted },
    outputChannelName: 'SageMaker Container Tools',
    // Applying one of our quick fixes runs a command the walkthrough's diagnostic step completes on.
    middleware: markQuickFixes,
  };
  client = new LanguageClient('sagemakerContainerTools', 'SageMaker Container Tools', serverOptions, clientOptions);
  const jobs = (localJobs = new LocalJobs(context.workspaceState));
  const session = new AwsSession();
  const watcher = new JobWatcher(session, context.workspaceState);
  const trainingJobs = new TrainingJobsProvider(session);
  const cloud = new CloudCommands(session, watcher, trainingJobs, jobs);
  const serving = (localServing = new LocalServing(servingEngine()));
  const backend = endpointsBackend();
  const endpoints = new EndpointsProvider(session, backend);
  const endpointCommands = new EndpointCommands(session, endpoints, backend);
  const command = (id: string, run: (...args: never[]) => unknown): vscode.Disposable => vscode.commands.registerCommand(`sagemakerContainerTools.${id}`, run);
  context.subscriptions.push(
    jobs,
    watcher,
    trainingJobs,
    serving,
    endpoints,
    session,
    watcher.onDidEnd(() => trainingJobs.refresh()),
    // After `aws sso login`, jobs whose following stopped for expired credentials are followed again.
    session.onDidRecover(() => void watcher.resume()),
    command('newTrainingContainer', () => new NewTrainingContainer().run()),
    registerQuickFixApplied(),
    command('selectAwsProfile', () => selectProfile(session)),
    command('selectAwsRegion', () => selectRegion(session)),
    command('fixAwsCredentials', () => session.fixCredentials()),
    command('awsSsoLogin', () => void session.ssoLogin()),
    command('pushImage', (uri?: vscode.Uri) => cloud.push(uri)),
    command('submitTrainingJob', (uri?: vscode.Uri) => cloud.submit(uri)),
    command('previewTrainingJobRequest', (uri?: vscode.Uri) => cloud.preview(uri)),
    command('refreshTrainingJobs', () => trainingJobs.refresh()),
    command('showTrainingJobLogs', (job?: JobArgument) => cloud.showLogs(job)),
    command('stopTrainingJob', (job?: JobArgument) => cloud.stop(job)),
    command('copyTrainingJobArn', (job?: JobArgument) => cloud.copyArn(job)),
    command('openTrainingJobInConsole', (job?: JobArgument) => cloud.openInConsole(job)),
    command('downloadModelArtifact', (job?: JobArgument) => cloud.download(job)),
    command('serveLocally', (uri?: vscode.Uri) => serving.serve(uri)),
    command('stopLocalEndpoint', (uri?: vscode.Uri) => serving.stop(uri)),
    command('invokeLocalEndpoint', (uri?: vscode.Uri) => serving.invoke(uri)),
    command('localEndpointActions', (uri?: vscode.Uri) => serving.actions(uri)),
    command('refreshEndpoints', () => endpoints.refresh()),
    command('invokeEndpoint', (endpoint?: EndpointArgument) => endpointCommands.invoke(endpoint)),
    command('deleteEndpoint', (endpoint?: EndpointArgument) => endpointCommands.delete(endpoint)),
    command('openEndpointLogs', (endpoint?: EndpointArgument) => endpointCommands.openLogs(endpoint)),
    command('copyEndpointName', (endpoint?: EndpointArgument) => endpointCommands.copyName(endpoint)),
    vscode.commands.registerCommand('sagemakerContainerTools.showServerOutput', () => client?.outputChannel.show()),
    vscode.commands.registerCommand('sagemakerContainerTools.restartServer', () => client?.restart()),
    vscode.commands.registerCommand('sagemakerContainerTools.buildImage', (uri?: vscode.Uri) => jobs.build(uri)),
    vscode.commands.registerCommand('sagemakerContainerTools.runLocalTraining', (uri?: vscode.Uri) => jobs.run(uri)),
    command('runLocalTrainingWithInterruption', (uri?: vscode.Uri, after?: unknown) => jobs.runWithInterruption(uri, after)),
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
  // Jobs followed when the window closed are followed again, after activation (it never waits for AWS).
  // In Restricted Mode, once the workspace is trusted.
  const resume = (): void => {
    if (watcher.watched().length > 0) setTimeout(() => void watcher.resume(), 0);
  };
  if (vscode.workspace.isTrusted) resume();
  else {
    context.subscriptions.push(
      vscode.workspace.onDidGrantWorkspaceTrust(() => {
        void client?.sendNotification('sagemakerContainerTools/workspaceTrusted');
        resume();
      }),
    );
  }
  return {
    local: { jobs },
    aws: { session, trainingJobs, watcher, commands: cloud },
    serving: { local: serving, endpoints, endpointCommands },
    newTrainingContainer: (answers) => new NewTrainingContainer({ ask: answers }).run(),
  };
}

export async function deactivate(): Promise<void> {
  // Closing the window kills local jobs and local endpoints, and waits until their containers, network and folders are removed.
  await Promise.all([localJobs?.killAll(), localServing?.stopAll()]);
  await client?.stop();
  client = undefined;
}
