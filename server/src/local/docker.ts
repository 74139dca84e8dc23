import { spawn } from 'node:child_process';

/** Docker cannot be used: not installed, or its daemon is not running. The message says what to do. */
export class DockerUnavailableError extends Error {}

export interface DockerResult {
  readonly code: number;
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
}

/**
 * Runs the Docker CLI with an argument array (never through a shell), collecting its output.
 * A missing CLI or daemon becomes a DockerUnavailableError with the fix in its message.
 */
export function docker(args: readonly string[], options: DockerOptions = {}): Promise<DockerResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('docker', [...args], { stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'], signal: options.signal });
    let stdout = '';
    let stderr = '';
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      options.onStdout?.(chunk);
    });
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
      options.onStderr?.(chunk);
    });
    if (options.input !== undefined) child.stdin?.end(options.input);
    child.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') {
        reject(new DockerUnavailableError('Docker is not installed (no "docker" command on PATH). Install Docker Engine or Docker Desktop, then try again.'));
      } else {
        reject(error);
      }
    });
    child.on('close', (code) => {
      if (/Cannot connect to the Docker daemon|Is the docker daemon running|error during connect/i.test(stderr)) {
        reject(
          new DockerUnavailableError(
            'The Docker daemon is not running. Start it (Docker Desktop, "sudo systemctl start docker", or "sudo dockerd &"), then try again.',
          ),
        );
        return;
      }
      resolve({ code: code ?? 1, stdout, stderr });
    });
  });
}

/** Runs a Docker command that must succeed; its error output becomes the message. */
export async function dockerOk(args: readonly string[], options: DockerOptions = {}): Promise<string> {
  const result = await docker(args, options);
  if (result.code !== 0) throw new Error(`docker ${args[0]} failed: ${(result.stderr || result.stdout).trim()}`);
  return result.stdout;
}

export async function imageExists(image: string): Promise<boolean> {
  return (await docker(['image', 'inspect', '--format', '{{.Id}}', image])).code === 0;
}

/** `docker buildx` with BuildKit, when installed; otherwise the legacy builder (no buildx-only flags). */
export async function hasBuildx(): Promise<boolean> {
  try {
    return (await docker(['buildx', 'version'])).code === 0;
  } catch {
    return false;
  }
}
