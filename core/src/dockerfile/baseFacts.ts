import type { BaseImage } from './baseImage';
import { catalogueFacts } from './baseCatalogue';
import { stripWrapper } from './program';
import type { ImageConfig } from '../image/imageConfig';

/**
 * What a Dockerfile inherits from the external image its stage chain starts from: the image's
 * configuration, and what is known of its files. Comes from the catalogue of public base images
 * (each fact with its source) or from the local Docker engine (`docker image inspect`).
 */
export interface BaseFacts {
  readonly config: ImageConfig;
  /** Whether a `train` / `serve` program is on the base's PATH; undefined when not known. */
  readonly programs: { readonly train?: boolean; readonly serve?: boolean };
  /** True when the base's ENTRYPOINT executes its arguments as a command (`exec "$@"`), so `train` is looked up on PATH. */
  readonly entrypointRunsArguments?: boolean;
  /** True when the base's ENTRYPOINT takes options of its own and fails on a `train`/`serve` argument (vLLM, TGI). */
  readonly entrypointRejectsArguments?: boolean;
  /** Where the facts come from: the catalogue entry's source, or the local image they were read from. */
  readonly origin: { readonly kind: 'catalogue'; readonly source: string } | { readonly kind: 'local'; readonly image: string };
}

/**
 * Looks up the configuration of an image already present in the local Docker engine. Synchronous:
 * the fronts read images ahead of time (the CLI before linting, the language server in the
 * background) and answer from what they have read; undefined when the image is not there or not read yet.
 */
export type LocalImageLookup = (reference: string) => ImageConfig | undefined;

/**
 * The facts of a base image: read from the local Docker engine when the image is there (its real
 * configuration), else from the catalogue; undefined for an image neither knows. What the catalogue
 * says of the image's programs still holds for a local copy of the same reference.
 */
export function resolveBaseFacts(base: BaseImage | undefined, localImage: LocalImageLookup | undefined): BaseFacts | undefined {
  if (!base || base.scratch || !base.repository || !base.reference.complete) return undefined;
  const known = catalogueFacts(base.repository, base.tag);
  const local = localImage?.(base.reference.value);
  if (!local) return known;
  const sameEntrypoint = known !== undefined && known.config.entrypoint.join('\0') === local.entrypoint.join('\0');
  // Only an ENTRYPOINT that is nothing but an init wrapper (tini --) surely runs its arguments;
  // `tini -- /docker-entrypoint.sh` hands them to a script we cannot read.
  const onlyWrapper = local.entrypoint.length > 0 && stripWrapper(local.entrypoint).length === 0;
  return {
    config: local,
    programs: known?.programs ?? {},
    entrypointRunsArguments: sameEntrypoint ? known.entrypointRunsArguments : onlyWrapper ? true : undefined,
    entrypointRejectsArguments: sameEntrypoint ? known.entrypointRejectsArguments : undefined,
    origin: { kind: 'local', image: base.reference.value },
  };
}
