// Where a command writes: the CLI passes the process's streams, tests pass collectors.
export interface Io {
  out(text: string): void;
  err(text: string): void;
  /** Bytes to stdout as they are (a model's answer may not be text); default: out() of their UTF-8. */
  outBytes?(data: Buffer): void;
  /** All of standard input (smct invoke's default body); tests pass their own. */
  readStdin?(): Promise<Buffer>;
  /** Aborted on Ctrl-C. */
  readonly signal?: AbortSignal;
}
