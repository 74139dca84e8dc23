import { PassThrough, type Readable, type Writable } from 'node:stream';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection } from 'vscode-languageserver-protocol/node';
import type { Diagnostic, InitializeResult, PublishDiagnosticsParams } from 'vscode-languageserver-protocol';
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { startServer } from '../../server/src/server';

/**
 * A real LSP client (vscode-jsonrpc) talking to a real server connection over a pair of
 * streams: in-process (PassThrough pairs) or a child process's stdio. It answers the server's
 * `workspace/configuration` requests with `settings`, and keeps every diagnostics notification.
 */
export class TestClient {
  readonly connection: MessageConnection;
  settings: Record<string, unknown> = {};
  readonly logs: string[] = [];
  readonly registrations: string[] = [];
  private readonly published: PublishDiagnosticsParams[] = [];
  private readonly waiters: (() => void)[] = [];

  constructor(input: Readable, output: Writable) {
    this.connection = createMessageConnection(new StreamMessageReader(input), new StreamMessageWriter(output));
    this.connection.onRequest('workspace/configuration', (params: { items: unknown[] }) => params.items.map(() => this.settings));
    this.connection.onRequest('client/registerCapability', (params: { registrations: { method: string }[] }) => {
      this.registrations.push(...params.registrations.map((registration) => registration.method));
      return null;
    });
    this.connection.onNotification('window/logMessage', (params: { message: string }) => this.logs.push(params.message));
    this.connection.onNotification('textDocument/publishDiagnostics', (params: PublishDiagnosticsParams) => {
      this.published.push(params);
      this.waiters.splice(0).forEach((wake) => wake());
    });
    this.connection.listen();
  }

  /** A server started in this process on PassThrough streams. */
  static inProcess(): TestClient {
    const toServer = new PassThrough();
    const toClient = new PassThrough();
    const server = createConnection(ProposedFeatures.all, new StreamMessageReader(toServer), new StreamMessageWriter(toClient));
    startServer(server);
    const client = new TestClient(toClient, toServer);
    client.inProcessServer = true;
    client.onDispose = () => {
      server.dispose();
      toServer.destroy();
      toClient.destroy();
    };
    return client;
  }

  private onDispose: () => void = () => undefined;
  private inProcessServer = false;

  async initialize(rootPath: string, initializationOptions: Record<string, unknown> = { debounceMs: 0 }): Promise<InitializeResult> {
    const rootUri = `file://${rootPath}`;
    const result = await this.connection.sendRequest<InitializeResult>('initialize', {
      // In-process, the server must not watch this process (its timer would keep the test alive).
      processId: this.inProcessServer ? null : process.pid,
      rootUri,
      workspaceFolders: [{ uri: rootUri, name: 'test' }],
      // The server runs no docker in these tests (test:fast has no Docker) unless a test asks for it.
      initializationOptions: { readLocalImages: false, ...initializationOptions },
      capabilities: {
        workspace: { configuration: true, didChangeConfiguration: { dynamicRegistration: true }, didChangeWatchedFiles: { dynamicRegistration: true } },
        textDocument: {
          publishDiagnostics: { versionSupport: true },
          codeAction: { codeActionLiteralSupport: { codeActionKind: { valueSet: ['quickfix'] } } },
        },
      },
    });
    await this.connection.sendNotification('initialized', {});
    return result;
  }

  async open(uri: string, text: string, version = 1): Promise<void> {
    await this.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'dockerfile', version, text } });
  }

  async save(uri: string): Promise<void> {
    await this.connection.sendNotification('textDocument/didSave', { textDocument: { uri } });
  }

  async change(uri: string, text: string, version: number): Promise<void> {
    await this.connection.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [{ text }] });
  }

  /** Polls the notifications until one for `uri` satisfies the predicate (no fixed sleeps). */
  async diagnostics(
    uri: string,
    accept: (diagnostics: Diagnostic[], params: PublishDiagnosticsParams) => boolean = () => true,
    timeoutMs = 10_000,
  ): Promise<Diagnostic[]> {
    const deadline = Date.now() + timeoutMs;
    let seen = 0;
    for (;;) {
      for (; seen < this.published.length; seen++) {
        const params = this.published[seen];
        if (params.uri === uri && accept(params.diagnostics, params)) return params.diagnostics;
      }
      const remaining = deadline - Date.now();
      if (remaining <= 0) {
        throw new Error(
          `no matching diagnostics for ${uri}; got ${JSON.stringify(this.published.filter((p) => p.uri === uri).map((p) => p.diagnostics.map((d) => d.code)))}`,
        );
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, remaining);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  publishedFor(uri: string): PublishDiagnosticsParams[] {
    return this.published.filter((params) => params.uri === uri);
  }

  async shutdown(): Promise<void> {
    await this.connection.sendRequest('shutdown');
    this.connection.dispose();
    this.onDispose();
  }
}

export function codes(diagnostics: readonly Diagnostic[]): string[] {
  return diagnostics.map((diagnostic) => String(diagnostic.code));
}
