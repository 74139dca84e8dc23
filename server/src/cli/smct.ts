import * as path from 'node:path';
import { ConfigError } from '../engine/projectConfig';
import { JobFileError } from '../job/trainingJob';
import { DockerUnavailableError } from '../local/docker';
import { LocalRunError } from '../local/localTraining';
import { killOwnContainers } from '../local/leftovers';
import { BuildError } from '../local/build';
import { isAwsCommandError } from '../aws/load';
import { jobsCommand, logsCommand, pushCommand, stopCommand, submitCommand } from './awsCommands';
import { buildCommand, trainCommand, type Io } from './jobCommands';
import { lintCommand } from './lint';
import { UsageError } from './usageError';
import { version } from '../../../package.json';

const USAGE = `Usage: smct <command> [options]

SageMaker Container Tools: catch what makes a custom SageMaker container fail, before the job starts.

Commands:
  lint FILE...      check Dockerfiles against the SageMaker container contract
  build             lint, then build the job's image (sagemaker-job.json)
  train --local     run the training job on the local Docker engine, as SageMaker would
  push              push the job's image to Amazon ECR
  submit            build, push and send the training job to SageMaker (--wait follows it)
  logs JOB          print a training job's logs (--follow until it ends)
  stop JOB          stop a training job
  jobs              list recent training jobs
  lsp --stdio       run the language server over stdio (for Neovim, Helix, Emacs, …)

Run "smct <command> --help" for a command's options. smct --version prints the version.
`;

const AWS_COMMANDS: Record<string, (argv: readonly string[], io: Io) => Promise<number>> = {
  push: pushCommand,
  submit: submitCommand,
  logs: logsCommand,
  stop: stopCommand,
  jobs: jobsCommand,
};

/** Runs one command line; every expected failure becomes a one-line message and exit code 2. */
export async function run(argv: readonly string[], io: Io): Promise<number | 'server'> {
  const [command, ...rest] = argv;
  try {
    if (command === undefined || command === '-h' || command === '--help' || command === 'help') {
      io.out(USAGE);
      return 0;
    }
    if (command === '--version' || command === '-v') {
      io.out(`${version}\n`);
      return 0;
    }
    if (command === 'lint') {
      const output = lintCommand(rest);
      io.out(output.stdout);
      io.err(output.stderr);
      return output.exitCode;
    }
    if (command === 'build') return await buildCommand(rest, io);
    if (command === 'train') return await trainCommand(rest, io);
    const awsCommand = AWS_COMMANDS[command];
    if (awsCommand) return await awsCommand(rest, io);
    if (command === 'lsp') {
      if (rest.length !== 1 || rest[0] !== '--stdio') throw new UsageError('smct lsp speaks LSP over standard input and output only: run "smct lsp --stdio".');
      return 'server';
    }
    throw new UsageError(`unknown command "${command}". Commands: lint, build, train, push, submit, logs, stop, jobs, lsp (see smct --help).`);
  } catch (error) {
    io.err(`smct: ${describeError(error)}\n`);
    // 130, as a shell reports a command ended by Ctrl-C.
    if ((error as Error)?.name === 'AbortError') return 130;
    return error instanceof UsageError || error instanceof ConfigError || error instanceof JobFileError || isParseError(error) ? 2 : 1;
  }
}

function isParseError(error: unknown): boolean {
  return ((error as NodeJS.ErrnoException)?.code ?? '').startsWith('ERR_PARSE_ARGS');
}

function describeError(error: unknown): string {
  const known = [UsageError, ConfigError, JobFileError, DockerUnavailableError, LocalRunError, BuildError];
  if (known.some((kind) => error instanceof kind) || isAwsCommandError(error)) return (error as Error).message;
  // node:util parseArgs rejects unknown flags and missing values with ERR_PARSE_ARGS_* codes.
  if (isParseError(error)) return `${(error as Error).message.replace(/\.?$/, '.')} See smct --help.`;
  if ((error as Error)?.name === 'AbortError') return 'cancelled.';
  return `internal error: ${(error as Error)?.message ?? String(error)}. Please report it with the command you ran.`;
}

export async function main(): Promise<void> {
  const abort = new AbortController();
  // Ctrl-C, a terminal closing or `kill`: stop as StopTrainingJob does (SIGTERM, grace, SIGKILL).
  // A second signal means now: kill this run's containers and quit.
  const onSignal = (): void => {
    if (abort.signal.aborted) {
      killOwnContainers();
      process.exit(130);
    }
    process.stderr.write('\nStopping… (press Ctrl-C again to quit at once)\n');
    abort.abort();
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, onSignal);
  const outcome = await run(process.argv.slice(2), {
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
    signal: abort.signal,
  });
  if (outcome === 'server') {
    // The language server is bundled apart so that `smct lint` starts without loading it.
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- a runtime path, resolved next to this bundle
    require(path.join(__dirname, 'server.js'));
    return;
  }
  process.exitCode = outcome;
}
