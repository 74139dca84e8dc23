import {
  DeleteEndpointCommand,
  DeleteEndpointConfigCommand,
  DeleteModelCommand,
  DescribeEndpointCommand,
  DescribeEndpointConfigCommand,
  ListEndpointsCommand,
  type DescribeEndpointOutput,
  type EndpointSummary,
} from '@aws-sdk/client-sagemaker';
import type { AwsClients } from './awsClients';
import { awsCall, errorName, explainAwsError } from './awsErrors';
import { SmctError } from '../errors';

/** Where AWS keeps SageMaker's prices; smct names no figure, which change by region and over time. */
export const SAGEMAKER_PRICING_URL = 'https://aws.amazon.com/sagemaker/pricing/';

/**
 * How an endpoint is billed, said where one is made or listed: a real-time endpoint's instances
 * cost by the hour for as long as it exists, whether it is invoked or not; a serverless one by the
 * compute each invocation uses (https://aws.amazon.com/sagemaker/pricing/).
 */
export function endpointCostNote(serverless?: boolean): string {
  const realTime = `A real-time endpoint is billed per instance-hour for as long as it exists, invoked or not: delete it when you are done (smct delete ENDPOINT).`;
  const perUse = 'A serverless endpoint is billed per use (the compute time of each invocation and the data it processes).';
  const prices = `Prices: ${SAGEMAKER_PRICING_URL}`;
  if (serverless === undefined) return `${realTime} ${perUse} ${prices}`;
  return `${serverless ? perUse : realTime} ${prices}`;
}

/** Statuses from which an endpoint moves on by itself. */
export const ENDPOINT_TRANSITIONAL: ReadonlySet<string> = new Set(['Creating', 'Updating', 'SystemUpdating', 'RollingBack', 'Deleting']);

/** SageMaker's words for a name it does not know ("Could not find endpoint …"). */
export function isNotFound(error: unknown): boolean {
  return errorName(error) === 'ValidationException' && /could not find|not found/i.test((error as Error).message);
}

/** The most recent endpoints first. */
export async function listEndpoints(
  clients: AwsClients,
  options: { max?: number; nameContains?: string; signal?: AbortSignal } = {},
): Promise<EndpointSummary[]> {
  const max = options.max ?? 50;
  const endpoints: EndpointSummary[] = [];
  let nextToken: string | undefined;
  do {
    const page = await awsCall('ListEndpoints', clients.target, () =>
      clients.sagemaker.send(
        new ListEndpointsCommand({
          SortBy: 'CreationTime',
          SortOrder: 'Descending',
          MaxResults: Math.min(100, max - endpoints.length),
          NameContains: options.nameContains || undefined,
          NextToken: nextToken,
        }),
        { abortSignal: options.signal },
      ),
    );
    endpoints.push(...(page.Endpoints ?? []));
    nextToken = page.NextToken;
  } while (nextToken && endpoints.length < max);
  return endpoints.slice(0, max);
}

/** DescribeEndpoint, or undefined when there is no endpoint of that name. */
export async function findEndpoint(clients: AwsClients, name: string, signal?: AbortSignal): Promise<DescribeEndpointOutput | undefined> {
  try {
    return await clients.sagemaker.send(new DescribeEndpointCommand({ EndpointName: name }), { abortSignal: signal });
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw explainAwsError(error, 'DescribeEndpoint', clients.target);
  }
}

/** DescribeEndpoint, with an unknown name said plainly. */
export async function describeEndpoint(clients: AwsClients, name: string, signal?: AbortSignal): Promise<DescribeEndpointOutput> {
  const found = await findEndpoint(clients, name, signal);
  if (!found) throw new SmctError('AWS_INVALID', `No endpoint named ${name} in ${clients.target.region} (smct endpoints lists them).`);
  return found;
}

export interface DeleteOutcome {
  /** "endpoint x", "endpoint configuration y", "model z", in the order they went. */
  readonly deleted: readonly string[];
  /** The pieces that were already gone, each said in a sentence. */
  readonly notes: readonly string[];
}

/**
 * Deletes an endpoint, then its configuration, then the configuration's models: what `smct
 * deploy` made. A piece already gone is noted, not an error, so that a half-deleted endpoint can
 * be finished off by running the command again.
 */
export async function deleteEndpoint(clients: AwsClients, name: string, signal?: AbortSignal): Promise<DeleteOutcome> {
  const deleted: string[] = [];
  const notes: string[] = [];
  const endpoint = await findEndpoint(clients, name, signal);
  let configName = endpoint?.EndpointConfigName;
  if (!endpoint) {
    notes.push(`No endpoint ${name} in ${clients.target.region}; looking for its configuration of the same name.`);
    configName = name;
  } else if (await gone(clients, 'DeleteEndpoint', () => clients.sagemaker.send(new DeleteEndpointCommand({ EndpointName: name }), { abortSignal: signal }))) {
    notes.push(`Endpoint ${name} was already gone.`);
  } else {
    deleted.push(`endpoint ${name}`);
  }
  if (configName) await deleteConfigAndModels(clients, configName, { deleted, notes }, signal);
  return { deleted, notes };
}

/** A configuration and its models (what a deployment that was replaced leaves behind). */
export async function deleteConfigAndModels(
  clients: AwsClients,
  configName: string,
  outcome: { deleted: string[]; notes: string[] },
  signal?: AbortSignal,
): Promise<void> {
  let models: string[] = [];
  try {
    const config = await clients.sagemaker.send(new DescribeEndpointConfigCommand({ EndpointConfigName: configName }), { abortSignal: signal });
    models = (config.ProductionVariants ?? []).map((variant) => variant.ModelName).filter((model): model is string => model !== undefined);
  } catch (error) {
    if (!isNotFound(error)) throw explainAwsError(error, 'DescribeEndpointConfig', clients.target);
    outcome.notes.push(`Endpoint configuration ${configName} was already gone (its models, if any, are left: smct cannot tell which they were).`);
    return;
  }
  if (
    await gone(clients, 'DeleteEndpointConfig', () =>
      clients.sagemaker.send(new DeleteEndpointConfigCommand({ EndpointConfigName: configName }), { abortSignal: signal }),
    )
  ) {
    outcome.notes.push(`Endpoint configuration ${configName} was already gone.`);
  } else {
    outcome.deleted.push(`endpoint configuration ${configName}`);
  }
  for (const model of new Set(models)) {
    if (await gone(clients, 'DeleteModel', () => clients.sagemaker.send(new DeleteModelCommand({ ModelName: model }), { abortSignal: signal }))) {
      outcome.notes.push(`Model ${model} was already gone.`);
    } else {
      outcome.deleted.push(`model ${model}`);
    }
  }
}

/** Runs a delete; true when the piece was not there. */
async function gone(clients: AwsClients, operation: string, call: () => Promise<unknown>): Promise<boolean> {
  try {
    await call();
    return false;
  } catch (error) {
    if (isNotFound(error)) return true;
    throw explainAwsError(error, operation, clients.target);
  }
}
