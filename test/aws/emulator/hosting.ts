import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { RegistryInfo } from './ecr';
import type { JsonHandler } from './jsonProtocol';
import { compare, type LogStore } from './logs';
import { AwsError, decodeToken, encodeToken, epochSeconds } from './protocol';
import type { S3Store } from './s3Store';

// SageMaker hosting: models, endpoint configurations and endpoints, with the service's lifecycle
// and its error texts, as seen in answers quoted in public issues:
// "Could not find endpoint \"arn:…:endpoint/…\"." (aws/amazon-sagemaker-examples#2402),
// "Could not find endpoint configuration \"arn:…\"." (#2339), "Cannot create already existing
// endpoint configuration \"arn:…\"." (awslabs/spot-tagging-bot-for-digital-assets#2), "Cannot
// create already existing endpoint \"arn:…\"." (ministryofjustice/modernisation-platform-environments#9383).

/** CreateModel as the emulator keeps it (the request passed the model's validation). */
export interface ModelRequest {
  readonly ModelName: string;
  readonly PrimaryContainer?: {
    readonly Image?: string;
    readonly ModelDataUrl?: string;
    readonly Environment?: Readonly<Record<string, string>>;
    readonly Mode?: 'SingleModel' | 'MultiModel';
  };
  readonly ExecutionRoleArn?: string;
  readonly [member: string]: unknown;
}

export interface ProductionVariantRequest {
  readonly VariantName: string;
  readonly ModelName?: string;
  readonly InstanceType?: string;
  readonly InitialInstanceCount?: number;
  readonly ServerlessConfig?: { readonly MemorySizeInMB: number; readonly MaxConcurrency: number };
  readonly ContainerStartupHealthCheckTimeoutInSeconds?: number;
}

export interface EndpointConfigRequest {
  readonly EndpointConfigName: string;
  readonly ProductionVariants: readonly ProductionVariantRequest[];
  readonly [member: string]: unknown;
}

/** What an endpoint runner is given: one variant's container to start. */
export interface EndpointInfo {
  readonly name: string;
  readonly region: string;
  readonly accountId: string;
  readonly model: ModelRequest;
  readonly variant: ProductionVariantRequest;
}

export interface EndpointRunnerContext {
  /** One line the container printed: CloudWatch Logs, group /aws/sagemaker/Endpoints/<name>, stream AllTraffic/<instance>. */
  log(line: string): void;
  /** Fired when the endpoint is deleted, replaced, or the emulator closes. */
  readonly signal: AbortSignal;
  /** A folder of the container's own, removed when it stops. */
  readonly workDir: string;
  readonly s3: S3Store;
  readonly registry?: RegistryInfo;
}

/** A started serving container: the emulator pings it until healthy, then proxies InvokeEndpoint to it. */
export interface RunningEndpoint {
  /** http://127.0.0.1:<port>, answering GET /ping and POST /invocations. */
  readonly url: string;
  stop(): Promise<void>;
}

/** Starts a variant's container; rejecting fails the endpoint with the error's message as FailureReason. */
export type EndpointRunner = (endpoint: EndpointInfo, context: EndpointRunnerContext) => Promise<RunningEndpoint>;

export type EndpointStatus = 'Creating' | 'Updating' | 'InService' | 'Deleting' | 'Failed';

interface Container {
  readonly configName: string;
  readonly running: RunningEndpoint;
  readonly stop: AbortController;
  readonly workDir: string;
}

export interface EndpointState {
  readonly name: string;
  readonly arn: string;
  readonly sequence: number;
  status: EndpointStatus;
  configName: string;
  failureReason?: string;
  readonly creationTime: Date;
  lastModifiedTime: Date;
  /** The container serving now. */
  serving?: Container;
  /** Settles when the latest create, update or delete has settled. */
  settled: Promise<void>;
}

export interface HostingOptions {
  readonly region: string;
  readonly accountId: string;
  readonly s3: S3Store;
  readonly logs: LogStore;
  readonly root: string;
  readonly runner: EndpointRunner;
  readonly registry?: RegistryInfo;
  readonly transitionDelayMs: number;
  /** How long a container may take to answer /ping with 200; default the variant's ContainerStartupHealthCheckTimeoutInSeconds (else 600 s, hosting's documented default for it is unset). Tests shorten it. */
  readonly healthCheckMs?: number;
}

const PING_EVERY_MS = 20;

/** SageMaker's FailureReason for a container that never answers /ping (aws/amazon-sagemaker-examples#210). */
export const pingFailure = (variant: string): string =>
  `The primary container for production variant ${variant} did not pass the ping health check. Please check CloudWatch logs for this endpoint.`;

const isOffset = (state: unknown): state is { offset: number } => typeof (state as { offset?: unknown } | null)?.offset === 'number';

export class HostingService {
  private readonly models = new Map<string, { request: ModelRequest; arn: string; created: Date; sequence: number }>();
  private readonly configs = new Map<string, { request: EndpointConfigRequest; arn: string; created: Date }>();
  private readonly endpoints = new Map<string, EndpointState>();
  private sequence = 0;

  constructor(private readonly options: HostingOptions) {}

  handlers(): Record<string, JsonHandler> {
    return {
      CreateModel: (input) => this.createModel(input as unknown as ModelRequest),
      DescribeModel: (input) => this.describeModel(input.ModelName as string),
      DeleteModel: (input) => this.deleteModel(input.ModelName as string),
      ListModels: (input) => this.listModels(input),
      CreateEndpointConfig: (input) => this.createConfig(input as unknown as EndpointConfigRequest),
      DescribeEndpointConfig: (input) => this.describeConfig(input.EndpointConfigName as string),
      DeleteEndpointConfig: (input) => this.deleteConfig(input.EndpointConfigName as string),
      ListEndpointConfigs: (input) => this.listConfigs(input),
      CreateEndpoint: (input) => this.createEndpoint(input.EndpointName as string, input.EndpointConfigName as string),
      UpdateEndpoint: (input) => this.updateEndpoint(input.EndpointName as string, input.EndpointConfigName as string),
      DescribeEndpoint: (input) => this.describeEndpoint(this.endpoint(input.EndpointName as string)),
      ListEndpoints: (input) => this.listEndpoints(input),
      DeleteEndpoint: (input) => this.deleteEndpoint(input.EndpointName as string),
    };
  }

  /** An endpoint by name (names are unique regardless of case), as SageMaker says it is missing. */
  endpoint(name: string): EndpointState {
    const found = this.endpoints.get(name.toLowerCase());
    if (!found) throw new AwsError('ValidationException', `Could not find endpoint "${this.arn('endpoint', name)}".`);
    return found;
  }

  /** The endpoint InvokeEndpoint reaches, as SageMaker Runtime says it is missing or not serving. */
  invocable(name: string): { state: EndpointState; url: string } {
    const found = this.endpoints.get(name.toLowerCase());
    if (!found?.serving) throw new AwsError('ValidationError', `Endpoint ${name} of account ${this.options.accountId} not found.`);
    return { state: found, url: found.serving.running.url };
  }

  modelNames(): string[] {
    return [...this.models.values()].map((model) => model.request.ModelName);
  }

  configNames(): string[] {
    return [...this.configs.values()].map((config) => config.request.EndpointConfigName);
  }

  /** Stops every container. */
  async close(): Promise<void> {
    await Promise.all([...this.endpoints.values()].map((state) => state.settled));
    await Promise.all([...this.endpoints.values()].map((state) => (state.serving ? this.stopContainer(state.serving) : Promise.resolve())));
  }

  private arn(kind: string, name: string): string {
    return `arn:aws:sagemaker:${this.options.region}:${this.options.accountId}:${kind}/${name.toLowerCase()}`;
  }

  private createModel(request: ModelRequest): unknown {
    const key = request.ModelName.toLowerCase();
    const arn = this.arn('model', request.ModelName);
    if (this.models.has(key)) throw new AwsError('ValidationException', `Cannot create already existing model "${arn}".`);
    if (!request.PrimaryContainer && request.Containers === undefined) {
      throw new AwsError('ValidationException', 'Either PrimaryContainer or Containers must be specified.');
    }
    this.models.set(key, { request, arn, created: new Date(), sequence: this.sequence++ });
    return { ModelArn: arn };
  }

  private model(name: string) {
    const model = this.models.get(name.toLowerCase());
    if (!model) throw new AwsError('ValidationException', `Could not find model "${this.arn('model', name)}".`);
    return model;
  }

  private describeModel(name: string): unknown {
    const { request, arn, created } = this.model(name);
    return {
      ModelName: request.ModelName,
      PrimaryContainer: request.PrimaryContainer,
      ExecutionRoleArn: request.ExecutionRoleArn,
      CreationTime: epochSeconds(created),
      ModelArn: arn,
    };
  }

  private deleteModel(name: string): unknown {
    this.model(name);
    this.models.delete(name.toLowerCase());
    return {};
  }

  private listModels(input: Record<string, unknown>): unknown {
    const contains = (input.NameContains as string | undefined)?.toLowerCase();
    const models = [...this.models.values()].filter((model) => contains === undefined || model.request.ModelName.toLowerCase().includes(contains));
    models.sort((a, b) => (input.SortBy === 'Name' ? compare(a.request.ModelName, b.request.ModelName) : a.sequence - b.sequence));
    if (input.SortOrder !== 'Ascending') models.reverse();
    const { page, next } = this.page(models, input);
    return {
      Models: page.map((model) => ({ ModelName: model.request.ModelName, ModelArn: model.arn, CreationTime: epochSeconds(model.created) })),
      NextToken: next,
    };
  }

  private createConfig(request: EndpointConfigRequest): unknown {
    const key = request.EndpointConfigName.toLowerCase();
    const arn = this.arn('endpoint-config', request.EndpointConfigName);
    if (this.configs.has(key)) throw new AwsError('ValidationException', `Cannot create already existing endpoint configuration "${arn}".`);
    for (const variant of request.ProductionVariants) {
      if (variant.ModelName === undefined) throw new AwsError('ValidationException', 'ModelName must be specified for each production variant.');
      this.model(variant.ModelName);
      if (variant.ServerlessConfig === undefined && (variant.InstanceType === undefined || variant.InitialInstanceCount === undefined)) {
        throw new AwsError(
          'ValidationException',
          `Production variant ${variant.VariantName} needs InstanceType and InitialInstanceCount, or a ServerlessConfig.`,
        );
      }
    }
    this.configs.set(key, { request, arn, created: new Date() });
    return { EndpointConfigArn: arn };
  }

  private config(name: string) {
    const config = this.configs.get(name.toLowerCase());
    if (!config) throw new AwsError('ValidationException', `Could not find endpoint configuration "${this.arn('endpoint-config', name)}".`);
    return config;
  }

  private describeConfig(name: string): unknown {
    const { request, arn, created } = this.config(name);
    return {
      EndpointConfigName: request.EndpointConfigName,
      EndpointConfigArn: arn,
      ProductionVariants: request.ProductionVariants,
      CreationTime: epochSeconds(created),
    };
  }

  private listConfigs(input: Record<string, unknown>): unknown {
    const contains = (input.NameContains as string | undefined)?.toLowerCase();
    const configs = [...this.configs.values()].filter((config) => contains === undefined || config.request.EndpointConfigName.toLowerCase().includes(contains));
    configs.sort((a, b) =>
      input.SortBy === 'Name' ? compare(a.request.EndpointConfigName, b.request.EndpointConfigName) : a.created.getTime() - b.created.getTime(),
    );
    if (input.SortOrder !== 'Ascending') configs.reverse();
    const { page, next } = this.page(configs, input);
    return {
      EndpointConfigs: page.map((config) => ({
        EndpointConfigName: config.request.EndpointConfigName,
        EndpointConfigArn: config.arn,
        CreationTime: epochSeconds(config.created),
      })),
      NextToken: next,
    };
  }

  private deleteConfig(name: string): unknown {
    this.config(name);
    this.configs.delete(name.toLowerCase());
    return {};
  }

  private createEndpoint(name: string, configName: string): unknown {
    const key = name.toLowerCase();
    const arn = this.arn('endpoint', name);
    if (this.endpoints.has(key)) throw new AwsError('ValidationException', `Cannot create already existing endpoint "${arn}".`);
    this.config(configName);
    const now = new Date();
    const state: EndpointState = {
      name,
      arn,
      sequence: this.sequence++,
      status: 'Creating',
      configName,
      creationTime: now,
      lastModifiedTime: now,
      settled: Promise.resolve(),
    };
    this.endpoints.set(key, state);
    state.settled = this.start(state, configName).then(
      (container) => {
        state.serving = container;
        this.settle(state, 'InService');
      },
      (reason: Error) => this.settle(state, 'Failed', reason.message),
    );
    return { EndpointArn: arn };
  }

  /** An update starts the new configuration's container beside the old one; the old one serves until the new one is healthy, and stays when it is not. */
  private updateEndpoint(name: string, configName: string): unknown {
    const state = this.endpoint(name);
    if (state.status !== 'InService') throw new AwsError('ValidationException', `Cannot update in-progress endpoint "${state.arn}".`);
    this.config(configName);
    state.status = 'Updating';
    state.lastModifiedTime = new Date();
    state.settled = this.start(state, configName).then(
      async (container) => {
        const old = state.serving;
        state.serving = container;
        state.configName = configName;
        state.failureReason = undefined;
        this.settle(state, 'InService');
        if (old) await this.stopContainer(old);
      },
      // SageMaker rolls a failed update back: the endpoint serves its old configuration, and says why.
      (reason: Error) => this.settle(state, 'InService', reason.message),
    );
    return { EndpointArn: state.arn };
  }

  private deleteEndpoint(name: string): unknown {
    const state = this.endpoint(name);
    state.status = 'Deleting';
    state.lastModifiedTime = new Date();
    const previous = state.settled;
    state.settled = (async () => {
      await previous;
      if (state.serving) await this.stopContainer(state.serving);
      state.serving = undefined;
      await this.pause();
      this.endpoints.delete(name.toLowerCase());
    })();
    return {};
  }

  private settle(state: EndpointState, status: EndpointStatus, failureReason?: string): void {
    state.status = status;
    state.failureReason = failureReason?.slice(0, 1024);
    state.lastModifiedTime = new Date();
  }

  private pause(): Promise<void> {
    return this.options.transitionDelayMs > 0 ? sleep(this.options.transitionDelayMs) : Promise.resolve();
  }

  /** Starts the configuration's first variant and waits for /ping; rejects with SageMaker's FailureReason. */
  private async start(state: EndpointState, configName: string): Promise<Container> {
    await this.pause();
    const variant = this.config(configName).request.ProductionVariants[0];
    const model = this.model(variant.ModelName as string).request;
    const url = model.PrimaryContainer?.ModelDataUrl;
    if (url !== undefined && model.PrimaryContainer?.Mode !== 'MultiModel' && !this.modelDataExists(url)) {
      throw new Error(
        `Failed to download model data for container "container_1" from URL: "${url}". Please ensure that there is an object located at the URL and that the role passed to CreateModel has permissions to download the object.`,
      );
    }
    const workDir = fs.mkdtempSync(path.join(this.options.root, 'endpoint-'));
    const stop = new AbortController();
    const stream = `${variant.VariantName}/i-${randomBytes(8).toString('hex')}`;
    const info: EndpointInfo = { name: state.name, region: this.options.region, accountId: this.options.accountId, model, variant };
    let running: RunningEndpoint;
    try {
      running = await this.options.runner(info, {
        log: (line) => this.options.logs.append(`/aws/sagemaker/Endpoints/${state.name}`, stream, line),
        signal: stop.signal,
        workDir,
        s3: this.options.s3,
        registry: this.options.registry,
      });
    } catch (error) {
      fs.rmSync(workDir, { recursive: true, force: true });
      throw error;
    }
    const container: Container = { configName, running, stop, workDir };
    const seconds = variant.ContainerStartupHealthCheckTimeoutInSeconds ?? 600;
    if (!(await this.healthy(running.url, this.options.healthCheckMs ?? seconds * 1000))) {
      await this.stopContainer(container);
      throw new Error(pingFailure(variant.VariantName));
    }
    return container;
  }

  private modelDataExists(url: string): boolean {
    const match = /^s3:\/\/([^/]+)\/(.+)$/.exec(url);
    return match !== null && this.options.s3.buckets.get(match[1])?.objects.has(match[2]) === true;
  }

  private async healthy(url: string, withinMs: number): Promise<boolean> {
    const deadline = Date.now() + withinMs;
    while (Date.now() < deadline) {
      const answer = await fetch(`${url}/ping`, { signal: AbortSignal.timeout(2000) }).catch(() => undefined);
      if (answer?.status === 200) return true;
      await sleep(PING_EVERY_MS);
    }
    return false;
  }

  private async stopContainer(container: Container): Promise<void> {
    container.stop.abort();
    await container.running.stop().catch(() => undefined);
    fs.rmSync(container.workDir, { recursive: true, force: true });
  }

  private describeEndpoint(state: EndpointState): unknown {
    const variant = this.configs.get(state.configName.toLowerCase())?.request.ProductionVariants[0];
    const model = variant?.ModelName ? this.models.get(variant.ModelName.toLowerCase())?.request : undefined;
    const image = model?.PrimaryContainer?.Image;
    return {
      EndpointName: state.name,
      EndpointArn: state.arn,
      EndpointConfigName: state.configName,
      ProductionVariants:
        state.serving && variant
          ? [
              {
                VariantName: variant.VariantName,
                ...(image ? { DeployedImages: [{ SpecifiedImage: image, ResolvedImage: image, ResolutionTime: epochSeconds(state.lastModifiedTime) }] } : {}),
                CurrentWeight: 1,
                DesiredWeight: 1,
                ...(variant.ServerlessConfig
                  ? { CurrentServerlessConfig: variant.ServerlessConfig, DesiredServerlessConfig: variant.ServerlessConfig }
                  : { CurrentInstanceCount: variant.InitialInstanceCount, DesiredInstanceCount: variant.InitialInstanceCount }),
              },
            ]
          : undefined,
      EndpointStatus: state.status,
      FailureReason: state.failureReason,
      CreationTime: epochSeconds(state.creationTime),
      LastModifiedTime: epochSeconds(state.lastModifiedTime),
    };
  }

  private listEndpoints(input: Record<string, unknown>): unknown {
    const contains = (input.NameContains as string | undefined)?.toLowerCase();
    const matching = [...this.endpoints.values()].filter(
      (state) =>
        (contains === undefined || state.name.toLowerCase().includes(contains)) && (input.StatusEquals === undefined || state.status === input.StatusEquals),
    );
    const sortBy = (input.SortBy as string | undefined) ?? 'CreationTime';
    matching.sort((a, b) => (sortBy === 'Name' ? compare(a.name, b.name) : sortBy === 'Status' ? compare(a.status, b.status) : a.sequence - b.sequence));
    if (input.SortOrder !== 'Ascending') matching.reverse();
    const { page, next } = this.page(matching, input);
    return {
      Endpoints: page.map((state) => ({
        EndpointName: state.name,
        EndpointArn: state.arn,
        CreationTime: epochSeconds(state.creationTime),
        LastModifiedTime: epochSeconds(state.lastModifiedTime),
        EndpointStatus: state.status,
      })),
      NextToken: next,
    };
  }

  private page<T>(items: readonly T[], input: Record<string, unknown>): { page: T[]; next?: string } {
    const token = input.NextToken as string | undefined;
    const offset = token === undefined ? 0 : decodeToken(token, isOffset, () => new AwsError('ValidationException', 'Invalid pagination token')).offset;
    const limit = (input.MaxResults as number | undefined) ?? 10;
    return { page: items.slice(offset, offset + limit), next: offset + limit < items.length ? encodeToken({ offset: offset + limit }) : undefined };
  }
}
