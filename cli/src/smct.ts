import * as path from 'node:path';
import { exitCodeOf, isCancellation, isSmctError, killOwnContainers, removeOwnRunFolders, VERSION } from '../../core/src';
import { findCommand, unknownCommand, usage, type CommandOutcome } from './commandTable';
import type { Io } from './io';

/** Runs one command line; every expected failure becomes a one-line message and its exit code. */
export async function run(argv: readonly string[], io: Io): Promise<CommandOutcome> {
  const [name, ...rest] = argv;
  try {
    if (name === undefined || name === '-h' || name === '--help' || name === 'help') {
      io.out(usage());
      return 0;
    }
    if (name === '--version' || name === '-v') {
      io.out(`${VERSION}\n`);
      return 0;
    }
    const command = findCommand(name);
    if (!command) throw unknownCommand(name);
    return await command.run(rest, io);
  } catch (error) {
    io.err(`smct: ${describeError(error)}\n`);
    return isParseError(error) ? 2 : exitCodeOf(error);
  }
}

/** node:util parseArgs rejects unknown flags and missing values with ERR_PARSE_ARGS_* codes. */
function isParseError(error: unknown): boolean {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS');
}

function describeError(error: unknown): string {
  if (isSmctError(error)) return error.message;
  if (isParseError(error)) return `${(error as Error).message.replace(/\.?$/, '.')} See smct --help.`;
  if (isCancellation(error)) return 'cancelled.';
  return `internal error: ${(error as Error)?.message ?? String(error)}. Please report it with the command you ran.`;
}

export async function main(): Promise<void> {
  const abort = new AbortController();
  // Ctrl-C, a terminal closing or `kill`: stop as StopTrainingJob does (SIGTERM, grace, SIGKILL).
  // A second signal means now: kill this run's containers, remove its temporary folder (with the
  // hyperparameters in it) once nothing writes there any more, and quit.
  const onSignal = (): void => {
    if (abort.signal.aborted) {
      killOwnContainers();
      removeOwnRunFolders();
      process.exit(130);
    }
    process.stderr.write('\nStopping… (press Ctrl-C again to quit at once)\n');
    abort.abort();
  };
  // Commands with nothing to stop end at once; their docker processes (detached, so a Ctrl-C
  // does not reach them) are stopped first.
  const endAtOnce = (): void => {
    abort.abort();
    process.exit(130);
  };
  const name = process.argv[2];
  const quick = name !== undefined && findCommand(name)?.endsAtOnceOnSignal === true;
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, quick ? endAtOnce : onSignal);
  const outcome = await run(process.argv.slice(2), {
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
    outBytes: (data) => process.stdout.write(data),
    readStdin: async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks);
    },
    signal: abort.signal,
  });
  if (outcome === 'server') {
    // The language server is bundled apart so that `smct lint` starts without loading it.
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- a runtime path, resolved next to this bundle
    require(path.join(__dirname, 'server.js'));
    return;
  }
  process.exitCode = outcome;
  // After Ctrl-C the command has ended: work the SDK cannot cancel (a credential fetch) must not hold the exit.
  if (abort.signal.aborted) process.exit(outcome);
}
