import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  CreateRepositoryCommand,
  DescribeImagesCommand,
  DescribeRepositoriesCommand,
  GetAuthorizationTokenCommand,
  type Repository,
} from '@aws-sdk/client-ecr';
import { docker } from '../local/docker';
import type { AwsClients } from './awsClients';
import { awsCall, errorName, explainAwsError, required } from './awsErrors';
import { ECR_REPOSITORY_PATTERN, TAG_PATTERN, parseImageReference, repositoryNameFor } from './imageReference';
import { SmctError } from '../errors';

export interface PushOptions {
  /** The local image, e.g. `my-trainer:latest`. */
  readonly image: string;
  /** The ECR repository; default: made from the image's repository name. */
  readonly repository?: string;
  /** Default: the image's tag, else `latest`. */
  readonly tag?: string;
  /** Refuse an image of another platform (training instances are linux/amd64; inference may be arm64). */
  readonly requiredPlatform?: string;
  readonly onProgress?: (line: string) => void;
  readonly signal?: AbortSignal;
}

export interface PushResult {
  readonly repositoryUri: string;
  /** `<registry>/<repository>:<tag>` */
  readonly taggedUri: string;
  /** `<registry>/<repository>@sha256:…`: what a training job should run, so that a later push cannot change it. */
  readonly digestUri: string;
  readonly digest: string;
  readonly createdRepository: boolean;
}

/**
 * Pushes a local image to Amazon ECR: the repository is created when missing, Docker logs in
 * with the authorization token through standard input and into a throwaway config folder (the
 * password never reaches a command line, a log, or the user's ~/.docker/config.json), then the
 * image is tagged and pushed with its progress streamed.
 */
export async function pushImage(clients: AwsClients, options: PushOptions): Promise<PushResult> {
  // docker reads a leading "-" as an option of its own: refused before any command line has it.
  if (options.image.startsWith('-')) throw new SmctError('USAGE', `"${options.image}" is not an image name: an image name may not start with "-".`);
  const repositoryName = options.repository ?? repositoryNameFor(options.image);
  const tag = options.tag ?? parseImageReference(options.image).tag ?? 'latest';
  checkNames(repositoryName, tag);
  await checkLocalImage(options.image, options.requiredPlatform);
  const progress = options.onProgress ?? (() => {});
  const { repository, created } = await ensureRepository(clients, repositoryName, options.signal);
  progress(created ? `Created ECR repository ${repository.repositoryUri}` : `ECR repository ${repository.repositoryUri}`);
  const daemon = await currentDaemon();
  const configDir = fs.mkdtempSync(path.join(os.tmpdir(), 'smct-docker-config-'));
  try {
    const registry = await logIn(clients, configDir, daemon, options.signal);
    progress(`Logged in to ${registry}`);
    const repositoryUri = required(repository.repositoryUri, 'repositoryUri');
    const taggedUri = `${repositoryUri}:${tag}`;
    const tagged = await docker(['tag', options.image, taggedUri]);
    if (tagged.code !== 0) throw new SmctError('AWS_OTHER', `docker tag ${options.image} ${taggedUri} failed: ${lastLine(tagged.stderr)}`);
    const digest = await push(configDir, daemon, taggedUri, progress, options.signal);
    const known = digest ?? (await describeDigest(clients, repositoryName, tag, options.signal));
    return {
      repositoryUri,
      taggedUri,
      digestUri: `${repositoryUri}@${known}`,
      digest: known,
      createdRepository: created,
    };
  } finally {
    fs.rmSync(configDir, { recursive: true, force: true });
  }
}

function checkNames(repository: string, tag: string): void {
  if (repository.length < 2 || repository.length > 256 || !ECR_REPOSITORY_PATTERN.test(repository)) {
    throw new SmctError(
      'AWS_INVALID',
      `"${repository}" cannot be an ECR repository name: 2 to 256 lowercase letters, digits and . _ - between them, with / between parts. Pass another with --repository (or "repository" in sagemaker-job.json).`,
    );
  }
  if (!TAG_PATTERN.test(tag)) throw new SmctError('AWS_INVALID', `"${tag}" cannot be an image tag: up to 128 letters, digits, _ . and -.`);
}

/** SageMaker training instances are x86_64. */
export const TRAINING_PLATFORM = 'linux/amd64';

async function checkLocalImage(image: string, requiredPlatform?: string): Promise<void> {
  const result = await docker(['image', 'inspect', '--format', '{{.Os}}/{{.Architecture}}', image]);
  if (result.code !== 0) throw new SmctError('AWS_INVALID', `The image ${image} is not on this machine: build it first (smct build).`);
  const platform = result.stdout.trim();
  // An arm64 image from a laptop fails on a training instance with "exec format error".
  if (requiredPlatform && platform !== requiredPlatform) {
    throw new SmctError(
      'AWS_INVALID',
      `${image} is a ${platform} image, but SageMaker training instances run ${requiredPlatform} (the job would fail with "exec format error"). Rebuild it for ${requiredPlatform} ("build": {"platform": "${requiredPlatform}"} in sagemaker-job.json, the default).`,
    );
  }
}

async function ensureRepository(clients: AwsClients, repositoryName: string, signal?: AbortSignal): Promise<{ repository: Repository; created: boolean }> {
  const target = clients.target;
  const abortable = { abortSignal: signal };
  try {
    const found = await clients.ecr.send(new DescribeRepositoriesCommand({ repositoryNames: [repositoryName] }), abortable);
    return { repository: required(found.repositories?.[0], 'repositories'), created: false };
  } catch (error) {
    if (errorName(error) !== 'RepositoryNotFoundException') throw explainAwsError(error, 'DescribeRepositories', target);
  }
  try {
    const made = await clients.ecr.send(new CreateRepositoryCommand({ repositoryName }), abortable);
    return { repository: required(made.repository, 'repository'), created: true };
  } catch (error) {
    // Another push made it in between.
    if (errorName(error) !== 'RepositoryAlreadyExistsException') throw explainAwsError(error, 'CreateRepository', target);
    const found = await awsCall('DescribeRepositories', target, () =>
      clients.ecr.send(new DescribeRepositoriesCommand({ repositoryNames: [repositoryName] }), abortable),
    );
    return { repository: required(found.repositories?.[0], 'repositories'), created: false };
  }
}

type DockerEnv = Readonly<Record<string, string>> | undefined;

/**
 * The daemon of the user's current Docker context (colima, rootless, a remote host), as
 * DOCKER_HOST: a throwaway --config folder has no contexts, and would reach the default socket.
 */
async function currentDaemon(): Promise<DockerEnv> {
  if (process.env.DOCKER_HOST) return undefined;
  const result = await docker(['context', 'inspect', '--format', '{{.Endpoints.docker.Host}}']);
  const host = result.code === 0 ? result.stdout.trim() : '';
  return host ? { DOCKER_HOST: host } : undefined;
}

/** Logs Docker in to the account's registry; returns the registry host. */
async function logIn(clients: AwsClients, configDir: string, daemon: DockerEnv, signal?: AbortSignal): Promise<string> {
  const answer = await awsCall('GetAuthorizationToken', clients.target, () => clients.ecr.send(new GetAuthorizationTokenCommand({}), { abortSignal: signal }));
  const data = answer.authorizationData?.[0];
  const decoded = Buffer.from(data?.authorizationToken ?? '', 'base64').toString('utf8');
  // The token is "AWS:<password>"; the password may itself hold colons, so split at the first only.
  const colon = decoded.indexOf(':');
  if (!data?.proxyEndpoint || colon < 1) {
    throw new SmctError('AWS_OTHER', 'ECR answered GetAuthorizationToken with an authorization token of an unknown form.');
  }
  const registry = data.proxyEndpoint.replace(/^https?:\/\//, '').replace(/\/+$/, '');
  const result = await docker(['--config', configDir, 'login', '--username', decoded.slice(0, colon), '--password-stdin', registry], {
    input: decoded.slice(colon + 1),
    env: daemon,
    signal,
  });
  if (result.code !== 0) {
    throw new SmctError('AWS_OTHER', `docker login to ${registry} failed: ${lastLine(result.stderr || result.stdout)}`);
  }
  return registry;
}

async function push(configDir: string, daemon: DockerEnv, uri: string, progress: (line: string) => void, signal?: AbortSignal): Promise<string | undefined> {
  let digest: string | undefined;
  let pending = '';
  const onOutput = (chunk: string): void => {
    const lines = (pending + chunk).split(/\r?\n/);
    pending = lines.pop() ?? '';
    for (const line of lines.filter(Boolean)) {
      digest = /digest: (sha256:[0-9a-f]{64})/.exec(line)?.[1] ?? digest;
      progress(line);
    }
  };
  const result = await docker(['--config', configDir, 'push', uri], { onStdout: onOutput, onStderr: onOutput, env: daemon, signal });
  if (pending) onOutput('\n');
  if (result.code !== 0) throw new SmctError('AWS_OTHER', `docker push ${uri} failed: ${lastLine(result.stderr || result.stdout)}`);
  return digest;
}

async function describeDigest(clients: AwsClients, repositoryName: string, tag: string, signal?: AbortSignal): Promise<string> {
  const images = await awsCall('DescribeImages', clients.target, () =>
    clients.ecr.send(new DescribeImagesCommand({ repositoryName, imageIds: [{ imageTag: tag }] }), { abortSignal: signal }),
  );
  const digest = images.imageDetails?.[0]?.imageDigest;
  if (!digest) throw new SmctError('AWS_OTHER', `ECR does not list ${repositoryName}:${tag} after the push.`);
  return digest;
}

function lastLine(text: string): string {
  return text.trim().split('\n').pop() ?? '';
}
