import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { RecordingProxy } from '../helpers/recordingProxy';
import { EXTENSION_ID, waitFor } from './helpers';

/** The harness (test/vscode/integration.test.ts) runs an AWS emulator and gives code-server its environment and this control URL. */
const CONTROL = process.env.SMCT_AWS_EMULATOR_CONTROL;

/** The parts of the extension's API this test uses. */
interface Api {
  readonly aws: {
    readonly trainingJobs: { getChildren(): Promise<unknown[]> };
  };
}

async function emulatorOperations(): Promise<string[]> {
  const response = await fetch(`${CONTROL}/requests`);
  return ((await response.json()) as { operation: string }[]).map((request) => request.operation);
}

suite("VS Code's proxy setting", () => {
  const http = (): vscode.WorkspaceConfiguration => vscode.workspace.getConfiguration('http');
  let proxy: RecordingProxy | undefined;
  const saved = { NO_PROXY: process.env.NO_PROXY, no_proxy: process.env.no_proxy };

  suiteSetup(function () {
    if (!CONTROL) this.skip(); // No AWS emulator (its official API models are missing): the harness said why.
  });

  teardown(async () => {
    await http().update('proxy', undefined, vscode.ConfigurationTarget.Global);
    if (saved.NO_PROXY === undefined) delete process.env.NO_PROXY;
    else process.env.NO_PROXY = saved.NO_PROXY;
    if (saved.no_proxy === undefined) delete process.env.no_proxy;
    else process.env.no_proxy = saved.no_proxy;
    await proxy?.close();
    proxy = undefined;
  });

  test('http.proxy carries the AWS calls of the Training Jobs view', async () => {
    const api = (await vscode.extensions.getExtension<Api>(EXTENSION_ID)?.activate()) as Api;
    proxy = new RecordingProxy();
    const address = await proxy.listen();
    const emulatorHost = new URL(String(process.env.AWS_ENDPOINT_URL)).host;
    // The emulator's environment says NO_PROXY=127.0.0.1,localhost, so that the other suites reach it
    // directly; the proxy and the emulator are both on 127.0.0.1 here, so with it the calls would go
    // straight to the emulator and the proxy would see nothing. This test clears it (in this
    // extension host, which the extension reads it from) and puts it back afterwards.
    delete process.env.NO_PROXY;
    delete process.env.no_proxy;
    // A new proxy drops the clients made without it (AwsSession), so the next call is a new connection.
    await http().update('proxy', `http://${address}`, vscode.ConfigurationTarget.Global);
    const before = (await emulatorOperations()).length;
    await vscode.commands.executeCommand('sagemakerContainerTools.refreshTrainingJobs');
    await api.aws.trainingJobs.getChildren();
    const operations = (await emulatorOperations()).slice(before);
    assert.ok(operations.includes('ListTrainingJobs'), `the emulator saw ${operations.join(', ')}`);
    await waitFor(
      'the proxy to see the calls to the emulator',
      () => proxy?.hosts ?? [],
      (hosts) => hosts.includes(emulatorHost),
    );
  });
});
