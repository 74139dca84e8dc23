import type { From } from 'dockerfile-ast';
import type { Expansion } from './variables';

/** The external image a stage chain starts from, and what its name tells about SageMaker. */
export interface BaseImage {
  readonly from: From;
  /** The image reference with build variables expanded where their values are known. */
  readonly reference: Expansion;
  readonly scratch: boolean;
  readonly repository: string;
  readonly tag: string | undefined;
  readonly digest: string | undefined;
  /** A known SageMaker image: an AWS Deep Learning Container, or another image named for the SageMaker toolkit. */
  readonly sagemaker: boolean;
  /** An AWS Deep Learning Container for training, or another image named for the SageMaker toolkit. */
  readonly providesTrain: boolean;
  /** An AWS Deep Learning Container for inference, or an image named for the SageMaker toolkit. */
  readonly providesServe: boolean;
}

/**
 * `<account>.dkr.ecr.<region>.amazonaws.com/<framework>-training:<tag>`; any part may be a build
 * variable (`.dkr.ecr.$REGION.`), so the host parts are matched loosely.
 */
const DEEP_LEARNING_CONTAINER = /\.dkr\.ecr\.[^/]+\.amazonaws\.com(?:\.cn)?\/(?:[^/]+\/)*[^/:@]*-(training|inference)(?=[:@]|$)/i;

export function describeBaseImage(from: From, raw: string, reference: Expansion): BaseImage {
  const { repository, tag, digest } = splitReference(reference.value);
  const dlc = DEEP_LEARNING_CONTAINER.exec(reference.value) ?? DEEP_LEARNING_CONTAINER.exec(raw);
  const named = /sagemaker/i.test(lastPathPart(repository)) || /sagemaker/i.test(tag ?? '');
  return {
    from,
    reference,
    scratch: reference.value.toLowerCase() === 'scratch',
    repository,
    tag,
    digest,
    sagemaker: dlc !== null || named,
    // A Deep Learning Container is for one job kind whatever its tag says ("…-sagemaker" tags are common).
    providesTrain: dlc ? dlc[1].toLowerCase() === 'training' : named,
    providesServe: dlc ? dlc[1].toLowerCase() === 'inference' : named,
  };
}

function lastPathPart(repository: string): string {
  // The registry host is not part of the repository's name (an ECR host never says "sagemaker").
  const parts = repository.split('/');
  return parts.length > 1 && /[.:]|^localhost$/.test(parts[0]) ? parts.slice(1).join('/') : repository;
}

export function splitReference(reference: string): { repository: string; tag?: string; digest?: string } {
  const at = reference.indexOf('@');
  const withoutDigest = at >= 0 ? reference.slice(0, at) : reference;
  const digest = at >= 0 ? reference.slice(at + 1) : undefined;
  const slash = withoutDigest.lastIndexOf('/');
  const colon = withoutDigest.lastIndexOf(':');
  if (colon > slash) {
    return { repository: withoutDigest.slice(0, colon), tag: withoutDigest.slice(colon + 1), digest };
  }
  return { repository: withoutDigest, digest };
}
