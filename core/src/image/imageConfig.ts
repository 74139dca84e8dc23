import { docker } from '../local/docker';

/**
 * What an image's configuration says SageMaker's `docker run IMAGE train|serve` will start with:
 * the facts a Dockerfile inherits from its base, and what `smct check` reads of a built image.
 * The same shape comes from the base-image catalogue (facts with sources) and from
 * `docker image inspect` of an image that is on this machine.
 */
export interface ImageConfig {
  /** Exec-form ENTRYPOINT as Docker stores it (a shell form is stored as ["/bin/sh", "-c", "…"]); [] when none. */
  readonly entrypoint: readonly string[];
  /** CMD as Docker stores it; [] when none. */
  readonly cmd: readonly string[];
  /** The folders of PATH, in order. */
  readonly path: readonly string[];
  /** The configured USER; "" is root. */
  readonly user: string;
  readonly workdir: string;
  /** `os/architecture[/variant]`, e.g. "linux/amd64". */
  readonly platforms: readonly string[];
  /** Environment variables, as NAME → value. */
  readonly env: Readonly<Record<string, string>>;
  readonly exposedPorts: readonly string[];
}

/** Docker's default PATH for Linux containers when the image sets none (moby's oci.DefaultPathEnv). */
export const DOCKER_DEFAULT_PATH = ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'];

interface InspectedImage {
  readonly Os?: string;
  readonly Architecture?: string;
  readonly Variant?: string;
  readonly Config?: {
    readonly Entrypoint?: string[] | null;
    readonly Cmd?: string[] | null;
    readonly Env?: string[] | null;
    readonly User?: string;
    readonly WorkingDir?: string;
    readonly ExposedPorts?: Record<string, unknown> | null;
  };
}

/** Turns `docker image inspect` output for one image into an ImageConfig. */
export function imageConfigOf(inspected: InspectedImage): ImageConfig {
  const config = inspected.Config ?? {};
  const env: Record<string, string> = {};
  for (const entry of config.Env ?? []) {
    const equals = entry.indexOf('=');
    if (equals > 0) env[entry.slice(0, equals)] = entry.slice(equals + 1);
  }
  const platform = [inspected.Os ?? 'linux', inspected.Architecture ?? 'amd64', ...(inspected.Variant ? [inspected.Variant] : [])].join('/');
  return {
    entrypoint: config.Entrypoint ?? [],
    cmd: config.Cmd ?? [],
    path: env.PATH !== undefined ? env.PATH.split(':').filter((folder) => folder !== '') : DOCKER_DEFAULT_PATH,
    user: config.User ?? '',
    workdir: config.WorkingDir || '/',
    platforms: [platform],
    env,
    exposedPorts: Object.keys(config.ExposedPorts ?? {}),
  };
}

/**
 * The configuration of an image that is already on this machine, or undefined when it is not
 * there. Never pulls: `docker image inspect` only reads the local engine.
 */
export async function inspectImageConfig(image: string, signal?: AbortSignal): Promise<ImageConfig | undefined> {
  if (image.startsWith('-')) return undefined;
  const result = await docker(['image', 'inspect', '--format', '{{json .}}', '--', image], { signal });
  if (result.code !== 0) {
    if (/no such (image|object)/i.test(result.stderr)) return undefined;
    throw new Error(`docker image inspect failed: ${result.stderr.trim()}`);
  }
  return imageConfigOf(JSON.parse(result.stdout) as InspectedImage);
}
