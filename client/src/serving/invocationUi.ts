import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { COMMON_CONTENT_TYPES, invocationMessage, languageForContentType, payloadContentType, succeeded } from './contentTypes';
import type { InvocationRequest, InvocationResponse } from './servingTypes';

/** What an "Invoke with Active File" command gives back (for the integration tests): the answer and where it was shown. */
export interface InvocationOutcome {
  readonly status: number;
  readonly contentType?: string;
  readonly milliseconds: number;
  readonly text: string;
  /** The untitled editor the answer opened in (a 2xx answer only). */
  readonly document?: vscode.Uri;
}

/**
 * The request the active editor makes: its saved bytes (exactly what is on disk, whatever the
 * encoding) or, when it has unsaved changes or no file, its text. The content type is the job's
 * serving.transform.contentType, else the file's extension's, else asked for.
 */
export async function activeFileRequest(job?: { readonly contentType?: string; readonly accept?: string }): Promise<InvocationRequest | undefined> {
  const document = vscode.window.activeTextEditor?.document;
  if (!document) {
    void vscode.window.showErrorMessage('Open the file to send in an editor first: its content is the request body.');
    return undefined;
  }
  const saved = document.uri.scheme === 'file' && !document.isDirty;
  const body = saved ? await fs.promises.readFile(document.uri.fsPath) : Buffer.from(document.getText(), 'utf8');
  const contentType = payloadContentType(document.fileName, job?.contentType) ?? (await askContentType(path.basename(document.fileName)));
  if (!contentType) return undefined;
  return { body, contentType, accept: job?.accept };
}

async function askContentType(fileName: string): Promise<string | undefined> {
  const other = 'Other…';
  const picked = await vscode.window.showQuickPick([...COMMON_CONTENT_TYPES, other], {
    title: `Content type of ${fileName}`,
    placeHolder: 'The Content-Type header the model receives',
  });
  if (picked !== other) return picked;
  const typed = await vscode.window.showInputBox({
    title: `Content type of ${fileName}`,
    prompt: 'A media type, such as application/x-image',
    validateInput: (value) => (/^[\w.+-]+\/[\w.+-]+(\s*;.*)?$/.test(value.trim()) ? undefined : 'A media type is type/subtype, such as text/csv'),
  });
  return typed?.trim() || undefined;
}

/**
 * The answer: a 2xx opens in an untitled editor (its language from the content type) with its
 * status and time as a message; anything else is an error message with the body's first line.
 * `logs` is the button that shows the endpoint's logs.
 */
export async function showInvocation(endpoint: string, response: InvocationResponse, logs: { title: string; open(): unknown }): Promise<InvocationOutcome> {
  const text = response.body.toString('utf8');
  const outcome = { status: response.status, contentType: response.contentType, milliseconds: response.milliseconds, text };
  const message = invocationMessage(endpoint, response);
  if (!succeeded(response.status)) {
    void vscode.window.showErrorMessage(message, logs.title).then((choice) => choice && logs.open());
    return outcome;
  }
  const wanted = languageForContentType(response.contentType);
  const language = (await vscode.languages.getLanguages()).includes(wanted) ? wanted : 'plaintext';
  const document = await vscode.workspace.openTextDocument({ language, content: text });
  await vscode.window.showTextDocument(document, { preview: false, viewColumn: vscode.ViewColumn.Beside, preserveFocus: true });
  void vscode.window.showInformationMessage(message);
  return { ...outcome, document: document.uri };
}
