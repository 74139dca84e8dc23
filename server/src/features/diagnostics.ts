import * as path from 'node:path';
import { URI } from 'vscode-uri';
import { DiagnosticSeverity, type Connection, type Diagnostic, type FileEvent, type TextDocuments } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { DocumentSettings } from './documentSettings';
import type { LocalImageCache } from './localImages';
import { DIAGNOSTIC_SOURCE, toDiagnostic } from './diagnosticConversion';
import { isJobFile } from './jobFileDiagnostics';
import { baseReferenceOf, CONFIG_FILE_NAME, FileSystemContext, lintDockerfile, MAX_DOCKERFILE_BYTES, type LintResult } from '../../../core/src';

interface DocumentResult {
  readonly version: number;
  readonly result: LintResult;
  /** Build-context files and folders the analysis read, to re-run it when one changes. */
  readonly touched: ReadonlySet<string>;
  /** The base image read from the local engine for this analysis, to re-run it when what is known of it changes. */
  readonly baseReference: string | undefined;
}

/**
 * Publishes diagnostics for `file:` Dockerfiles: debounced while typing, re-run when a
 * build-context file that a rule read changes, and never allowed to crash the server.
 */
export class DiagnosticsFeature {
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly results = new Map<string, DocumentResult>();

  constructor(
    private readonly connection: Connection,
    private readonly documents: TextDocuments<TextDocument>,
    private readonly settings: DocumentSettings,
    private readonly debounceMs: number,
    /** Base images read in the background; undefined when the server may not run docker. */
    private readonly images?: LocalImageCache,
  ) {}

  schedule(document: TextDocument): void {
    if (!document.uri.startsWith('file:') || isJobFile(document.uri)) return;
    clearTimeout(this.timers.get(document.uri));
    this.timers.set(
      document.uri,
      setTimeout(() => {
        this.timers.delete(document.uri);
        void this.validate(document.uri);
      }, this.debounceMs),
    );
  }

  scheduleAll(): void {
    for (const document of this.documents.all()) this.schedule(document);
  }

  close(uri: string): void {
    clearTimeout(this.timers.get(uri));
    this.timers.delete(uri);
    this.results.delete(uri);
    this.settings.clear(uri);
    void this.connection.sendDiagnostics({ uri, diagnostics: [] });
  }

  /** The last analysis of this exact version of the document, for code actions and hovers. */
  resultFor(document: TextDocument): LintResult | undefined {
    const cached = this.results.get(document.uri);
    return cached?.version === document.version ? cached.result : undefined;
  }

  /** What is known of a base image changed (read for the first time, built or pulled since): re-analyse the documents built on it. */
  baseImageChanged(reference: string): void {
    for (const [uri, cached] of this.results) {
      const document = this.documents.get(uri);
      if (document && cached.baseReference === reference) this.schedule(document);
    }
  }

  /** A saved Dockerfile's base image is read again, in case it was built or pulled since it was last read. */
  saved(uri: string): void {
    const base = this.results.get(uri)?.baseReference;
    if (base === undefined || !this.images) return;
    this.images.expire(base);
    this.images.want(base);
  }

  /** Re-runs the analysis of documents that read a changed file (or of all, when a config file changed). */
  filesChanged(changes: readonly FileEvent[]): void {
    const changed = changes.map((change) => URI.parse(change.uri).fsPath);
    if (changed.some((file) => path.basename(file) === CONFIG_FILE_NAME)) {
      this.settings.clear();
      this.scheduleAll();
      return;
    }
    for (const [uri, cached] of this.results) {
      const document = this.documents.get(uri);
      if (document && changed.some((file) => cached.touched.has(file) || cached.touched.has(path.dirname(file)))) this.schedule(document);
    }
  }

  async validate(uri: string): Promise<void> {
    const document = this.documents.get(uri);
    if (!document || !uri.startsWith('file:') || isJobFile(uri)) return;
    if (isTooBig(document)) {
      this.results.delete(uri);
      await this.connection.sendDiagnostics({ uri, version: document.version, diagnostics: [tooBigDiagnostic()] });
      return;
    }
    try {
      const settings = await this.settings.resolve(uri);
      if (settings.configError) this.connection.console.warn(settings.configError);
      const current = this.documents.get(uri);
      if (!current || current.version !== document.version) return;
      const context = new FileSystemContext(settings.context);
      const images = settings.readLocalImages ? this.images : undefined;
      const result = lintDockerfile(document.getText(), { context, settings: settings.lint, localImage: images?.lookup });
      const baseReference = images ? baseReferenceOf(result.analysis.model) : undefined;
      if (baseReference !== undefined) images?.want(baseReference);
      for (const failure of result.failures) {
        this.connection.console.error(`Rule ${failure.rule} failed on ${uri}: ${(failure.error as Error)?.stack ?? String(failure.error)}`);
      }
      this.results.set(uri, { version: document.version, result, touched: context.touched, baseReference });
      await this.connection.sendDiagnostics({
        uri,
        version: document.version,
        diagnostics: [...contextLimitDiagnostics(result), ...result.findings.map(toDiagnostic)],
      });
    } catch (error) {
      this.connection.console.error(`Analysis of ${uri} failed: ${(error as Error)?.stack ?? String(error)}`);
    }
  }
}

/** A note at the top when the build context was too big to read fully, so missing findings are explained. */
function contextLimitDiagnostics(result: LintResult): Diagnostic[] {
  if (!result.contextLimit) return [];
  return [
    {
      range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
      severity: DiagnosticSeverity.Information,
      source: DIAGNOSTIC_SOURCE,
      message: `The build context was not read completely (${result.contextLimit}): findings about its files may be missing.`,
    },
  ];
}

/**
 * True for a document larger than smct lint reads: no real Dockerfile is, and analysing one would
 * block the server for seconds on every change.
 */
export function isTooBig(document: TextDocument): boolean {
  const text = document.getText();
  // Each character is at least one byte: most documents are decided without encoding them.
  return text.length > MAX_DOCKERFILE_BYTES || Buffer.byteLength(text, 'utf8') > MAX_DOCKERFILE_BYTES;
}

function tooBigDiagnostic(): Diagnostic {
  return {
    range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
    severity: DiagnosticSeverity.Warning,
    source: DIAGNOSTIC_SOURCE,
    message: `This file is too big to analyse: it is larger than ${MAX_DOCKERFILE_BYTES / 1024 / 1024} MB, which no Dockerfile is (smct lint refuses it too).`,
  };
}
