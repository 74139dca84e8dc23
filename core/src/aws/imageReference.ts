/** A Docker image reference split as Docker reads it: `[registry/]repository[:tag][@digest]`. */
export interface ImageReference {
  /** Present only when the first path part names a host (has a dot or a port, or is localhost). */
  readonly registry?: string;
  readonly repository: string;
  readonly tag?: string;
  readonly digest?: string;
}

export function parseImageReference(image: string): ImageReference {
  const [name, digest] = image.split('@', 2);
  const slash = name.indexOf('/');
  const first = slash < 0 ? '' : name.slice(0, slash);
  const isHost = first !== '' && (first.includes('.') || first.includes(':') || first === 'localhost');
  const rest = isHost ? name.slice(slash + 1) : name;
  const colon = rest.lastIndexOf(':');
  return {
    registry: isHost ? first : undefined,
    repository: colon >= 0 ? rest.slice(0, colon) : rest,
    tag: colon >= 0 ? rest.slice(colon + 1) : undefined,
    digest,
  };
}

const ECR_HOST = /^(\d{12})\.dkr\.ecr(-fips)?\.([a-z0-9-]+)\.amazonaws\.com(\.cn)?$/;

/** The account and region of an Amazon ECR registry host, else undefined. */
export function ecrRegistry(host: string | undefined): { account: string; region: string } | undefined {
  const match = host ? ECR_HOST.exec(host) : null;
  return match ? { account: match[1], region: match[3] } : undefined;
}

/** ECR's RepositoryName pattern: lowercase parts joined by `.`, `_` or `-`, `/` namespaces. */
export const ECR_REPOSITORY_PATTERN = /^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*\/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$/;
/** Docker's tag grammar, which ECR shares. */
export const TAG_PATTERN = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;

/** An ECR repository name made from a local image's repository: `Team/My Trainer` gives `team/my-trainer`. */
export function repositoryNameFor(localImage: string): string {
  const parts = parseImageReference(localImage)
    .repository.toLowerCase()
    .split('/')
    .map((part) =>
      part
        .replace(/[^a-z0-9._-]+/g, '-')
        .replace(/[._-]{2,}/g, '-')
        .replace(/^[._-]+|[._-]+$/g, ''),
    )
    .filter(Boolean);
  return parts.join('/');
}
