import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { docker } from './docker';

/** Every container and network a local run makes carries this label. */
export const LABEL = 'smct.managed';

export function ownerLabels(runId: string): string[] {
  return ['--label', `${LABEL}=true`, '--label', `smct.run=${runId}`, '--label', `smct.pid=${process.pid}`];
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes what an earlier run left when its process died (a crash, a killed editor): containers
 * and networks labelled by a process that no longer exists, and its temporary folders.
 */
export async function cleanUpLeftovers(): Promise<void> {
  for (const kind of ['container', 'network'] as const) {
    const listed = await docker([
      kind,
      'ls',
      ...(kind === 'container' ? ['--all'] : []),
      '--filter',
      `label=${LABEL}=true`,
      '--format',
      '{{.ID}} {{.Label "smct.pid"}}',
    ]);
    const orphans = listed.stdout
      .split('\n')
      .map((line) => line.trim().split(' '))
      .filter(([id, pid]) => id && pid && !alive(Number(pid)))
      .map(([id]) => id);
    if (orphans.length > 0) await docker(kind === 'container' ? ['rm', '--force', ...orphans] : ['network', 'rm', ...orphans]);
  }
  for (const name of fs.readdirSync(os.tmpdir()).filter((entry) => entry.startsWith('smct-job-'))) {
    const folder = path.join(os.tmpdir(), name);
    try {
      const owner = Number(fs.readFileSync(path.join(folder, 'owner.pid'), 'utf8'));
      if (!alive(owner)) fs.rmSync(folder, { recursive: true, force: true });
    } catch {
      // Not ours, or already gone.
    }
  }
}
