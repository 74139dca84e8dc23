import { spawn } from 'node:child_process';
import { SmctError } from '../errors';

export interface DockerResult {
  readonly code: number;
  /** The output; for streamed calls only its last 64 KB (the stream itself went to the handlers). */
  readonly stdout: string;
  readonly stderr: string;
}

export interface DockerOptions {
  /** Receives output as it comes (build logs, container logs). */
  readonly onStdout?: (chunk: string) => void;
  readonly onStderr?: (chunk: string) => void;
  readonly signal?: AbortSignal;
  /** Written to standard input (a password for `docker login --password-stdin`), never to argv. */
  readonly input?: string;
  /**
   * Added to smct's own environment for the CLI: values of bare `--build-arg NAME` arguments, kept
   * off the command line. Never a variable the CLI reads itself (PATH, DOCKER_HOST…).
   */
  readonly env?: Readonly<Record<string, string>>;
}

const TAIL = 64 * 1024;

/**
 * Runs the Docker CLI with an argument array (never through a shell). The CLI gets a process
 * group of its own, so a Ctrl-C in the terminal reaches smct, which stops containers as
 * SageMaker does, and not `docker` itself. A missing CLI, a stopped daemon or a socket the user
 * may not use becomes a DockerUnavailableError with the fix in its message.
 */
export function docker(args: readonly string[], options: DockerOptions = {}): Promise<DockerResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('docker', [...args], {
      stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
      signal: options.signal,
      detached: true,
      env: options.env ? { ...process.env, ...options.env } : process.env,
    });
    let stdout = '';
    let stderr = '';
    const keep = (kept: string, chunk: string, streamed: boolean): string => (streamed ? (kept + chunk).slice(-TAIL) : kept + chunk);
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      stdout = keep(stdout, chunk, options.onStdout !== undefined);
      options.onStdout?.(chunk);
    });
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      stderr = keep(stderr, chunk, options.onStderr !== undefined);
      options.onStderr?.(chunk);
    });
    if (options.input !== undefined) child.stdin?.end(options.input);
    child.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') {
        reject(
          new SmctError(
            'DOCKER_UNAVAILABLE',
            'Docker is not installed (no "docker" command on PATH). Install Docker Engine or Docker Desktop, then try again.',
          ),
        );
      } else {
        reject(error);
      }
    });
    child.on('close', (code) => {
      // A streamed call's stderr is the container's, which may say anything: there only Docker's
      // own first line counts.
      const own = options.onStderr === undefined ? stderr : stderr.slice(0, 200).split('\n')[0];
      const unavailable = code !== 0 ? unavailableReason(own) : undefined;
      if (unavailable) reject(new SmctError('DOCKER_UNAVAILABLE', unavailable));
      else resolve({ code: code ?? 1, stdout, stderr });
    });
  });
}

function unavailableReason(stderr: string): string | undefined {
  if (/permission denied while trying to connect to the Docker daemon/i.test(stderr)) {
    return 'You may not use the Docker daemon: add your user to the "docker" group (sudo usermod -aG docker $USER, then log in again), or use Docker Desktop.';
  }
  if (/^(Cannot connect to the Docker daemon|error during connect)|Is the docker daemon running/im.test(stderr)) {
    return 'The Docker daemon is not running. Start it (Docker Desktop, "sudo systemctl start docker", or "sudo dockerd &"), then try again.';
  }
  return undefined;
}

/** Runs a Docker command that must succeed; its error output becomes the message. */
export async function dockerOk(args: readonly string[], options: DockerOptions = {}): Promise<string> {
  const result = await docker(args, options);
  if (result.code !== 0) throw new Error(`docker ${args[0]} failed: ${(result.stderr || result.stdout).trim()}`);
  return result.stdout;
}

export async function imageExists(image: string): Promise<boolean> {
  const result = await docker(['image', 'inspect', '--format', '{{.Id}}', image]);
  if (result.code === 0) return true;
  if (/no such (image|object)/i.test(result.stderr)) return false;
  throw new Error(`docker image inspect failed: ${result.stderr.trim()}`);
}

/** `docker buildx` with BuildKit, when installed; otherwise the legacy builder (no buildx-only flags). */
export async function hasBuildx(): Promise<boolean> {
  try {
    return (await docker(['buildx', 'version'])).code === 0;
  } catch {
    return false;
  }
}
