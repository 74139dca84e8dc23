import {
  DeleteEndpointCommand,
  DeleteEndpointConfigCommand,
  DeleteModelCommand,
  DescribeEndpointCommand,
  DescribeEndpointConfigCommand,
  ListEndpointConfigsCommand,
  ListEndpointsCommand,
  ListModelsCommand,
  type DescribeEndpointOutput,
  type EndpointSummary,
} from '@aws-sdk/client-sagemaker';
import type { AwsClients } from './awsClients';
import { awsCall, errorName, explainAwsError } from './awsErrors';
import { endpointResourceName } from './endpointRequest';
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
 * What `smct deploy` names a model and configuration for this endpoint: `<endpoint>-<UTC stamp>`
 * (endpointResourceName), and nothing else. The stamp has a fixed shape, so a resource of another
 * endpoint whose name merely starts the same (`<endpoint>-blue`) does not match.
 */
export function smctResourcePattern(endpointName: string): RegExp {
  // The prefix holds only letters, digits and hyphens (endpointResourceName cleans it): no escaping.
  return new RegExp(`^${smctResourcePrefix(endpointName)}\\d{4}-\\d{2}-\\d{2}-\\d{2}-\\d{2}-\\d{2}-\\d{3}$`);
}

/** `<endpoint>-` as endpointResourceName writes it (cleaned and cut to fit 63 characters with the stamp). */
function smctResourcePrefix(endpointName: string): string {
  const sample = endpointResourceName(endpointName, new Date(0));
  return sample.slice(0, sample.length - '1970-01-01-00-00-00-000'.length);
}

/**
 * True when `smct deploy` made this configuration for this endpoint: its name is smct's
 * `<endpoint>-<stamp>` and its one model bears the same name. A configuration made otherwise (by
 * the SageMaker Python SDK, the console, or shared with other endpoints) is not smct's to delete.
 */
export function madeBySmct(endpointName: string, configName: string, models: readonly string[]): boolean {
  return smctResourcePattern(endpointName).test(configName) && models.length > 0 && models.every((model) => model === configName);
}

/**
 * Deletes an endpoint, then its configuration, then the configuration's models: what `smct
 * deploy` made. A piece already gone is noted, not an error, so that a half-deleted endpoint can
 * be finished off by running the command again: with the endpoint gone, the configurations and
 * models smct made for it (named `<endpoint>-<stamp>`) are found by name and deleted.
 */
export async function deleteEndpoint(clients: AwsClients, name: string, signal?: AbortSignal): Promise<DeleteOutcome> {
  const deleted: string[] = [];
  const notes: string[] = [];
  const endpoint = await findEndpoint(clients, name, signal);
  if (!endpoint) {
    notes.push(
      `No endpoint ${name} in ${clients.target.region}; looking for the configurations and models smct made for it (${smctResourcePrefix(name)}<UTC stamp>).`,
    );
    await deleteLeftovers(clients, name, { deleted, notes }, signal);
    return { deleted, notes };
  }
  if (await gone(clients, 'DeleteEndpoint', () => clients.sagemaker.send(new DeleteEndpointCommand({ EndpointName: name }), { abortSignal: signal }))) {
    notes.push(`Endpoint ${name} was already gone.`);
  } else {
    deleted.push(`endpoint ${name}`);
  }
  if (endpoint.EndpointConfigName) await deleteConfigAndModels(clients, endpoint.EndpointConfigName, { deleted, notes }, signal);
  return { deleted, notes };
}

/** The configurations, then the models, that smct made for an endpoint that is gone. */
async function deleteLeftovers(clients: AwsClients, name: string, outcome: { deleted: string[]; notes: string[] }, signal?: AbortSignal): Promise<void> {
  const pattern = smctResourcePattern(name);
  const configs = (await listConfigNames(clients, smctResourcePrefix(name), signal)).filter((config) => pattern.test(config));
  for (const config of configs) await deleteConfigAndModels(clients, config, outcome, signal);
  const models = (await listModelNames(clients, smctResourcePrefix(name), signal)).filter((model) => pattern.test(model));
  for (const model of models) {
    if (!(await gone(clients, 'DeleteModel', () => clients.sagemaker.send(new DeleteModelCommand({ ModelName: model }), { abortSignal: signal })))) {
      outcome.deleted.push(`model ${model}`);
    }
  }
  if (configs.length === 0 && models.length === 0) outcome.notes.push(`No endpoint configuration or model smct made for ${name} is left.`);
}

function listConfigNames(clients: AwsClients, nameContains: string, signal?: AbortSignal): Promise<string[]> {
  return allNames(clients, 'ListEndpointConfigs', async (NextToken) => {
    const page = await clients.sagemaker.send(new ListEndpointConfigsCommand({ NameContains: nameContains, MaxResults: 100, NextToken }), {
      abortSignal: signal,
    });
    return { names: (page.EndpointConfigs ?? []).map((config) => config.EndpointConfigName ?? ''), nextToken: page.NextToken };
  });
}

function listModelNames(clients: AwsClients, nameContains: string, signal?: AbortSignal): Promise<string[]> {
  return allNames(clients, 'ListModels', async (NextToken) => {
    const page = await clients.sagemaker.send(new ListModelsCommand({ NameContains: nameContains, MaxResults: 100, NextToken }), { abortSignal: signal });
    return { names: (page.Models ?? []).map((model) => model.ModelName ?? ''), nextToken: page.NextToken };
  });
}

/** Every page of a listing, each call explained in smct's words when AWS refuses it. */
async function allNames(
  clients: AwsClients,
  operation: string,
  page: (nextToken: string | undefined) => Promise<{ names: string[]; nextToken?: string }>,
): Promise<string[]> {
  const names: string[] = [];
  let nextToken: string | undefined;
  do {
    const listed = await awsCall(operation, clients.target, () => page(nextToken));
    names.push(...listed.names);
    nextToken = listed.nextToken;
  } while (nextToken);
  return names;
}

/**
 * A configuration and its models (what a deployment that was replaced leaves behind). With
 * `onlyMadeBySmctFor`, they are deleted only when smct's deployment of that endpoint made them
 * (madeBySmct); otherwise a note names what was left and why.
 */
export async function deleteConfigAndModels(
  clients: AwsClients,
  configName: string,
  outcome: { deleted: string[]; notes: string[] },
  signal?: AbortSignal,
  onlyMadeBySmctFor?: string,
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
  if (onlyMadeBySmctFor !== undefined && !madeBySmct(onlyMadeBySmctFor, configName, models)) {
    outcome.notes.push(
      `Left endpoint configuration ${configName} and its models (${[...new Set(models)].join(', ') || 'none'}): smct did not make them (its deployments name both ${smctResourcePrefix(onlyMadeBySmctFor)}<UTC stamp>), and other endpoints may use them. Delete them yourself once nothing does.`,
    );
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
