import * as path from 'node:path';
import * as vscode from 'vscode';
import { JOB_FILE_NAME } from '../../core/src';

/**
 * "Build Image" and "Run Training Job Locally" above a job file, and above a Dockerfile that has
 * a job file next to it; "Run with a Spot Interruption" too when the job is a spot job;
 * "Submit to SageMaker" and "Serve Locally" above the job file.
 */
export class JobCodeLensProvider implements vscode.CodeLensProvider {
  async provideCodeLenses(document: vscode.TextDocument): Promise<vscode.CodeLens[]> {
    if (document.uri.scheme !== 'file') return [];
    const jobFile =
      path.basename(document.uri.fsPath) === JOB_FILE_NAME ? document.uri : vscode.Uri.file(path.join(path.dirname(document.uri.fsPath), JOB_FILE_NAME));
    if (jobFile !== document.uri) {
      try {
        await vscode.workspace.fs.stat(jobFile);
      } catch {
        return [];
      }
    }
    const top = new vscode.Range(0, 0, 0, 0);
    const lenses = [
      new vscode.CodeLens(top, { title: '$(package) Build Image', command: 'sagemakerContainerTools.buildImage', arguments: [jobFile] }),
      new vscode.CodeLens(top, { title: '$(play) Run Training Job Locally', command: 'sagemakerContainerTools.runLocalTraining', arguments: [jobFile] }),
    ];
    if (await isSpotJob(jobFile)) {
      lenses.push(
        new vscode.CodeLens(top, {
          title: '$(debug-restart) Run with a Spot Interruption',
          command: 'sagemakerContainerTools.runLocalTrainingWithInterruption',
          arguments: [jobFile],
        }),
      );
    }
    if (jobFile === document.uri) {
      lenses.push(
        new vscode.CodeLens(top, { title: '$(cloud-upload) Submit to SageMaker', command: 'sagemakerContainerTools.submitTrainingJob', arguments: [jobFile] }),
        new vscode.CodeLens(top, { title: '$(radio-tower) Serve Locally', command: 'sagemakerContainerTools.serveLocally', arguments: [jobFile] }),
      );
    }
    return lenses;
  }
}

/** Whether the job file asks for spot instances: a quick read, no validation (the command validates). */
async function isSpotJob(jobFile: vscode.Uri): Promise<boolean> {
  try {
    const open = vscode.workspace.textDocuments.find((document) => document.uri.toString() === jobFile.toString());
    const text = open?.getText() ?? new TextDecoder().decode(await vscode.workspace.fs.readFile(jobFile));
    return (JSON.parse(text) as { spot?: unknown }).spot === true;
  } catch {
    return false;
  }
}
