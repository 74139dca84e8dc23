import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';

/** smct as users run it: bin/smct.js over the bundles. */
export const SMCT = path.resolve(__dirname, '../../../bin/smct.js');

export interface SmctRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** A running smct: its process (a test may press Ctrl-C), its output so far, and its end. */
export interface RunningSmct {
  readonly child: ChildProcess;
  readonly stdout: string;
  readonly stderr: string;
  readonly done: Promise<SmctRun>;
}

/** Starts smct in `cwd` with exactly `env`; a run ended by a signal has code 128. */
export function startSmct(args: readonly string[], options: { readonly cwd: string; readonly env: NodeJS.ProcessEnv }): RunningSmct {
  const child = spawn(process.execPath, [SMCT, ...args], { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const done = new Promise<SmctRun>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code: code ?? (signal ? 128 : 1), stdout, stderr }));
  });
  return {
    child,
    done,
    get stdout() {
      return stdout;
    },
    get stderr() {
      return stderr;
    },
  };
}

/** Runs smct to its end in `cwd` (with `env`, else this process's environment): its output and exit status. */
export function smctSync(
  args: readonly string[],
  cwd: string,
  env: NodeJS.ProcessEnv = process.env,
): { stdout: string; stderr: string; status: number | null } {
  const result = spawnSync(process.execPath, [SMCT, ...args], { cwd, env, encoding: 'utf8' });
  return { stdout: result.stdout, stderr: result.stderr, status: result.status };
}

/** Resolves with the first match of `pattern` in what `read` returns, polling while the process runs. */
export async function waitForOutput(read: () => string, pattern: RegExp, done: Promise<unknown>): Promise<RegExpExecArray> {
  let finished = false;
  void done.then(() => (finished = true));
  for (;;) {
    const match = pattern.exec(read());
    if (match) return match;
    if (finished) throw new Error(`the process ended without printing ${pattern}:\n${read()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
