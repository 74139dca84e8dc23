import * as path from 'node:path';
import { URI } from 'vscode-uri';
import { DiagnosticSeverity, type Connection, type Diagnostic } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { checkJobFileText, JOB_FILE_NAME, jobFileProblems, keyPath, type LocatedProblem } from '../../../core/src';

export const JOB_FILE_SOURCE = 'smct';

/** Whether a document is a job file (`sagemaker-job.json`), which this feature checks instead of the Dockerfile rules. */
export function isJobFile(uri: string): boolean {
  return uri.startsWith('file:') && path.basename(URI.parse(uri).fsPath) === JOB_FILE_NAME;
}

/**
 * Diagnostics for job files: what `smct submit` would refuse beyond the JSON Schema (SageMaker's
 * limits), at the key that sets the refused value, in smct's words. The schema's own problems are
 * the editor's JSON validation's (VS Code validates the file against the same schema), so they are
 * not reported twice. Debounced like the Dockerfile diagnostics.
 */
export class JobFileDiagnostics {
  private readonly timers = new Map<string, NodeJS.Timeout>();

  constructor(
    private readonly connection: Connection,
    private readonly debounceMs: number,
  ) {}

  schedule(document: TextDocument): void {
    clearTimeout(this.timers.get(document.uri));
    this.timers.set(
      document.uri,
      setTimeout(() => {
        this.timers.delete(document.uri);
        this.validate(document);
      }, this.debounceMs),
    );
  }

  validate(document: TextDocument): void {
    let diagnostics: Diagnostic[] = [];
    try {
      diagnostics = beyondSchema(document.getText(), URI.parse(document.uri).fsPath).map(toDiagnostic);
    } catch (error) {
      this.connection.console.error(`Checking ${document.uri}: ${(error as Error)?.stack ?? String(error)}`);
    }
    void this.connection.sendDiagnostics({ uri: document.uri, version: document.version, diagnostics });
  }

  close(uri: string): void {
    clearTimeout(this.timers.get(uri));
    this.timers.delete(uri);
    void this.connection.sendDiagnostics({ uri, diagnostics: [] });
  }
}

/** The job file's problems that the schema alone does not find. */
function beyondSchema(text: string, file: string): LocatedProblem[] {
  const schema = new Set(checkJobFileText(text, undefined, file).map(identity));
  return jobFileProblems(text, { file }).filter((problem) => !schema.has(identity(problem)));
}

function identity(problem: LocatedProblem): string {
  return `${keyPath(problem.path)}\n${problem.message}`;
}

function toDiagnostic(problem: LocatedProblem): Diagnostic {
  return { range: problem.range, severity: DiagnosticSeverity.Error, source: JOB_FILE_SOURCE, message: problem.message };
}
