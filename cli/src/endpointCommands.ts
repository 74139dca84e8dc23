import { parseArgs } from 'node:util';
import * as readline from 'node:readline/promises';
import { AWS_FLAGS, AWS_OPTIONS_HELP, LIST_FLAGS, clientsFor, listMax, printUsage } from './awsOptions';
import type { Io } from './io';
import { isCancellation, isSmctError, JOB_FILE_NAME, SmctError, loadAws, loadTrainingJob, type AwsClients } from '../../core/src';

export const DEPLOY_USAGE = `Usage: smct deploy [--job FILE] [--from-job NAME] [--no-wait] [--role ARN] [--profile NAME] [--region REGION]

Puts the job file's serving image and model behind a SageMaker real-time (or serverless) endpoint,
named by serving.endpointName. A local image is pushed to ECR; the model is serving.model (an
s3:// URI, or a local model.tar.gz that is uploaded to the job's S3 output path). An existing
endpoint is updated: it serves the old model until the new one is InService.
  --from-job NAME      serve the model of this Completed training job instead of serving.model
  --no-wait            return once the endpoint is being created; do not follow it to InService
  --role ARN           the execution role (default: the job file's roleArn)
  --poll-interval S    seconds between status and log reads while following (default 15)
${AWS_OPTIONS_HELP}
Exit codes: 0 InService (with --no-wait: requested), 1 Failed or refused by AWS, 2 usage or job
file problems, 130 Ctrl-C (the deployment goes on in SageMaker).
`;

export const ENDPOINTS_USAGE = `Usage: smct endpoints [--max N] [--name-contains TEXT] [--json] [--profile NAME] [--region REGION]

Lists the SageMaker endpoints, most recent first, and how they are billed.
${AWS_OPTIONS_HELP}
`;

export const DELETE_USAGE = `Usage: smct delete ENDPOINT [--yes] [--profile NAME] [--region REGION]

Deletes an endpoint, then its endpoint configuration, then its model: billing of its instances
stops. Asks first on a terminal; elsewhere --yes is required.
  --yes                delete without asking
${AWS_OPTIONS_HELP}
`;

export async function deployCommand(argv: readonly string[], io: Io): Promise<number> {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      ...AWS_FLAGS,
      job: { type: 'string', default: JOB_FILE_NAME },
      'from-job': { type: 'string' },
      'no-wait': { type: 'boolean' },
      role: { type: 'string' },
      'poll-interval': { type: 'string' },
    },
  });
  if (values.help) return printUsage(io, DEPLOY_USAGE);
  const pollSeconds = pollInterval(values['poll-interval']);
  const job = loadTrainingJob(values.job);
  const clients = await clientsFor(values, job);
  const aws = loadAws();
  try {
    const deployed = await aws.deployEndpoint(clients, job, {
      roleArn: values.role,
      fromJob: values['from-job'],
      signal: io.signal,
      onStep: (_step, message) => io.err(`${message}\n`),
      onOutput: (line) => io.err(`  ${line}\n`),
      onWarning: (message) => io.err(`smct: warning: ${message}\n`),
    });
    io.out(`${deployed.updated ? 'Updating' : 'Creating'} endpoint ${deployed.endpointName}\n${deployed.endpointArn}\n`);
    io.err(`${aws.endpointCostNote(deployed.serverless)}\n`);
    if (values['no-wait']) {
      io.err(`It takes minutes to be InService: smct endpoints --region ${deployed.region} shows its status.\n`);
      return 0;
    }
    await follow(clients, deployed, pollSeconds, io);
    io.out(`Endpoint ${deployed.endpointName} is InService.\n`);
    if (deployed.previousConfig) {
      // The update is live: what it replaced serves nothing now and would only be left behind.
      const outcome = { deleted: [] as string[], notes: [] as string[] };
      // Only what smct made: a configuration from elsewhere may be shared with other endpoints.
      await aws.deleteConfigAndModels(clients, deployed.previousConfig, outcome, io.signal, deployed.endpointName);
      for (const piece of outcome.deleted) io.err(`Deleted the replaced ${piece}\n`);
      for (const note of outcome.notes) io.err(`${note}\n`);
    }
    return 0;
  } finally {
    clients.destroy();
  }
}

async function follow(
  clients: AwsClients,
  deployed: { endpointName: string; updated: boolean; resourceName: string },
  pollSeconds: number,
  io: Io,
): Promise<void> {
  const aws = loadAws();
  try {
    await aws.followEndpoint(clients, deployed.endpointName, {
      intervalMs: pollSeconds * 1000,
      expectConfig: deployed.updated ? deployed.resourceName : undefined,
      signal: io.signal,
      onStatus: (status) => io.err(`${new Date().toISOString()} ${status}\n`),
      onLog: (line) => io.out(`${line.text}\n`),
    });
  } catch (error) {
    if (isSmctError(error, 'ENDPOINT_FAILED')) await discardRolledBack(clients, deployed, io);
    if (!isCancellation(error)) throw error;
    throw new SmctError(
      'CANCELLED',
      `stopped following ${deployed.endpointName}; the deployment goes on in SageMaker (and is billed once InService). See it: smct endpoints; delete it: smct delete ${deployed.endpointName}`,
    );
  }
}

/** A rolled-back update leaves its new configuration and model serving nothing: they go. */
async function discardRolledBack(clients: AwsClients, deployed: { endpointName: string; updated: boolean; resourceName: string }, io: Io): Promise<void> {
  const outcome = await loadAws().discardRolledBackUpdate(clients, deployed, io.signal);
  for (const piece of outcome?.deleted ?? []) io.err(`Deleted the rolled-back ${piece}\n`);
  for (const note of outcome?.notes ?? []) io.err(`${note}\n`);
}

export async function endpointsCommand(argv: readonly string[], io: Io): Promise<number> {
  const { values } = parseArgs({
    args: [...argv],
    options: LIST_FLAGS,
  });
  if (values.help) return printUsage(io, ENDPOINTS_USAGE);
  const max = listMax(values.max, 50);
  const clients = await clientsFor(values);
  try {
    const aws = loadAws();
    const endpoints = await aws.listEndpoints(clients, { max, nameContains: values['name-contains'], signal: io.signal });
    if (values.json) {
      io.out(`${JSON.stringify(endpoints, null, 2)}\n`);
      return 0;
    }
    if (endpoints.length === 0) io.err(`No endpoints in ${clients.target.region}.\n`);
    const width = Math.max(4, ...endpoints.map((endpoint) => (endpoint.EndpointName ?? '').length));
    for (const endpoint of endpoints) {
      io.out(`${(endpoint.EndpointName ?? '').padEnd(width)}  ${(endpoint.EndpointStatus ?? '').padEnd(10)}  ${endpoint.CreationTime?.toISOString() ?? ''}\n`);
    }
    if (endpoints.length > 0) io.err(`${aws.endpointCostNote()}\n`);
    return 0;
  } finally {
    clients.destroy();
  }
}

export async function deleteCommand(argv: readonly string[], io: Io, terminal: Terminal = processTerminal()): Promise<number> {
  const { values, positionals } = parseArgs({ args: [...argv], allowPositionals: true, options: { ...AWS_FLAGS, yes: { type: 'boolean', short: 'y' } } });
  if (values.help) return printUsage(io, DELETE_USAGE);
  if (positionals.length !== 1) throw new SmctError('USAGE', 'smct delete takes one endpoint name (smct endpoints lists them).');
  const name = positionals[0];
  if (!values.yes) {
    if (!terminal.interactive) {
      throw new SmctError('USAGE', `smct delete asks before deleting endpoint ${name}, and there is no terminal to ask on: pass --yes.`);
    }
    if (!(await terminal.confirm(`Delete endpoint ${name}, its configuration and its model? [y/N] `))) {
      io.err('Nothing deleted.\n');
      return 1;
    }
  }
  const clients = await clientsFor(values);
  try {
    const outcome = await loadAws().deleteEndpoint(clients, name, io.signal);
    for (const piece of outcome.deleted) io.out(`Deleted ${piece}\n`);
    for (const note of outcome.notes) io.err(`${note}\n`);
    return 0;
  } finally {
    clients.destroy();
  }
}

/** Where `smct delete` asks. */
export interface Terminal {
  readonly interactive: boolean;
  confirm(question: string): Promise<boolean>;
}

function processTerminal(): Terminal {
  return {
    interactive: process.stdin.isTTY === true && process.stderr.isTTY === true,
    async confirm(question) {
      const asker = readline.createInterface({ input: process.stdin, output: process.stderr });
      try {
        return /^y(es)?$/i.test((await asker.question(question)).trim());
      } finally {
        asker.close();
      }
    },
  };
}

function pollInterval(value: string | undefined): number {
  if (value === undefined) return 15;
  const seconds = Number(value);
  if (!(seconds >= 0.05 && seconds <= 300)) throw new SmctError('USAGE', '--poll-interval must be a number of seconds from 0.05 to 300.');
  return seconds;
}
