import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { EcrService, type RegistryInfo } from './ecr';
import { jsonProtocol } from './jsonProtocol';
import { LogStore } from './logs';
import { findAwsModels, loadModel, type AwsModels, type ServiceName } from './models';
import { issuesError } from './modelValidator';
import { AwsError, newRequestId, type ParsedCall, type Protocol, type RawRequest, type Reply } from './protocol';
import { scriptedRunner } from './runners';
import { s3Protocol } from './s3';
import { S3Store } from './s3Store';
import { SageMakerService, type TrainingJobState } from './sagemaker';
import { HostingService, type EndpointRunner, type EndpointState } from './hosting';
import { scriptedEndpointRunner } from './endpointRunners';
import { INVOCATIONS_PATH, runtimeProtocol } from './runtime';
import { stsProtocol } from './sts';
import type { TrainingRunner } from './training';

export interface EmulatorOptions {
  /** Default eu-west-1: a region where CreateBucket needs its LocationConstraint, as most do. */
  readonly region?: string;
  /** Default 123456789012. */
  readonly accountId?: string;
  /** Plays each training job's life; default scriptedRunner(). */
  readonly runner?: TrainingRunner;
  /** The Docker registry standing in for ECR's. */
  readonly registry?: RegistryInfo;
  /** Default 0: a free port. The server listens on 127.0.0.1 only. */
  readonly port?: number;
  /** The pause before each of SageMaker's own status transitions (default 10 ms). */
  readonly transitionDelayMs?: number;
  /** The official models; default findAwsModels(). */
  readonly models?: AwsModels;
  /** Runs each endpoint's container; default scriptedEndpointRunner(). */
  readonly endpointRunner?: EndpointRunner;
  /** How long a container may take to answer /ping with 200 (default: the variant's ContainerStartupHealthCheckTimeoutInSeconds, else 600 s). */
  readonly endpointHealthCheckMs?: number;
}

/** An error the next matching calls get instead of their answer. */
export interface Fault {
  readonly operation: string;
  /** Only this service's operation (names such as DeleteBucket are unique anyway). */
  readonly service?: ServiceName;
  /** The error code: ThrottlingException, AccessDeniedException, ResourceLimitExceeded, SlowDown… */
  readonly code: string;
  readonly message?: string;
  /** Default 400 (403 for AccessDenied, 500 for internal errors, 503 for SlowDown and ServiceUnavailable). */
  readonly status?: number;
  /** How many calls fail (default 1). */
  readonly times?: number;
}

/** One request the emulator received, for tests to assert that the product's requests were valid. */
export interface EmulatorRequest {
  readonly service: ServiceName;
  operation: string;
  /** The input as the model sees it; S3 bodies are not kept. */
  input: unknown;
  /** Whether the official model accepts the input. */
  valid: boolean;
  /** The model's complaints, AWS-style. */
  issues: string[];
  status?: number;
  errorCode?: string;
  errorMessage?: string;
  readonly time: Date;
}

const MAX_BODY = 512 * 1024 * 1024;

/** Temporary folders of emulators not closed yet: removed when the process exits, should a test forget close(). */
const openFolders = new Set<string>();
process.on('exit', () => openFolders.forEach((folder) => fs.rmSync(folder, { recursive: true, force: true })));

/**
 * One HTTP server on 127.0.0.1 answering SageMaker, ECR and CloudWatch Logs (AWS JSON 1.1), STS
 * (awsQuery) and S3 (REST-XML) on one port, as the SDK reaches them through AWS_ENDPOINT_URL. Each
 * request must be signed with the emulator's access key, is validated against the official model
 * and recorded, and can be made to fail on purpose (failNext, expireCredentials).
 */
export class AwsEmulator {
  readonly region: string;
  readonly accountId: string;
  readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string };
  readonly requests: EmulatorRequest[] = [];
  readonly s3 = new S3Store();
  readonly logs: LogStore;
  readonly sagemaker: SageMakerService;
  /** SageMaker hosting: models, endpoint configurations, endpoints. */
  readonly hosting: HostingService;
  readonly ecr: EcrService;
  /** The emulator's temporary folder (the jobs' folders), removed by close(). */
  readonly tempDir: string;
  private readonly server: http.Server;
  private readonly protocols: Readonly<Record<ServiceName, Protocol>>;
  private readonly byTarget: ReadonlyMap<string, Protocol>;
  private readonly faults: (Fault & { left: number })[] = [];
  private readonly placeholderPassword = randomBytes(16).toString('hex');
  private expired = false;
  private closing: Promise<void> | undefined;
  private boundPort = 0;

  constructor(options: EmulatorOptions = {}) {
    this.region = options.region ?? 'eu-west-1';
    this.accountId = options.accountId ?? '123456789012';
    // Random keys: a test cannot lean on real ones, nor the emulator accept them.
    this.credentials = { accessKeyId: `AKIA${randomBytes(8).toString('hex').toUpperCase()}`, secretAccessKey: randomBytes(30).toString('base64') };
    this.tempDir = fs.mkdtempSync(path.join(os.tmpdir(), 'smct-aws-emulator-'));
    openFolders.add(this.tempDir);
    const models = options.models ?? findAwsModels();
    const model = (service: ServiceName) => loadModel(service, models);
    this.logs = new LogStore(this.region, this.accountId);
    this.ecr = new EcrService(this.region, this.accountId, () => options.registry ?? this.placeholderRegistry());
    this.sagemaker = new SageMakerService({
      region: this.region,
      accountId: this.accountId,
      model: model('sagemaker'),
      s3: this.s3,
      logs: this.logs,
      root: this.tempDir,
      runner: options.runner ?? scriptedRunner(),
      registry: options.registry,
      transitionDelayMs: options.transitionDelayMs ?? 10,
    });
    this.hosting = new HostingService({
      region: this.region,
      accountId: this.accountId,
      s3: this.s3,
      logs: this.logs,
      root: this.tempDir,
      runner: options.endpointRunner ?? scriptedEndpointRunner(),
      registry: options.registry,
      transitionDelayMs: options.transitionDelayMs ?? 10,
      healthCheckMs: options.endpointHealthCheckMs,
    });
    this.protocols = {
      sagemaker: jsonProtocol('sagemaker', model('sagemaker'), { ...this.sagemaker.handlers(), ...this.hosting.handlers() }),
      'sagemaker-runtime': runtimeProtocol(model('sagemaker-runtime'), this.hosting, { region: this.region, accountId: this.accountId }),
      ecr: jsonProtocol('ecr', model('ecr'), this.ecr.handlers()),
      logs: jsonProtocol('logs', model('logs'), this.logs.handlers()),
      s3: s3Protocol(model('s3'), this.s3, this.region),
      sts: stsProtocol(model('sts'), { accountId: this.accountId, arn: `arn:aws:iam::${this.accountId}:user/smct-emulator`, userId: 'AIDAEMULATOREXAMPLE1' }),
    };
    this.byTarget = new Map(
      (['sagemaker', 'ecr', 'logs'] as const).map((service) => [model(service).metadata.targetPrefix as string, this.protocols[service]]),
    );
    this.server = http.createServer((request, response) => void this.handle(request, response));
  }

  /** Listens on 127.0.0.1 (never another interface). */
  async listen(port = 0): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, '127.0.0.1', () => resolve());
    });
    this.boundPort = (this.server.address() as AddressInfo).port;
  }

  get port(): number {
    return this.boundPort;
  }

  get endpoint(): string {
    return `http://127.0.0.1:${this.boundPort}`;
  }

  /**
   * The environment that points SDK clients (and `aws`, and child processes) here: the endpoint for
   * every service (the per-service variables too, so that none set outside wins), the emulator's keys,
   * the region; AWS_PROFILE emptied so that the SDK uses the keys rather than a profile of ~/.aws; NO_PROXY for loopback.
   */
  get env(): Readonly<Record<string, string>> {
    const endpoint = this.endpoint;
    return {
      AWS_ENDPOINT_URL: endpoint,
      AWS_ENDPOINT_URL_SAGEMAKER: endpoint,
      AWS_ENDPOINT_URL_SAGEMAKER_RUNTIME: endpoint,
      AWS_ENDPOINT_URL_ECR: endpoint,
      AWS_ENDPOINT_URL_CLOUDWATCH_LOGS: endpoint,
      AWS_ENDPOINT_URL_S3: endpoint,
      AWS_ENDPOINT_URL_STS: endpoint,
      AWS_ACCESS_KEY_ID: this.credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: this.credentials.secretAccessKey,
      AWS_REGION: this.region,
      AWS_DEFAULT_REGION: this.region,
      AWS_PROFILE: '',
      AWS_EC2_METADATA_DISABLED: 'true',
      // smct sends AWS calls through HTTPS_PROXY/HTTP_PROXY, loopback too unless NO_PROXY names it (as
      // curl does): on a machine behind a proxy, the emulator on loopback must still be reached directly.
      NO_PROXY: '127.0.0.1,localhost',
      no_proxy: '127.0.0.1,localhost',
    };
  }

  /** The configuration for an SDK client made in the test itself, without touching process.env. */
  clientConfig(): { endpoint: string; region: string; credentials: { accessKeyId: string; secretAccessKey: string } } {
    return { endpoint: this.endpoint, region: this.region, credentials: { ...this.credentials } };
  }

  failNext(fault: Fault): void {
    this.faults.push({ ...fault, left: fault.times ?? 1 });
  }

  /** While true, every request is answered as with expired credentials (ExpiredTokenException, STS ExpiredToken). */
  expireCredentials(expired = true): void {
    this.expired = expired;
  }

  /** Requests the official model refused. */
  invalidRequests(): EmulatorRequest[] {
    return this.requests.filter((request) => !request.valid);
  }

  trainingJob(name: string): TrainingJobState {
    return this.sagemaker.job(name);
  }

  sageMakerEndpoint(name: string): EndpointState {
    return this.hosting.endpoint(name);
  }

  /** Resolves once the endpoint's latest create, update or delete has settled. */
  async waitForEndpoint(name: string): Promise<EndpointState> {
    const state = this.hosting.endpoint(name);
    await state.settled;
    return state;
  }

  /** Resolves once the job has ended (its artifacts uploaded, its folders removed). */
  async waitForJob(name: string): Promise<TrainingJobState> {
    const job = this.sagemaker.job(name);
    await job.done;
    return job;
  }

  /** Stops every running job and waits for it, closes the server and removes the temporary folders. Safe to call twice. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      await this.sagemaker.close();
      await this.hosting.close();
      await new Promise<void>((resolve) => {
        this.server.close(() => resolve());
        this.server.closeAllConnections();
      });
      fs.rmSync(this.tempDir, { recursive: true, force: true });
      openFolders.delete(this.tempDir);
    })();
    return this.closing;
  }

  private placeholderRegistry(): RegistryInfo & { placeholder: true } {
    return { endpoint: `127.0.0.1:${this.boundPort}`, username: 'AWS', password: this.placeholderPassword, placeholder: true };
  }

  private async handle(incoming: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
    let body: Buffer;
    try {
      body = await readBody(incoming);
    } catch {
      // The client went away (an aborted upload) or sent too much: there is nobody to answer.
      response.destroy();
      return;
    }
    const url = new URL(incoming.url ?? '/', 'http://127.0.0.1');
    const request: RawRequest = {
      method: incoming.method ?? 'GET',
      url,
      headers: incoming.headers,
      body,
      requestId: newRequestId(),
      auth: parseAuth(incoming.headers, url),
    };
    const protocol = this.protocolFor(request);
    if (!protocol) {
      send(response, noRegistry());
      return;
    }
    send(response, await this.answer(protocol, request), request.requestId);
  }

  /** The JSON services by X-Amz-Target, STS by its form body, the registry placeholder by /v2/, and S3 for the rest. */
  private protocolFor(request: RawRequest): Protocol | undefined {
    const target = request.headers['x-amz-target'];
    if (typeof target === 'string') return this.byTarget.get(target.slice(0, target.lastIndexOf('.'))) ?? this.protocols.sagemaker;
    const service = request.auth?.service;
    // SageMaker Runtime signs as "sagemaker" too: its one REST path tells it apart.
    if (service === 'sagemaker' && INVOCATIONS_PATH.test(request.url.pathname)) return this.protocols['sagemaker-runtime'];
    if (service === 'sagemaker' || service === 'ecr' || service === 'logs' || service === 'sts') return this.protocols[service];
    if (!request.auth && request.url.pathname.startsWith('/v2/')) return undefined;
    const form = String(request.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded');
    return request.url.pathname === '/' && form ? this.protocols.sts : this.protocols.s3;
  }

  /** Reads the call, records it, then answers: credentials, injected faults, the model's validation, the handler. */
  private async answer(protocol: Protocol, request: RawRequest): Promise<Reply> {
    const record: EmulatorRequest = { service: protocol.service, operation: 'Unknown', input: undefined, valid: false, issues: [], time: new Date() };
    this.requests.push(record);
    let call: ParsedCall | undefined;
    let unreadable: unknown;
    try {
      call = protocol.parse(request);
      Object.assign(record, {
        operation: call.operation,
        input: call.input,
        valid: call.issues.length === 0,
        issues: call.issues.map((issue) => issue.message),
      });
    } catch (error) {
      unreadable = error;
    }
    try {
      if (request.auth?.accessKeyId !== this.credentials.accessKeyId) throw protocol.unrecognized;
      if (this.expired) throw protocol.expired;
      if (!call) throw unreadable;
      const fault = this.takeFault(call);
      if (fault) throw fault;
      const problem = issuesError(call.issues);
      if (problem) throw protocol.invalid(problem.code, problem.message);
      const reply = await call.run();
      record.status = reply.status;
      return reply;
    } catch (thrown) {
      const error =
        thrown instanceof AwsError ? thrown : new AwsError('InternalFailure', `The AWS emulator failed: ${(thrown as Error).stack ?? String(thrown)}`, 500);
      Object.assign(record, { status: error.status, errorCode: error.code, errorMessage: error.message });
      return protocol.error(error, request);
    }
  }

  private takeFault(call: ParsedCall): AwsError | undefined {
    const fault = this.faults.find(
      (entry) => entry.left > 0 && entry.operation === call.operation && (entry.service === undefined || entry.service === call.service),
    );
    if (!fault) return undefined;
    fault.left--;
    if (fault.left === 0) this.faults.splice(this.faults.indexOf(fault), 1);
    return new AwsError(fault.code, fault.message ?? this.faultMessage(fault.code, call), fault.status ?? faultStatus(fault.code));
  }

  /** The message AWS gives with these codes, so that the product's explanations meet real text. */
  private faultMessage(code: string, call: ParsedCall): string {
    const action = `${call.service}:${call.operation}`;
    switch (code) {
      case 'ThrottlingException':
      case 'Throttling':
        return 'Rate exceeded';
      case 'AccessDeniedException':
      case 'AccessDenied':
        return `User: arn:aws:iam::${this.accountId}:user/smct-emulator is not authorized to perform: ${action} because no identity-based policy allows the ${action} action`;
      case 'ResourceLimitExceeded':
        return (
          "The account-level service limit 'ml.m5.xlarge for training job usage' is 0 Instances, with current utilization of 0 Instances and a request delta of 1 Instances. " +
          'Please use AWS Service Quotas to request an increase for this quota. If AWS Service Quotas is not available, contact AWS support to request an increase for this quota.'
        );
      case 'SlowDown':
        return 'Please reduce your request rate.';
      default:
        return `${code} (injected by the AWS emulator)`;
    }
  }
}

function faultStatus(code: string): number {
  if (code === 'AccessDenied') return 403;
  if (code === 'SlowDown' || code === 'ServiceUnavailable') return 503;
  if (/^Internal/.test(code)) return 500;
  return 400;
}

/** Starts an emulator on a free port of 127.0.0.1 (or options.port). */
export async function startAwsEmulator(options: EmulatorOptions = {}): Promise<AwsEmulator> {
  const emulator = new AwsEmulator(options);
  try {
    await emulator.listen(options.port ?? 0);
  } catch (error) {
    await emulator.close();
    throw error;
  }
  return emulator;
}

/** The access key, region and service of a SigV4 request, from its Authorization header or a presigned URL. */
function parseAuth(headers: http.IncomingHttpHeaders, url: URL): RawRequest['auth'] {
  const credential = /Credential=([^,\s]+)/.exec(headers.authorization ?? '')?.[1] ?? url.searchParams.get('X-Amz-Credential') ?? undefined;
  const isSigV4 = (headers.authorization ?? '').startsWith('AWS4-HMAC-SHA256 ') || url.searchParams.get('X-Amz-Algorithm') === 'AWS4-HMAC-SHA256';
  if (!credential || !isSigV4) return undefined;
  const [accessKeyId, , region, service] = credential.split('/');
  return { accessKeyId, region: region ?? '', service: service ?? '' };
}

function readBody(request: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) request.destroy(new Error('body too large'));
      else chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
    request.on('aborted', () => reject(new Error('aborted')));
  });
}

function send(response: http.ServerResponse, reply: Reply, requestId?: string): void {
  if (response.destroyed) return;
  response.statusCode = reply.status;
  // The SDKs read the request id from x-amzn-requestid (JSON, query) or x-amz-request-id (S3) into $metadata.
  if (requestId) {
    response.setHeader('x-amzn-requestid', requestId);
    response.setHeader('x-amz-request-id', requestId);
    response.setHeader('x-amz-id-2', Buffer.from(requestId).toString('base64'));
  }
  for (const [name, value] of Object.entries(reply.headers ?? {})) response.setHeader(name, value);
  if (reply.body !== undefined && !response.hasHeader('content-length')) response.setHeader('content-length', Buffer.byteLength(reply.body));
  response.end(reply.body);
}

/** What `docker login` meets at the placeholder registry of an emulator started without one. */
function noRegistry(): Reply {
  const message = 'The AWS emulator was started without a registry (startAwsEmulator({ registry })): there is nowhere to push or pull images.';
  return { status: 503, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ errors: [{ code: 'UNAVAILABLE', message }] }) };
}
