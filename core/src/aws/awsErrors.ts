import type { AwsTarget } from './awsTarget';
import { isSmctError, SmctError } from '../errors';

const EXPIRED = new Set(['ExpiredToken', 'ExpiredTokenException', 'RequestExpired', 'TokenRefreshRequired']);
const REFUSED = new Set(['UnrecognizedClientException', 'InvalidClientTokenId', 'InvalidSignatureException', 'SignatureDoesNotMatch', 'InvalidAccessKeyId']);
const DENIED = new Set(['AccessDenied', 'AccessDeniedException']);
const THROTTLED = new Set(['ThrottlingException', 'Throttling', 'TooManyRequestsException', 'SlowDown', 'RequestLimitExceeded']);
const NETWORK = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'ECONNRESET', 'TimeoutError']);

/** DescribeLogStreams and GetLogEvents, which reading a job's logs makes, named as one step. */
export const READING_LOGS = "reading the job's logs";

/** The permission each call needs, for AccessDenied messages. */
const ACTIONS: Record<string, string> = {
  CreateTrainingJob: 'sagemaker:CreateTrainingJob and iam:PassRole on the execution role',
  DescribeTrainingJob: 'sagemaker:DescribeTrainingJob',
  ListTrainingJobs: 'sagemaker:ListTrainingJobs',
  StopTrainingJob: 'sagemaker:StopTrainingJob',
  GetAuthorizationToken: 'ecr:GetAuthorizationToken',
  DescribeRepositories: 'ecr:DescribeRepositories',
  CreateRepository: 'ecr:CreateRepository',
  DescribeImages: 'ecr:DescribeImages',
  DescribeLogStreams: 'logs:DescribeLogStreams',
  GetLogEvents: 'logs:GetLogEvents',
  [READING_LOGS]: 'logs:DescribeLogStreams and logs:GetLogEvents',
};

/** The service of each call, for messages that say whose answer is missing or wrong. */
const SERVICES: Record<string, string> = {
  CreateTrainingJob: 'SageMaker',
  DescribeTrainingJob: 'SageMaker',
  ListTrainingJobs: 'SageMaker',
  StopTrainingJob: 'SageMaker',
  GetAuthorizationToken: 'Amazon ECR',
  DescribeRepositories: 'Amazon ECR',
  CreateRepository: 'Amazon ECR',
  DescribeImages: 'Amazon ECR',
  DescribeLogStreams: 'CloudWatch Logs',
  GetLogEvents: 'CloudWatch Logs',
  [READING_LOGS]: 'CloudWatch Logs',
  GetCallerIdentity: 'AWS STS',
  HeadBucket: 'Amazon S3',
  CreateBucket: 'Amazon S3',
  HeadObject: 'Amazon S3',
  PutObject: 'Amazon S3',
  GetObject: 'Amazon S3',
  ListObjectsV2: 'Amazon S3',
};

export const QUOTAS_URL = 'https://console.aws.amazon.com/servicequotas/home/services/sagemaker/quotas';

/** An error name the SDK gives, or a Node network code. */
export function errorName(error: unknown): string {
  const e = error as { name?: string; code?: string; Code?: string } | undefined;
  return e?.code && NETWORK.has(e.code) ? e.code : (e?.name ?? e?.Code ?? 'Error');
}

function isCredentialsError(error: unknown): boolean {
  const name = errorName(error);
  return EXPIRED.has(name) || REFUSED.has(name) || name === 'CredentialsProviderError' || /sso.*(expired|refresh|token)|token.*expired/i.test(message(error));
}

/**
 * Turns an SDK failure of `operation` into an SmctError (AWS_*) whose message says what to do:
 * log in again, which permission is missing, where to raise a quota. Errors of ours pass through.
 */
export function explainAwsError(error: unknown, operation: string, target: AwsTarget): Error {
  if (isSmctError(error) || !(error instanceof Error)) return error instanceof Error ? error : new Error(String(error));
  const name = errorName(error);
  if (name === 'AbortError') return error;
  const who = target.profile ? `profile "${target.profile}"` : 'the default profile';
  const login = target.profile ? `aws sso login --profile ${target.profile}` : 'aws sso login';
  if (name === 'CredentialsProviderError' && !/sso/i.test(error.message)) {
    return new SmctError(
      'AWS_CREDENTIALS',
      `No AWS credentials found for ${who}. Choose another profile, or set them up: aws configure${target.profile ? ` --profile ${target.profile}` : ''} (or aws configure sso).`,
    );
  }
  if (isCredentialsError(error)) {
    const expired = EXPIRED.has(name) || /expired|refresh/i.test(error.message);
    return new SmctError(
      'AWS_CREDENTIALS',
      expired
        ? `The AWS credentials of ${who} have expired (${operation}). Log in again (for SSO: ${login}) and retry.`
        : `AWS did not accept the credentials of ${who} (${operation}: ${name}). Check the access key, or log in again (${login}).`,
      login,
    );
  }
  if (DENIED.has(name)) {
    const needs = ACTIONS[operation] ? ` It needs ${ACTIONS[operation]}.` : '';
    return new SmctError('AWS_ACCESS', `Access denied to ${operation} for ${who} in ${target.region}: ${message(error)}${needs}`);
  }
  if (name === 'ResourceLimitExceeded') {
    return new SmctError('AWS_QUOTA', `${operation}: ${message(error)} Request a higher quota for ${target.region}: ${QUOTAS_URL}`);
  }
  if (name === 'ValidationException') return new SmctError('AWS_INVALID', `${operation} was refused: ${message(error)}`);
  if (THROTTLED.has(name)) {
    return new SmctError('AWS_THROTTLED', `AWS is throttling ${operation} in ${target.region} (${name}), even after retries. Wait a minute and try again.`);
  }
  if (isTimeout(error)) return timeoutError(error, operation, target);
  if (NETWORK.has(name)) {
    return new SmctError('AWS_NETWORK', `Cannot reach AWS for ${operation}${endpointNote()}: ${name}. Check the network and any proxy, then try again.`);
  }
  if (isUnreadable(error)) return unreadableError(error, operation, target);
  if (httpStatus(error) >= 500) return serverFaultError(error, operation, target);
  return new SmctError('AWS_OTHER', `${operation} failed: ${name}: ${message(error)}`);
}

/** The endpoint set instead of AWS's, the first suspect when answers are missing or strange; never its user or password. */
function endpointUrl(): string | undefined {
  const value = process.env.AWS_ENDPOINT_URL;
  if (!value) return undefined;
  try {
    const url = new URL(value);
    return `${url.origin}${url.pathname === '/' ? '' : url.pathname}`;
  } catch {
    return 'set, but not a URL';
  }
}

function endpointNote(): string {
  const url = endpointUrl();
  return url ? ` (AWS_ENDPOINT_URL=${url})` : '';
}

function serviceOf(operation: string): string {
  return SERVICES[operation] ?? 'AWS';
}

interface SdkFailure {
  readonly $metadata?: { readonly httpStatusCode?: number; readonly attempts?: number };
  readonly $response?: { readonly statusCode?: number };
}

function httpStatus(error: unknown): number {
  const failure = error as SdkFailure;
  return failure.$metadata?.httpStatusCode ?? failure.$response?.statusCode ?? 0;
}

/** ", after 5 attempts" when the SDK retried: the failure is not a passing one. */
function attemptsNote(error: unknown): string {
  const attempts = (error as SdkFailure).$metadata?.attempts ?? 1;
  return attempts > 1 ? ` (${attempts} attempts)` : '';
}

function isTimeout(error: Error): boolean {
  return error.name === 'TimeoutError' || (error as { code?: string }).code === 'ETIMEDOUT';
}

/** The SDK's timeout messages name the limit in milliseconds; said in seconds, as the settings are. */
function timeoutSeconds(error: Error): string {
  const ms = /(\d+) ?ms\b/.exec(error.message)?.[1];
  return ms === undefined ? '' : ` within ${Number(ms) / 1000} s`;
}

function timeoutError(error: Error, operation: string, target: AwsTarget): SmctError {
  const connecting = /establish a connection/i.test(error.message);
  const service = SERVICES[operation] ? ` (${SERVICES[operation]})` : '';
  const what = connecting ? `AWS could not be reached for ${operation}${service}` : `AWS did not answer ${operation}${service}`;
  const variable = connecting ? 'SMCT_AWS_CONNECT_TIMEOUT' : 'SMCT_AWS_REQUEST_TIMEOUT';
  return new SmctError(
    'AWS_NETWORK',
    `${what} in ${target.region}${timeoutSeconds(error)}${attemptsNote(error)}: check the network, proxy or AWS_ENDPOINT_URL${endpointUrl() ? ` (${endpointUrl()})` : ''}, then try again. On a slow link, wait longer with ${variable}=<seconds>.`,
  );
}

/** An answer the SDK could not parse: HTML from a proxy or captive portal, a truncated body, an endpoint that is not AWS. */
function isUnreadable(error: Error): boolean {
  // Not by $response: the SDK attaches the raw response to AWS's well-formed refusals too.
  return /Deserialization error/i.test(error.message);
}

function unreadableError(error: Error, operation: string, target: AwsTarget): SmctError {
  const status = httpStatus(error);
  if (status >= 500) return serverFaultError(error, operation, target);
  return new SmctError(
    'AWS_OTHER',
    `could not read ${serviceOf(operation)}'s answer to ${operation} in ${target.region}${status ? ` (HTTP ${status})` : ''}: it is not what AWS sends, so something in between answered (a proxy, a captive portal, or the endpoint${endpointNote()}). Check the network, proxy or AWS_ENDPOINT_URL, then try again.`,
  );
}

/** Error names that say nothing more than the status does. */
const NAMELESS = new Set(['Unknown', 'UnknownError', 'Error', 'SyntaxError', 'InternalError', 'TimeoutError']);

function serverFaultError(error: Error, operation: string, target: AwsTarget): SmctError {
  const name = errorName(error);
  const detail = NAMELESS.has(name) ? '' : `, ${name}`;
  return new SmctError(
    'AWS_OTHER',
    `${serviceOf(operation)} failed ${operation} in ${target.region} with HTTP ${httpStatus(error)}${detail}${attemptsNote(error)}: the fault is on AWS's side (or the endpoint's${endpointNote()}), not in your request. Wait a few minutes and try again; https://health.aws.amazon.com/health/status shows AWS outages.`,
  );
}

function message(error: unknown): string {
  return ((error as Error)?.message ?? String(error)).replace(/\.?\s*$/, '.');
}

/** Runs one AWS call and explains its failure. */
export async function awsCall<T>(operation: string, target: AwsTarget, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw explainAwsError(error, operation, target);
  }
}

/** A member AWS always returns; its absence is said plainly rather than as a TypeError. */
export function required<T>(value: T | undefined, member: string): T {
  if (value === undefined) throw new SmctError('AWS_OTHER', `AWS answered without ${member}.`);
  return value;
}
