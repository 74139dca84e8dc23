import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { ECRClient } from '@aws-sdk/client-ecr';
import { S3Client } from '@aws-sdk/client-s3';
import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { STSClient } from '@aws-sdk/client-sts';
import { fromNodeProviderChain } from '@aws-sdk/credential-providers';
import type { AwsCredentialIdentityProvider } from '@smithy/types';
import { VERSION as version } from '../version';
import type { AwsTarget } from './awsTarget';

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

  constructor(readonly target: AwsTarget) {
    // The pinned SDK works on Node 20, which VS Code 1.100 runs; its notice that later releases
    // need Node 22 is for the maintainers (see the README), not for someone pushing an image.
    process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
    this.credentials = fromNodeProviderChain({ profile: target.profile, clientConfig: { region: target.region } });
  }

  get sagemaker(): SageMakerClient {
    return this.client('sagemaker', () => new SageMakerClient(this.config()));
  }

  get ecr(): ECRClient {
    return this.client('ecr', () => new ECRClient(this.config()));
  }

  get logs(): CloudWatchLogsClient {
    // Following a job for hours must survive a few throttled calls (the SageMaker Python SDK uses 15 attempts too).
    return this.client('logs', () => new CloudWatchLogsClient({ ...this.config(), maxAttempts: 15 }));
  }

  get s3(): S3Client {
    return this.client('s3', () => new S3Client(this.config()));
  }

  get sts(): STSClient {
    return this.client('sts', () => new STSClient(this.config()));
  }

  destroy(): void {
    for (const client of this.made.values()) (client as { destroy(): void }).destroy();
    this.made.clear();
  }

  private config() {
    return {
      region: this.target.region,
      credentials: this.credentials,
      profile: this.target.profile,
      customUserAgent: [['sagemaker-container-tools', version]] as [string, string][],
      retryMode: 'adaptive',
      maxAttempts: 5,
    };
  }

  private client<T>(name: string, make: () => T): T {
    if (!this.made.has(name)) this.made.set(name, make());
    return this.made.get(name) as T;
  }
}
