import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { ECRClient } from '@aws-sdk/client-ecr';
import { S3Client } from '@aws-sdk/client-s3';
import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { SageMakerRuntimeClient } from '@aws-sdk/client-sagemaker-runtime';
import { STSClient } from '@aws-sdk/client-sts';
import { fromNodeProviderChain } from '@aws-sdk/credential-providers';
import type { AwsCredentialIdentityProvider } from '@smithy/types';
import { VERSION as version } from '../version';
import type { AwsTarget } from './awsTarget';
import { SmctError } from '../errors';
import { awsAgents, awsNetwork, type AwsNetwork } from './awsNetwork';

/**
 * How long an AWS call may take, in milliseconds. `connect`: to open the connection (an
 * unreachable endpoint fails fast). `answer`: from sending the request to its answer beginning,
 * and the longest silence while the answer arrives. S3 uploads send parts of several megabytes,
 * which a slow uplink takes minutes to send, so S3 waits longer for its answers.
 */
export interface AwsTimeouts {
  readonly connect: number;
  readonly answer: number;
  readonly s3Answer: number;
}

/** What a user would wait for before suspecting the network; the AWS CLI waits 60 s too. */
export const DEFAULT_AWS_TIMEOUTS: AwsTimeouts = { connect: 10_000, answer: 60_000, s3Answer: 600_000 };

/** Environment variables (seconds) that override the timeouts, for a slow link or for tests. */
export const TIMEOUT_VARIABLES = { connect: 'SMCT_AWS_CONNECT_TIMEOUT', answer: 'SMCT_AWS_REQUEST_TIMEOUT' } as const;

/**
 * The timeouts, with SMCT_AWS_CONNECT_TIMEOUT and SMCT_AWS_REQUEST_TIMEOUT (seconds) over the
 * defaults; SMCT_AWS_REQUEST_TIMEOUT sets S3's too.
 */
export function awsTimeouts(env: NodeJS.ProcessEnv = process.env): AwsTimeouts {
  const connect = secondsVariable(env, TIMEOUT_VARIABLES.connect);
  const answer = secondsVariable(env, TIMEOUT_VARIABLES.answer);
  return {
    connect: connect ?? DEFAULT_AWS_TIMEOUTS.connect,
    answer: answer ?? DEFAULT_AWS_TIMEOUTS.answer,
    s3Answer: answer ?? DEFAULT_AWS_TIMEOUTS.s3Answer,
  };
}

function secondsVariable(env: NodeJS.ProcessEnv, name: string): number | undefined {
  const value = env[name];
  if (value === undefined || value === '') return undefined;
  const seconds = Number(value);
  if (!(seconds > 0 && seconds <= 86_400)) throw new SmctError('USAGE', `${name} must be a number of seconds above 0 (it is "${value}").`);
  return Math.round(seconds * 1000);
}

/**
 * The SDK's HTTP options: a connection timeout, a bound on the wait for the answer that throws
 * (without throwOnRequestTimeout the SDK only logs it), the same bound on silence after the
 * answer begins (a stalled body), and the agents that apply the proxy and CA settings.
 */
function requestHandler(connect: number, answer: number, agents: ReturnType<typeof awsAgents>) {
  return { connectionTimeout: connect, requestTimeout: answer, throwOnRequestTimeout: true, socketTimeout: answer, ...agents };
}

/**
 * The SDK clients for one profile and region, made on first use and sharing one credential
 * provider. The provider is the standard Node chain (environment, SSO, assume-role,
 * credential_process, static keys, container and instance roles), which the SDK memoizes and
 * refreshes before the credentials expire. Endpoints follow AWS_ENDPOINT_URL and
 * AWS_ENDPOINT_URL_<SERVICE>, which the SDK itself reads.
 */
export class AwsClients {
  readonly credentials: AwsCredentialIdentityProvider;
  private readonly made = new Map<string, unknown>();

  readonly timeouts: AwsTimeouts;
  /** One set of agents for every client: the credential calls, S3 and the rest go the same way. */
  private readonly agents: ReturnType<typeof awsAgents>;

  /** `network`: the proxy and CAs, from HTTPS_PROXY, HTTP_PROXY, NO_PROXY and AWS_CA_BUNDLE unless the caller (VS Code's settings) says otherwise. */
  constructor(
    readonly target: AwsTarget,
    timeouts: AwsTimeouts = awsTimeouts(),
    network: AwsNetwork = awsNetwork(),
  ) {
    this.timeouts = timeouts;
    this.agents = awsAgents(network);
    // The pinned SDK works on Node 20, which VS Code 1.100 runs; its notice that later releases
    // need Node 22 is for the maintainers (see the README), not for someone pushing an image.
    process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
    // The calls that fetch credentials (assume-role, SSO) are bounded like every other.
    this.credentials = fromNodeProviderChain({
      profile: target.profile,
      clientConfig: { region: target.region, requestHandler: requestHandler(timeouts.connect, timeouts.answer, this.agents) },
    });
  }

  get sagemaker(): SageMakerClient {
    return this.client('sagemaker', () => new SageMakerClient(this.config()));
  }

  /** InvokeEndpoint: a model error is an answer, not something to retry, so the SDK's retries (throttling, 5xx) stay at its default. */
  get runtime(): SageMakerRuntimeClient {
    return this.client('runtime', () => new SageMakerRuntimeClient({ ...this.config(), retryMode: 'standard', maxAttempts: 3 }));
  }

  get ecr(): ECRClient {
    return this.client('ecr', () => new ECRClient(this.config()));
  }

  get logs(): CloudWatchLogsClient {
    // Following a job for hours must survive a few throttled calls (the SageMaker Python SDK uses 15 attempts too).
    return this.client('logs', () => new CloudWatchLogsClient({ ...this.config(), maxAttempts: 15 }));
  }

  get s3(): S3Client {
    return this.client(
      's3',
      () => new S3Client({ ...this.config(), requestHandler: requestHandler(this.timeouts.connect, this.timeouts.s3Answer, this.agents) }),
    );
  }

  get sts(): STSClient {
    return this.client('sts', () => new STSClient(this.config()));
  }

  destroy(): void {
    for (const client of this.made.values()) (client as { destroy(): void }).destroy();
    this.made.clear();
    this.agents.httpAgent.destroy();
    this.agents.httpsAgent.destroy();
  }

  private config() {
    return {
      region: this.target.region,
      credentials: this.credentials,
      profile: this.target.profile,
      customUserAgent: [['sagemaker-container-tools', version]] as [string, string][],
      retryMode: 'adaptive',
      maxAttempts: 5,
      requestHandler: requestHandler(this.timeouts.connect, this.timeouts.answer, this.agents),
    };
  }

  private client<T extends SendingClient>(name: string, make: () => T): T {
    if (!this.made.has(name)) this.made.set(name, abortableSend(make()));
    return this.made.get(name) as T;
  }
}

interface SendingClient {
  send(command: unknown, options?: { abortSignal?: AbortSignal }): Promise<unknown>;
}

/**
 * The SDK heeds abortSignal only once the request goes out; fetching credentials before it does
 * (assuming a role, refreshing SSO) does not. So each send also ends when its signal aborts: Ctrl-C
 * is never kept waiting, and what is still under way is dropped.
 */
function abortableSend<T extends SendingClient>(client: T): T {
  const send = client.send.bind(client);
  client.send = (command, options) => {
    const sent = send(command, options);
    return options?.abortSignal ? endedByAbort(sent, options.abortSignal) : sent;
  };
  return client;
}

function endedByAbort<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(Object.assign(new Error('The AWS call was cancelled.'), { name: 'AbortError' }));
    if (signal.aborted) onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    // Promise.resolve: a test's stand-in for send may answer without a promise.
    void Promise.resolve(work)
      .then(resolve, reject)
      .finally(() => signal.removeEventListener('abort', onAbort));
  });
}
