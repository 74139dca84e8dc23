// What the VS Code side of serving needs from the engine, as interfaces: the UI is written against
// these, and engineAdapter.ts is the one place that binds them to core. The shapes repeat the
// engine's contract (core/src/serving/localEndpoint.ts, core/src/serving/invocation.ts) so that the
// real functions fit them as they are.
import type { AwsClients, TrainingJob } from '../../../core/src';

/** One request to a model (the engine's InvocationRequest). */
export interface InvocationRequest {
  readonly body: Buffer;
  readonly contentType?: string;
  readonly accept?: string;
  readonly customAttributes?: string;
  readonly targetModel?: string;
}

/** A model's answer (the engine's InvocationResponse). */
export interface InvocationResponse {
  readonly status: number;
  readonly contentType?: string;
  readonly body: Buffer;
  readonly milliseconds: number;
  readonly invokedVariant?: string;
}

export type LocalEndpointStatus = 'Downloading' | 'Starting' | 'Waiting' | 'InService';

/** The options of startLocalEndpoint that VS Code sets. */
export interface LocalEndpointOptions {
  readonly onLog?: (line: string) => void;
  readonly onStatus?: (status: LocalEndpointStatus) => void;
  readonly onWarning?: (message: string) => void;
  readonly signal?: AbortSignal;
  readonly port?: number;
  readonly aws?: { readonly profile?: string; readonly region?: string };
}

/** A serving container that answered GET /ping with 200 (the engine's LocalEndpoint). */
export interface LocalEndpoint {
  readonly url: string;
  readonly containerName: string;
  readonly image: string;
  readonly multiModel: boolean;
  stop(graceSeconds?: number): Promise<void>;
  readonly ended: Promise<{ readonly exitCode: number; readonly lastLines: readonly string[] }>;
}

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
