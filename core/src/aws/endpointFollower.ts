import { setTimeout as sleep } from 'node:timers/promises';
import type { DescribeEndpointOutput } from '@aws-sdk/client-sagemaker';
import type { AwsClients } from './awsClients';
import { awsCall, READING_LOGS } from './awsErrors';
import { VARIANT_NAME } from './endpointRequest';
import { describeEndpoint, ENDPOINT_TRANSITIONAL } from './endpoints';
import { TrainingLogReader, type LogLine } from './logStreams';
import { SmctError } from '../errors';

/** The log group SageMaker writes an endpoint's containers to (https://docs.aws.amazon.com/sagemaker/latest/dg/logging-cloudwatch.html). */
export function endpointLogGroup(endpointName: string): string {
  return `/aws/sagemaker/Endpoints/${endpointName}`;
}

export interface EndpointFollowOptions {
  /** Between DescribeEndpoint calls and log reads (default 15 s, a deployment takes minutes). */
  readonly intervalMs?: number;
  readonly onStatus?: (status: string, endpoint: DescribeEndpointOutput) => void;
  /** The containers' lines from CloudWatch Logs, as they come. */
  readonly onLog?: (line: LogLine) => void;
  readonly signal?: AbortSignal;
  /** The configuration an update moves to: settling InService on another one means SageMaker rolled the update back. */
  readonly expectConfig?: string;
}

/**
 * Follows an endpoint until it settles: each status change and the containers' log lines are
 * reported; InService resolves with the last description; Failed (or a failed update that
 * SageMaker rolled back) rejects with ENDPOINT_FAILED and SageMaker's FailureReason.
 */
export async function followEndpoint(clients: AwsClients, name: string, options: EndpointFollowOptions = {}): Promise<DescribeEndpointOutput> {
  const interval = options.intervalMs ?? 15_000;
  const logs = new TrainingLogReader(clients, VARIANT_NAME, endpointLogGroup(name));
  let last: string | undefined;
  for (;;) {
    const endpoint = await describeEndpoint(clients, name, options.signal);
    const status = endpoint.EndpointStatus ?? 'Unknown';
    if (status !== last) options.onStatus?.(status, endpoint);
    last = status;
    if (options.onLog) (await awsCall(READING_LOGS, clients.target, () => logs.read(options.signal))).forEach(options.onLog);
    if (!ENDPOINT_TRANSITIONAL.has(status)) {
      const rolledBack = options.expectConfig !== undefined && endpoint.EndpointConfigName !== options.expectConfig;
      if (rolledBack) {
        throw new SmctError(
          'ENDPOINT_FAILED',
          `The update of endpoint ${name} failed and SageMaker kept serving ${endpoint.EndpointConfigName}: ${endpoint.FailureReason ?? 'SageMaker gave no reason'}. The containers' logs are in CloudWatch Logs, group ${endpointLogGroup(name)}.`,
        );
      }
      if (status === 'InService' || status === 'OutOfService') return endpoint;
      throw new SmctError(
        'ENDPOINT_FAILED',
        `Endpoint ${name} is ${status}: ${endpoint.FailureReason ?? 'SageMaker gave no reason'}. Its containers' logs are in CloudWatch Logs, group ${endpointLogGroup(name)}.`,
      );
    }
    await sleep(interval, undefined, { signal: options.signal });
  }
}
