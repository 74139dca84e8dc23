import * as fs from 'node:fs';
import { docker } from '../local/docker';

/** /proc/net/tcp's state of a listening socket (include/net/tcp_states.h: TCP_LISTEN = 10). */
const LISTEN = '0A';

/**
 * The TCP ports a container listens on, read as the kernel tells them in /proc/<pid>/net/tcp and
 * tcp6 of its main process (the container's network namespace), so that an image with no tools
 * in it (no ss, no netstat) can still be seen listening on the wrong port. Undefined when this
 * machine cannot see the process (Docker Desktop's VM, a remote daemon, no permission).
 */
export async function listeningPorts(container: string): Promise<number[] | undefined> {
  const inspected = await docker(['inspect', '--format', '{{.State.Pid}}', container]);
  const pid = Number(inspected.stdout.trim());
  if (inspected.code !== 0 || !(pid > 0)) return undefined;
  const ports = new Set<number>();
  let readable = false;
  for (const table of ['tcp', 'tcp6']) {
    let text: string;
    try {
      text = fs.readFileSync(`/proc/${pid}/net/${table}`, 'utf8');
      readable = true;
    } catch {
      continue;
    }
    for (const port of parseListening(text)) ports.add(port);
  }
  return readable ? [...ports].sort((a, b) => a - b) : undefined;
}

/** The listening ports of a /proc/net/tcp table: `sl local_address(hexip:hexport) rem_address st …`. */
export function parseListening(table: string): number[] {
  return table
    .split('\n')
    .slice(1)
    .map((line) => line.trim().split(/\s+/))
    .filter((fields) => fields[3] === LISTEN && fields[1]?.includes(':'))
    .map((fields) => parseInt(fields[1].split(':')[1], 16));
}
