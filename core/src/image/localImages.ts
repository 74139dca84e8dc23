import type { LocalImageLookup } from '../dockerfile/baseFacts';
import { DockerfileModel } from '../dockerfile/model';
import { isCancellation, isSmctError } from '../errors';
import { inspectImageConfig, type ImageConfig } from './imageConfig';

/** Reads one image's configuration from the local engine; undefined when the image is not there. */
export type LocalImageInspector = (reference: string, signal: AbortSignal) => Promise<ImageConfig | undefined>;

export interface LocalImageReadOptions {
  /** Aborted on Ctrl-C or when the caller no longer needs the answer: the `docker` processes are stopped. */
  readonly signal?: AbortSignal;
  /** How long one `docker image inspect` may take; past it, the engine is taken as not answering. */
  readonly timeoutMs?: number;
  /** How many `docker` processes run at once. */
  readonly concurrency?: number;
  /** Tests pass a fake; `docker image inspect` (never a pull) otherwise. */
  readonly inspect?: LocalImageInspector;
}

export interface LocalImageRead {
  /** The configuration of each reference whose image is on this machine. */
  readonly found: ReadonlyMap<string, ImageConfig>;
  /** References the engine answered for: found, or not on this machine. */
  readonly answered: readonly string[];
  /** Why the engine could not be asked (no docker CLI, daemon stopped or not answering), or undefined. */
  readonly unavailable?: string;
}

export const INSPECT_TIMEOUT_MS = 5000;
const CONCURRENCY = 4;

/**
 * The external image a Dockerfile's stage chain starts from (the one its final image, or the
 * `target` stage, inherits from), when it can be asked of the local engine: not `scratch`, no
 * build variable left unexpanded, nothing docker would read as an option.
 */
export function localBaseReference(text: string, target?: string): string | undefined {
  return baseReferenceOf(new DockerfileModel(text, { target }));
}

/** As localBaseReference, for a Dockerfile already analysed. */
export function baseReferenceOf(model: DockerfileModel): string | undefined {
  const base = model.baseImage;
  return base && inspectable(base.reference.value, base.reference.complete) ? base.reference.value : undefined;
}

/** Whether a FROM reference may be passed to `docker image inspect`. */
export function inspectable(reference: string, complete = true): boolean {
  return complete && reference !== '' && reference.toLowerCase() !== 'scratch' && !reference.startsWith('-') && !reference.includes('$');
}

/**
 * Reads the configuration of each image that is already on this machine, each reference once,
 * a few at a time. Never pulls. Docker missing, stopped or not answering is no error: nothing is
 * known then, and the reason is returned (once) for a caller that wants to say it. Only an
 * abort of `signal` throws (the cancellation).
 */
export async function inspectLocalImages(references: Iterable<string>, options: LocalImageReadOptions = {}): Promise<LocalImageRead> {
  const inspect = options.inspect ?? inspectImageConfig;
  const timeoutMs = options.timeoutMs ?? INSPECT_TIMEOUT_MS;
  const queue = [...new Set(references)].filter((reference) => inspectable(reference));
  const found = new Map<string, ImageConfig>();
  const answered: string[] = [];
  let unavailable: string | undefined;

  const inspectOne = async (reference: string): Promise<void> => {
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
    try {
      const config = await inspect(reference, signal);
      answered.push(reference);
      if (config) found.set(reference, config);
    } catch (error) {
      if (options.signal?.aborted) throw options.signal.reason ?? error;
      if (isSmctError(error, 'DOCKER_UNAVAILABLE')) unavailable ??= error.message;
      else if (timeout.aborted || isCancellation(error)) unavailable ??= `docker image inspect did not answer within ${timeoutMs / 1000} s.`;
      // Anything else (a reference docker finds malformed, output it cannot give): this image stays unknown.
    }
  };
  const worker = async (): Promise<void> => {
    // After one "the engine cannot be asked", the others would only say it again.
    for (let reference = queue.shift(); reference !== undefined && unavailable === undefined; reference = queue.shift()) {
      options.signal?.throwIfAborted();
      await inspectOne(reference);
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.concurrency ?? CONCURRENCY, queue.length) }, worker));
  return { found, answered, unavailable };
}

/** A lookup answering from images read ahead of time. */
export function localImageLookup(found: ReadonlyMap<string, ImageConfig>): LocalImageLookup {
  return (reference) => found.get(reference);
}

/**
 * Reads the base images of these Dockerfiles (their stage chains' external FROM images) from the
 * local engine, for `lintDockerfile`'s `localImage`.
 */
export async function readLocalImages(
  dockerfiles: readonly { readonly text: string; readonly target?: string }[],
  options: LocalImageReadOptions = {},
): Promise<LocalImageRead & { readonly lookup: LocalImageLookup }> {
  const references = dockerfiles.map((dockerfile) => localBaseReference(dockerfile.text, dockerfile.target)).filter((ref) => ref !== undefined);
  const read = await inspectLocalImages(references, options);
  return { ...read, lookup: localImageLookup(read.found) };
}
