import * as path from 'node:path';
import { ConfigError } from '../engine/projectConfig';
import { lintCommand, type CommandOutput } from './lint';
import { UsageError } from './usageError';
import { version } from '../../../package.json';

const USAGE = `Usage: smct <command> [options]

SageMaker Container Tools: catch what makes a custom SageMaker container fail, before the job starts.

Commands:
  lint FILE...      check Dockerfiles against the SageMaker container contract
  lsp --stdio       run the language server over stdio (for Neovim, Helix, Emacs, …)

Run "smct <command> --help" for a command's options. smct --version prints the version.
`;

/** Runs one command line; every expected failure becomes a one-line message and exit code 2. */
export function run(argv: readonly string[]): CommandOutput | 'server' {
  const [command, ...rest] = argv;
  try {
    if (command === undefined || command === '-h' || command === '--help' || command === 'help') return { stdout: USAGE, stderr: '', exitCode: 0 };
    if (command === '--version' || command === '-v') return { stdout: `${version}\n`, stderr: '', exitCode: 0 };
    if (command === 'lint') return lintCommand(rest);
    if (command === 'lsp') {
      if (rest.length !== 1 || rest[0] !== '--stdio') throw new UsageError('smct lsp speaks LSP over standard input and output only: run "smct lsp --stdio".');
      return 'server';
    }
    throw new UsageError(`unknown command "${command}". Commands: lint, lsp (see smct --help).`);
  } catch (error) {
    return { stdout: '', stderr: `smct: ${describeError(error)}\n`, exitCode: 2 };
  }
}

function describeError(error: unknown): string {
  if (error instanceof UsageError || error instanceof ConfigError) return error.message;
  // node:util parseArgs rejects unknown flags and missing values with ERR_PARSE_ARGS_* codes.
  const code = (error as NodeJS.ErrnoException)?.code ?? '';
  if (code.startsWith('ERR_PARSE_ARGS')) return `${(error as Error).message.replace(/\.?$/, '.')} See smct --help.`;
  return `internal error: ${(error as Error)?.message ?? String(error)}. Please report it with the command you ran.`;
}

export function main(): void {
  const outcome = run(process.argv.slice(2));
  if (outcome === 'server') {
    // The language server is bundled apart so that `smct lint` starts without loading it.
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- a runtime path, resolved next to this bundle
    require(path.join(__dirname, 'server.js'));
    return;
  }
  process.stdout.write(outcome.stdout);
  process.stderr.write(outcome.stderr);
  process.exitCode = outcome.exitCode;
}
