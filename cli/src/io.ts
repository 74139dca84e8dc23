// Where a command writes: the CLI passes the process's streams, tests pass collectors.
export interface Io {
  out(text: string): void;
  err(text: string): void;
  /** Aborted on Ctrl-C. */
  readonly signal?: AbortSignal;
}
