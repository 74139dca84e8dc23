import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';

export const EXTENSION_ID = 'sagemaker-container-tools.sagemaker-container-tools';

/** The file of the test workspace (a copy of examples/). */
export function workspaceFile(relative: string): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the tests run in a workspace folder (a copy of examples/)');
  return vscode.Uri.joinPath(folder.uri, relative);
}

export async function openDockerfile(relative: string): Promise<vscode.TextDocument> {
  const document = await vscode.workspace.openTextDocument(workspaceFile(relative));
  await vscode.window.showTextDocument(document);
  assert.equal(document.languageId, 'dockerfile');
  return document;
}

/** Polls until the condition holds (never a fixed sleep); fails with the last value seen. */
export async function waitFor<T>(what: string, read: () => T | Promise<T>, accept: (value: T) => boolean, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let value = await read();
  while (!accept(value)) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}; last value: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
    value = await read();
  }
  return value;
}

export function ourDiagnostics(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((diagnostic) => diagnostic.source === 'SageMaker Container Tools');
}

export function ruleOf(diagnostic: vscode.Diagnostic): string {
  const code = diagnostic.code;
  return typeof code === 'object' && code !== null ? String(code.value) : String(code);
}

export function rules(uri: vscode.Uri): string[] {
  return ourDiagnostics(uri).map(ruleOf).sort();
}

export async function waitForRules(uri: vscode.Uri, accept: (rules: string[]) => boolean, what: string): Promise<string[]> {
  return waitFor(`diagnostics (${what}) on ${uri.path}`, () => rules(uri), accept);
}

/** Puts the document back as it is on disk. */
export async function revert(document: vscode.TextDocument): Promise<void> {
  await vscode.window.showTextDocument(document);
  await vscode.commands.executeCommand('workbench.action.files.revert');
}
