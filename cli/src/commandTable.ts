// smct's commands, once: the usage text, the dispatch and the unknown-command message all come from here.
import { jobsCommand, logsCommand, pushCommand, stopCommand, submitCommand } from './awsCommands';
import { checkCommand } from './check';
import { deleteCommand, deployCommand, endpointsCommand } from './endpointCommands';
import { initCommand } from './initCommand';
import { invokeCommand, modelsCommand } from './invokeCommand';
import { buildCommand, trainCommand } from './jobCommands';
import { lintCommand } from './lint';
import { serveCommand } from './serveCommand';
import type { Io } from './io';
import { transformCommand } from './transformCommand';
import { SmctError } from '../../core/src';

/** What a command ends with: an exit code, or 'server' for `smct lsp --stdio`, which hands the process to the language server. */
export type CommandOutcome = number | 'server';

export interface Command {
  readonly name: string;
  /** The arguments shown in the usage, after the name. */
  readonly synopsis: string;
  readonly summary: string;
  run(argv: readonly string[], io: Io): Promise<CommandOutcome>;
  /**
   * True for a command with nothing to stop (no container, no job): Ctrl-C and SIGTERM end it at
   * once (exit code 130), after stopping its short-lived `docker` processes through `io.signal`.
   * Its work is mostly synchronous: it must yield between pieces of work, or the signal waits.
   */
  readonly endsAtOnceOnSignal?: boolean;
}

export const COMMANDS: readonly Command[] = [
  { name: 'init', synopsis: 'FOLDER --template NAME', summary: 'write a new SageMaker training (and serving) container project', run: initCommand },
  {
    name: 'lint',
    synopsis: 'FILE...',
    summary: 'check Dockerfiles against the SageMaker container contract',
    endsAtOnceOnSignal: true,
    run: async (argv, io) => {
      const output = await lintCommand(argv, { signal: io.signal });
      io.out(output.stdout);
      io.err(output.stderr);
      return output.exitCode;
    },
  },
  { name: 'build', synopsis: '', summary: "lint, build and check the job's image (sagemaker-job.json)", run: buildCommand },
  { name: 'check', synopsis: 'IMAGE', summary: 'check a built image for what makes SageMaker fail to start it', run: checkCommand },
  { name: 'train', synopsis: '--local', summary: 'run the training job on the local Docker engine, as SageMaker would', run: trainCommand },
  { name: 'serve', synopsis: '--local', summary: 'serve the model on the local Docker engine, as SageMaker hosting would', run: serveCommand },
  {
    name: 'invoke',
    synopsis: '[--local | --url URL | ENDPOINT]',
    summary: 'send one request to a model, local or on SageMaker, and print its answer',
    run: invokeCommand,
  },
  { name: 'models', synopsis: '--local list|load|unload', summary: "list, load or unload a local multi-model container's models", run: modelsCommand },
  {
    name: 'transform',
    synopsis: '--local',
    summary: "run the job's batch transform on the local Docker engine, as SageMaker would",
    run: (argv, io) => transformCommand(argv, io),
  },
  { name: 'push', synopsis: '', summary: "push the job's image to Amazon ECR", run: pushCommand },
  { name: 'submit', synopsis: '', summary: 'build, check, push and send the training job to SageMaker (--wait follows it)', run: submitCommand },
  { name: 'logs', synopsis: 'JOB', summary: "print a training job's logs (--follow until it ends)", run: logsCommand },
  { name: 'stop', synopsis: 'JOB', summary: 'stop a training job', run: stopCommand },
  { name: 'jobs', synopsis: '', summary: 'list recent training jobs', run: jobsCommand },
  { name: 'deploy', synopsis: '', summary: "put the job's serving image and model behind a SageMaker endpoint", run: deployCommand },
  { name: 'endpoints', synopsis: '', summary: 'list SageMaker endpoints', run: endpointsCommand },
  { name: 'delete', synopsis: 'ENDPOINT', summary: 'delete an endpoint, its configuration and its model', run: (argv, io) => deleteCommand(argv, io) },
  {
    name: 'lsp',
    synopsis: '--stdio',
    summary: 'run the language server over stdio (for Neovim, Helix, Emacs, …)',
    run: async (argv) => {
      if (argv.length !== 1 || argv[0] !== '--stdio') {
        throw new SmctError('USAGE', 'smct lsp speaks LSP over standard input and output only: run "smct lsp --stdio".');
      }
      return 'server';
    },
  },
];

export function findCommand(name: string): Command | undefined {
  return COMMANDS.find((command) => command.name === name);
}

export function usage(): string {
  const left = (command: Command): string => `${command.name} ${command.synopsis}`.trim();
  const width = Math.max(...COMMANDS.map((command) => left(command).length)) + 2;
  const lines = COMMANDS.map((command) => `  ${left(command).padEnd(width)}${command.summary}`);
  return `Usage: smct <command> [options]

SageMaker Container Tools: catch what makes a custom SageMaker container fail, before the job starts.

Commands:
${lines.join('\n')}

Run "smct <command> --help" for a command's options. smct --version prints the version.
`;
}

export function unknownCommand(name: string): SmctError {
  return new SmctError('USAGE', `unknown command "${name}". Commands: ${COMMANDS.map((command) => command.name).join(', ')} (see smct --help).`);
}
