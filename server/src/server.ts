import {
  CodeActionKind,
  DidChangeConfigurationNotification,
  DidChangeWatchedFilesNotification,
  TextDocuments,
  TextDocumentSyncKind,
  type Connection,
  type InitializeResult,
} from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { codeActions } from './features/codeActions';
import { completion } from './features/completion';
import { DiagnosticsFeature, isTooBig } from './features/diagnostics';
import { DocumentSettings, SETTINGS_SECTION } from './features/documentSettings';
import { hover } from './features/hover';
import { LocalImageCache } from './features/localImages';
import { isJobFile, JobFileDiagnostics } from './features/jobFileDiagnostics';
import { VERSION as version, Analysis, FileSystemContext, RULE_IDS } from '../../core/src';

/** `initializationOptions` the server understands. */
export interface InitializationOptions {
  /** Pause after the last keystroke before analysing; 200 ms by default. */
  readonly debounceMs?: number;
  /** False in an untrusted workspace (VS Code's Restricted Mode); true when absent (editors without trust). */
  readonly trusted?: boolean;
  /**
   * False: never run docker to read base images, whatever the `readLocalImages` setting says (for
   * editors without settings, and tests without Docker). True when absent.
   */
  readonly readLocalImages?: boolean;
}

/** Sent by the client when the user trusts the workspace. */
export const WORKSPACE_TRUSTED_NOTIFICATION = 'sagemakerContainerTools/workspaceTrusted';

const DEFAULT_DEBOUNCE_MS = 200;

/** Serves SageMaker diagnostics, quick fixes, hovers and completion for Dockerfiles on a connection. */
export function startServer(connection: Connection): void {
  const documents = new TextDocuments(TextDocument);
  let settings = new DocumentSettings(connection, false);
  let diagnostics = new DiagnosticsFeature(connection, documents, settings, DEFAULT_DEBOUNCE_MS);
  let jobFiles = new JobFileDiagnostics(connection, DEFAULT_DEBOUNCE_MS);
  let images: LocalImageCache | undefined;
  let dynamicWatchers = false;
  let dynamicConfiguration = false;

  connection.onInitialize((params): InitializeResult => {
    const capabilities = params.capabilities;
    const options = (params.initializationOptions ?? {}) as InitializationOptions;
    settings = new DocumentSettings(connection, capabilities.workspace?.configuration === true, options.trusted !== false);
    settings.setWorkspaceFolders(params.workspaceFolders);
    const debounceMs = options.debounceMs ?? DEFAULT_DEBOUNCE_MS;
    images =
      options.readLocalImages === false
        ? undefined
        : new LocalImageCache((reference) => diagnostics.baseImageChanged(reference), { debounceMs, log: (message) => connection.console.info(message) });
    diagnostics = new DiagnosticsFeature(connection, documents, settings, debounceMs, images);
    jobFiles = new JobFileDiagnostics(connection, options.debounceMs ?? DEFAULT_DEBOUNCE_MS);
    dynamicWatchers = capabilities.workspace?.didChangeWatchedFiles?.dynamicRegistration === true;
    dynamicConfiguration = capabilities.workspace?.didChangeConfiguration?.dynamicRegistration === true;
    return {
      capabilities: {
        // Saves too: a saved Dockerfile's base image is read again (it may have been built since).
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental, save: { includeText: false } },
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
        hoverProvider: true,
        completionProvider: { triggerCharacters: ['/', '$', '{', '=', ','] },
      },
      serverInfo: { name: 'smct', version },
    };
  });

  connection.onInitialized(() => {
    if (dynamicConfiguration) void connection.client.register(DidChangeConfigurationNotification.type, { section: SETTINGS_SECTION });
    // Build-context files (scripts, their modes and line endings) and .smct.json feed the analysis.
    if (dynamicWatchers) void connection.client.register(DidChangeWatchedFilesNotification.type, { watchers: [{ globPattern: '**/*' }] });
  });

  connection.onDidChangeConfiguration(() => {
    settings.clear();
    diagnostics.scheduleAll();
  });
  connection.onNotification(WORKSPACE_TRUSTED_NOTIFICATION, () => {
    settings.trust();
    diagnostics.scheduleAll();
  });
  connection.onDidChangeWatchedFiles((params) => diagnostics.filesChanged(params.changes));

  // Job files get their own checks; everything else the client sends is a Dockerfile. Opening a
  // document fires onDidChangeContent right after onDidOpen: a Dockerfile is analysed at once on
  // opening and not again for that event; a job file is checked on the change, debounced as every change.
  const openedNow = new Set<string>();
  documents.onDidOpen((event) => {
    if (isJobFile(event.document.uri)) return;
    openedNow.add(event.document.uri);
    void diagnostics.validate(event.document.uri);
  });
  documents.onDidChangeContent((event) => {
    if (isJobFile(event.document.uri)) jobFiles.schedule(event.document);
    else if (!openedNow.delete(event.document.uri)) diagnostics.schedule(event.document);
  });
  documents.onDidSave((event) => {
    if (!isJobFile(event.document.uri)) diagnostics.saved(event.document.uri);
  });
  connection.onShutdown(() => images?.dispose());
  documents.onDidClose((event) => (isJobFile(event.document.uri) ? jobFiles.close(event.document.uri) : diagnostics.close(event.document.uri)));

  connection.onCodeAction((params) => {
    const document = dockerfile(params.textDocument.uri);
    const result = document && diagnostics.resultFor(document);
    return document && result ? codeActions(document, result, params) : [];
  });

  connection.onHover(async (params) => {
    const document = dockerfile(params.textDocument.uri);
    if (!document) return null;
    const cached = diagnostics.resultFor(document)?.analysis;
    const analysis = cached ?? (await freshAnalysis(document, settings, images));
    return hover(analysis, params.position);
  });

  connection.onCompletion((params) => {
    const document = dockerfile(params.textDocument.uri);
    return document ? completion(document, params.position) : [];
  });

  /** The open Dockerfile at this URI: hovers, completion and fixes are for Dockerfiles only, and not too big to analyse. */
  function dockerfile(uri: string): TextDocument | undefined {
    const document = isJobFile(uri) ? undefined : documents.get(uri);
    return document && !isTooBig(document) ? document : undefined;
  }

  documents.listen(connection);
  connection.listen();
}

async function freshAnalysis(document: TextDocument, settings: DocumentSettings, images: LocalImageCache | undefined): Promise<Analysis> {
  if (!document.uri.startsWith('file:')) return new Analysis(document.getText(), {}, RULE_IDS);
  const resolved = await settings.resolve(document.uri);
  const localImage = resolved.readLocalImages ? images?.lookup : undefined;
  return new Analysis(document.getText(), { context: new FileSystemContext(resolved.context), settings: resolved.lint, localImage }, RULE_IDS);
}
