import * as path from 'node:path';
import * as vscode from 'vscode';
import { JOB_FILE_NAME, isSmctError, loadTrainingJob, type TrainingJob } from '../../../core/src';

/**
 * The job file a command acts on: the one given (from a CodeLens or the explorer), the one next
 * to the given Dockerfile, the active editor's, or the workspace's (asking when there are several).
 */
export async function pickJobFile(target?: vscode.Uri): Promise<vscode.Uri | undefined> {
  const candidate = target ?? vscode.window.activeTextEditor?.document.uri;
  if (candidate?.scheme === 'file') {
    if (path.basename(candidate.fsPath) === JOB_FILE_NAME) return candidate;
    const sibling = vscode.Uri.file(path.join(path.dirname(candidate.fsPath), JOB_FILE_NAME));
    if (await exists(sibling)) return sibling;
  }
  const found = await vscode.workspace.findFiles(`**/${JOB_FILE_NAME}`, '**/node_modules/**', 50);
  if (found.length <= 1) {
    if (found.length === 0) {
      void vscode.window.showErrorMessage(`No ${JOB_FILE_NAME} in this workspace: create one next to your Dockerfile (see the README, "The job file").`);
    }
    return found[0];
  }
  const picked = await vscode.window.showQuickPick(
    found.map((uri) => ({ label: vscode.workspace.asRelativePath(uri), uri })),
    { placeHolder: 'Which training job?' },
  );
  return picked?.uri;
}

async function exists(uri: vscode.Uri): Promise<boolean> {
  try {
    await vscode.workspace.fs.stat(uri);
    return true;
  } catch {
    return false;
  }
}

/** Loads the job file; an invalid one is shown with a button that opens it. */
export async function loadJob(uri: vscode.Uri): Promise<TrainingJob | undefined> {
  try {
    return loadTrainingJob(uri.fsPath);
  } catch (error) {
    if (!isSmctError(error, 'JOB_FILE_INVALID')) throw error;
    const open = await vscode.window.showErrorMessage(error.message, 'Open Job File');
    if (open) await vscode.window.showTextDocument(uri);
    return undefined;
  }
}
