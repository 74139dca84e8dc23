import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { defaultCacheDir } from './channels/objectCache';
import { docker } from './docker';

/**
 * Every container and network a local run makes carries this label, and `smct.job=<job name>`,
 * `smct.run`, `smct.pid` and `smct.host`; its temporary folder is `smct-job-<job name>-XXXXXX`.
 */
export const LABEL = 'smct.managed';

/** The prefix of a run's temporary folder in os.tmpdir(), with the job name after it. */
export const FOLDER_PREFIX = 'smct-job-';

/**
 * Process ids are only meaningful on one machine (one PID namespace): runs from another
 * container or machine sharing this Docker daemon or /tmp carry another host name and are left alone.
 */
export const OWNER_HOST = os.hostname();

export function ownerLabels(runId: string, jobName: string): string[] {
  return [
    ...['--label', `${LABEL}=true`, '--label', `smct.job=${jobName}`, '--label', `smct.run=${runId}`],
    ...['--label', `smct.pid=${process.pid}`, '--label', `smct.host=${OWNER_HOST}`],
  ];
}

/** The file in each of a run's folders that says which process made it. */
export const OWNER_FILE = 'owner.pid';

/** The folder of the S3 cache that holds each run's channel folders (see channelViewsFolder in inputs.ts). */
export const RUN_VIEWS = 'runs';

/** What a run writes into its temporary folder, to be recognised as a leftover later. */
export function ownerFileContent(): string {
  return `${process.pid} ${OWNER_HOST}`;
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
    const filters = ['--filter', `label=${LABEL}=true`, '--filter', `label=smct.host=${OWNER_HOST}`];
    const listed = await docker([kind, 'ls', ...(kind === 'container' ? ['--all'] : []), ...filters, '--format', '{{.ID}} {{.Label "smct.pid"}}']);
    const orphans = listed.stdout
      .split('\n')
      .map((line) => line.trim().split(' '))
      .filter(([id, pid]) => id && pid && !alive(Number(pid)))
      .map(([id]) => id);
    if (orphans.length > 0) await docker(kind === 'container' ? ['rm', '--force', '--volumes', ...orphans] : ['network', 'rm', ...orphans]);
  }
  removeDeadRunFolders(os.tmpdir(), FOLDER_PREFIX);
  removeDeadRunFolders(path.join(defaultCacheDir(), RUN_VIEWS));
}

/** Removes the folders in `parent` (whose names start with `prefix`) whose owner file names a process of this machine that is gone. */
export function removeDeadRunFolders(parent: string, prefix = ''): void {
  let names: string[];
  try {
    names = fs.readdirSync(parent).filter((entry) => entry.startsWith(prefix));
  } catch {
    return; // No such folder: no run has made one.
  }
  for (const name of names) {
    const folder = path.join(parent, name);
    try {
      const [pid, host] = fs.readFileSync(path.join(folder, OWNER_FILE), 'utf8').trim().split(' ');
      if (host === OWNER_HOST && !alive(Number(pid))) fs.rmSync(folder, { recursive: true, force: true });
    } catch {
      // Not ours, already gone, or not removable (root-owned files): left for the user.
    }
  }
}

/** Kills this process's containers at once, synchronously: for a process that must exit now. */
export function killOwnContainers(): void {
  const listed = spawnSync('docker', ['ps', '--all', '--quiet', '--filter', `label=smct.pid=${process.pid}`, '--filter', `label=smct.host=${OWNER_HOST}`], {
    encoding: 'utf8',
  });
  const ids = (listed.stdout ?? '').split('\n').filter(Boolean);
  if (ids.length > 0) spawnSync('docker', ['rm', '--force', '--volumes', ...ids]);
}

/** The temporary folders of this process's runs that are still going: a process that must exit now removes them. */
const runFolders = new Set<string>();

/**
 * Takes note of a run's temporary folder (it holds the hyperparameters and the environment file),
 * so that a process that quits at once (a second Ctrl-C, an uncaught error) still removes it
 * rather than leave it for the next run to find.
 */
export function registerRunFolder(folder: string): void {
  if (runFolders.size === 0) process.once('exit', removeOwnRunFolders);
  runFolders.add(folder);
}

/** The run is over: its folder was removed, or is kept on purpose. */
export function forgetRunFolder(folder: string): void {
  runFolders.delete(folder);
  if (runFolders.size === 0) process.removeListener('exit', removeOwnRunFolders);
}

/** Removes this process's run folders at once, synchronously: after killOwnContainers, for a process that must exit now. */
export function removeOwnRunFolders(): void {
  for (const folder of runFolders) {
    try {
      fs.rmSync(folder, { recursive: true, force: true });
    } catch {
      // Files a container wrote as root: left for the next run's clean-up, which tries again.
    }
  }
  runFolders.clear();
}
