import { createHash } from 'node:crypto';
import * as http from 'node:http';
import type { JsonHandler } from './jsonProtocol';
import { compare } from './logs';
import { AwsError, decodeToken, encodeToken, epochSeconds } from './protocol';

/** A Docker registry standing in for ECR's: `docker login --username AWS` with the password, then push and pull. */
export interface RegistryInfo {
  /** `127.0.0.1:PORT`, as ECR's proxyEndpoint without the scheme. */
  readonly endpoint: string;
  readonly username?: string;
  readonly password: string;
}

interface Repository {
  readonly name: string;
  readonly createdAt: Date;
  readonly imageTagMutability: string;
  readonly scanOnPush: boolean;
}

interface ImageDetail {
  registryId: string;
  repositoryName: string;
  imageDigest: string;
  imageTags: string[];
  imageSizeInBytes: number;
  imagePushedAt: number;
  imageManifestMediaType?: string;
  artifactMediaType?: string;
}

interface Manifest {
  readonly digest: string;
  readonly mediaType?: string;
  readonly size: number;
  readonly configMediaType?: string;
}

const MANIFEST_TYPES = [
  'application/vnd.docker.distribution.manifest.v2+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.oci.image.index.v1+json',
];

const TOKEN_HOURS = 12;
const isOffset = (state: unknown): state is { offset: number } => typeof (state as { offset?: unknown } | null)?.offset === 'number';

/**
 * ECR's control plane: repositories live here, images in the real registry given to the emulator,
 * which DescribeImages asks as ECR would (the manifest by tag or digest, its digest from
 * `Docker-Content-Digest`). Without a registry, the authorization token names a placeholder.
 */
export class EcrService {
  private readonly repositories = new Map<string, Repository>();
  /** When the emulator first saw each digest: the registry does not say when an image was pushed. */
  private readonly firstSeen = new Map<string, number>();

  constructor(
    private readonly region: string,
    private readonly accountId: string,
    /** The registry, or a placeholder (which answers no request) when the emulator has none. */
    private readonly registry: () => RegistryInfo & { readonly placeholder?: boolean },
  ) {}

  handlers(): Record<string, JsonHandler> {
    return {
      CreateRepository: (input) =>
        this.createRepository(
          input as unknown as { repositoryName: string; imageTagMutability?: string; imageScanningConfiguration?: { scanOnPush?: boolean } },
        ),
      DescribeRepositories: (input) => this.describeRepositories(input as { repositoryNames?: string[]; maxResults?: number; nextToken?: string }),
      GetAuthorizationToken: () => this.authorizationToken(),
      DescribeImages: (input) =>
        this.describeImages(
          input as unknown as { repositoryName: string; imageIds?: { imageTag?: string; imageDigest?: string }[]; maxResults?: number; nextToken?: string },
        ),
    };
  }

  private view(repository: Repository): unknown {
    return {
      repositoryArn: `arn:aws:ecr:${this.region}:${this.accountId}:repository/${repository.name}`,
      registryId: this.accountId,
      repositoryName: repository.name,
      repositoryUri: `${this.registry().endpoint}/${repository.name}`,
      createdAt: epochSeconds(repository.createdAt),
      imageTagMutability: repository.imageTagMutability,
      imageScanningConfiguration: { scanOnPush: repository.scanOnPush },
      encryptionConfiguration: { encryptionType: 'AES256' },
    };
  }

  private createRepository(input: { repositoryName: string; imageTagMutability?: string; imageScanningConfiguration?: { scanOnPush?: boolean } }): unknown {
    if (this.repositories.has(input.repositoryName)) {
      throw new AwsError(
        'RepositoryAlreadyExistsException',
        `The repository with name '${input.repositoryName}' already exists in the registry with id '${this.accountId}'`,
      );
    }
    const repository: Repository = {
      name: input.repositoryName,
      createdAt: new Date(),
      imageTagMutability: input.imageTagMutability ?? 'MUTABLE',
      scanOnPush: input.imageScanningConfiguration?.scanOnPush ?? false,
    };
    this.repositories.set(repository.name, repository);
    return { repository: this.view(repository) };
  }

  private repository(name: string): Repository {
    const repository = this.repositories.get(name);
    if (!repository) {
      throw new AwsError('RepositoryNotFoundException', `The repository with name '${name}' does not exist in the registry with id '${this.accountId}'`);
    }
    return repository;
  }

  private describeRepositories(input: { repositoryNames?: string[]; maxResults?: number; nextToken?: string }): unknown {
    if (input.repositoryNames) return { repositories: input.repositoryNames.map((name) => this.view(this.repository(name))) };
    const all = [...this.repositories.values()].sort((a, b) => compare(a.name, b.name));
    const { page, nextToken } = paginate(all, input.nextToken, input.maxResults ?? 1000);
    return { repositories: page.map((repository) => this.view(repository)), nextToken };
  }

  private authorizationToken(): unknown {
    const registry = this.registry();
    return {
      authorizationData: [
        {
          authorizationToken: Buffer.from(`${registry.username ?? 'AWS'}:${registry.password}`).toString('base64'),
          expiresAt: epochSeconds(new Date(Date.now() + TOKEN_HOURS * 3600_000)),
          proxyEndpoint: `http://${registry.endpoint}`,
        },
      ],
    };
  }

  private async describeImages(input: {
    repositoryName: string;
    imageIds?: { imageTag?: string; imageDigest?: string }[];
    maxResults?: number;
    nextToken?: string;
  }): Promise<unknown> {
    this.repository(input.repositoryName);
    if (input.imageIds) {
      const details = await Promise.all(input.imageIds.map((id) => this.image(input.repositoryName, id)));
      return { imageDetails: merge(details) };
    }
    const tags = await this.tags(input.repositoryName);
    const details = merge(await Promise.all(tags.map((tag) => this.image(input.repositoryName, { imageTag: tag }))));
    const { page, nextToken } = paginate(details, input.nextToken, input.maxResults ?? 100);
    return { imageDetails: page, nextToken };
  }

  private async image(repositoryName: string, id: { imageTag?: string; imageDigest?: string }): Promise<ImageDetail> {
    const reference = id.imageDigest ?? id.imageTag ?? 'latest';
    const manifest = await this.manifest(repositoryName, reference);
    if (!manifest || (id.imageDigest !== undefined && manifest.digest !== id.imageDigest)) {
      throw new AwsError(
        'ImageNotFoundException',
        `The image with imageId {imageDigest:'${id.imageDigest ?? 'null'}', imageTag:'${id.imageTag ?? 'null'}'} does not exist within the repository with name '${repositoryName}' in the registry with id '${this.accountId}'`,
      );
    }
    if (!this.firstSeen.has(manifest.digest)) this.firstSeen.set(manifest.digest, epochSeconds(new Date()));
    return {
      registryId: this.accountId,
      repositoryName,
      imageDigest: manifest.digest,
      imageTags: id.imageTag !== undefined ? [id.imageTag] : [],
      imageSizeInBytes: manifest.size,
      imagePushedAt: this.firstSeen.get(manifest.digest) as number,
      imageManifestMediaType: manifest.mediaType,
      artifactMediaType: manifest.configMediaType,
    };
  }

  /** The manifest from the registry, or undefined when it has none by that reference (or there is no registry). */
  private async manifest(repositoryName: string, reference: string): Promise<Manifest | undefined> {
    const answer = await this.registryGet(`/v2/${repositoryName}/manifests/${encodeURIComponent(reference)}`, MANIFEST_TYPES.join(', '));
    if (!answer || answer.status === 404) return undefined;
    if (answer.status !== 200) {
      throw new AwsError('ServerException', `The registry answered ${answer.status} for the manifest ${repositoryName}:${reference}`, 500);
    }
    const document = JSON.parse(answer.body.toString('utf8')) as { config?: { size: number; mediaType?: string }; layers?: { size: number }[] };
    const size = document.config ? document.config.size + (document.layers ?? []).reduce((sum, layer) => sum + layer.size, 0) : answer.body.length;
    const digest = String(answer.headers['docker-content-digest'] ?? `sha256:${createHash('sha256').update(answer.body).digest('hex')}`);
    return { digest, mediaType: String(answer.headers['content-type'] ?? '').split(';')[0] || undefined, size, configMediaType: document.config?.mediaType };
  }

  private async tags(repositoryName: string): Promise<string[]> {
    const answer = await this.registryGet(`/v2/${repositoryName}/tags/list`, 'application/json');
    if (!answer || answer.status !== 200) return [];
    return ((JSON.parse(answer.body.toString('utf8')) as { tags?: string[] | null }).tags ?? []).sort();
  }

  /** A GET on the registry with its basic auth; undefined when the emulator has no registry. */
  private registryGet(path: string, accept: string): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer } | undefined> {
    const registry = this.registry();
    if (registry.placeholder) return Promise.resolve(undefined);
    const [host, port] = registry.endpoint.split(':');
    const auth = Buffer.from(`${registry.username ?? 'AWS'}:${registry.password}`).toString('base64');
    return new Promise((resolve, reject) => {
      const request = http.get({ host, port: Number(port), path, headers: { accept, authorization: `Basic ${auth}` }, timeout: 10_000 }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks) }));
        response.on('error', reject);
      });
      request.on('timeout', () => request.destroy(new Error(`The registry ${registry.endpoint} did not answer within 10 s`)));
      request.on('error', (error) => reject(new AwsError('ServerException', `The registry ${registry.endpoint} cannot be reached: ${error.message}`, 500)));
    });
  }
}

/** One detail per digest, with every tag asked for that points at it, as ECR reports images. */
function merge(details: readonly ImageDetail[]): ImageDetail[] {
  const byDigest = new Map<string, ImageDetail>();
  for (const detail of details) {
    const known = byDigest.get(detail.imageDigest);
    if (known) known.imageTags = [...new Set([...known.imageTags, ...detail.imageTags])];
    else byDigest.set(detail.imageDigest, { ...detail, imageTags: [...detail.imageTags] });
  }
  return [...byDigest.values()];
}

function paginate<T>(items: readonly T[], token: string | undefined, limit: number): { page: T[]; nextToken?: string } {
  const offset =
    token === undefined ? 0 : decodeToken(token, isOffset, () => new AwsError('InvalidParameterException', 'Invalid parameter at nextToken')).offset;
  return { page: items.slice(offset, offset + limit), nextToken: offset + limit < items.length ? encodeToken({ offset: offset + limit }) : undefined };
}
