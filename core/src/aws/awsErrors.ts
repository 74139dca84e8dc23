import type { AwsTarget } from './awsTarget';
import { isSmctError, SmctError } from '../errors';

const EXPIRED = new Set(['ExpiredToken', 'ExpiredTokenException', 'RequestExpired', 'TokenRefreshRequired']);
const REFUSED = new Set(['UnrecognizedClientException', 'InvalidClientTokenId', 'InvalidSignatureException', 'SignatureDoesNotMatch', 'InvalidAccessKeyId']);
const DENIED = new Set(['AccessDenied', 'AccessDeniedException']);
const THROTTLED = new Set(['ThrottlingException', 'Throttling', 'TooManyRequestsException', 'SlowDown', 'RequestLimitExceeded']);
const NETWORK = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'ECONNRESET', 'TimeoutError']);

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
    return new SmctError('AWS_ACCESS', `Access denied to ${operation} for ${who} in ${target.region}: ${message(error)}.${needs}`);
  }
  if (name === 'ResourceLimitExceeded') {
    return new SmctError('AWS_QUOTA', `${operation}: ${message(error)} Request a higher quota for ${target.region}: ${QUOTAS_URL}`);
  }
  if (name === 'ValidationException') return new SmctError('AWS_INVALID', `${operation} was refused: ${message(error)}`);
  if (THROTTLED.has(name)) {
    return new SmctError('AWS_THROTTLED', `AWS is throttling ${operation} in ${target.region} (${name}), even after retries. Wait a minute and try again.`);
  }
  if (NETWORK.has(name)) {
    const endpoint = process.env.AWS_ENDPOINT_URL ? ` (AWS_ENDPOINT_URL=${process.env.AWS_ENDPOINT_URL})` : '';
    return new SmctError('AWS_NETWORK', `Cannot reach AWS for ${operation}${endpoint}: ${name}. Check the network and any proxy, then try again.`);
  }
  return new SmctError('AWS_OTHER', `${operation} failed: ${name}: ${message(error)}`);
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
