// What the VS Code side of serving needs from the engine, as interfaces: the UI is written against
// these (tests give it stand-ins), and engineAdapter.ts is the one place that binds them to core.
// The shapes are the engine's own.
import type { AwsClients, InvocationRequest, InvocationResponse, LocalEndpoint, LocalEndpointOptions, TrainingJob } from '../../../core/src';

export type { InvocationRequest, InvocationResponse, LocalEndpoint, LocalEndpointOptions };

/** What startLocalEndpoint reports while it starts. */
export type LocalEndpointStatus = Parameters<NonNullable<LocalEndpointOptions['onStatus']>>[0];

/** Local serving: a container started from a job file, and requests sent to it. */
export interface ServingEngine {
  startLocalEndpoint(job: TrainingJob, options: LocalEndpointOptions): Promise<LocalEndpoint>;
  invokeLocal(url: string, request: InvocationRequest, options?: { signal?: AbortSignal }): Promise<InvocationResponse>;
}

/** An endpoint of the Endpoints view: what ListEndpoints says, with DescribeEndpoint's reason and capacity. */
export interface EndpointRow {
  readonly name: string;
  /** EndpointStatus: OutOfService, Creating, Updating, SystemUpdating, RollingBack, InService, Deleting, Failed, UpdateRollbackFailed. */
  readonly status: string;
  readonly creationTime?: Date;
  readonly failureReason?: string;
  readonly instance?: { readonly type: string; readonly count: number };
  readonly serverless?: { readonly memorySizeInMB: number; readonly maxConcurrency: number };
}

/** What a deletion removed ("endpoint x", "endpoint configuration y", "model z", in order) and what was already gone: the engine's DeleteOutcome. */
export interface DeletedEndpoint {
  readonly deleted: readonly string[];
  readonly notes: readonly string[];
}

/** SageMaker endpoints, through the AWS half of the engine. */
export interface EndpointsBackend {
  list(clients: AwsClients, signal?: AbortSignal): Promise<EndpointRow[]>;
  delete(clients: AwsClients, name: string): Promise<DeletedEndpoint>;
  invoke(clients: AwsClients, name: string, request: InvocationRequest): Promise<InvocationResponse>;
  /** The CloudWatch console page of the endpoint's log group. */
  logsUrl(region: string, name: string): string;
}
