import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tar from 'tar';
import { SmctError } from '../errors';

/**
 * Packs what the hosts left in /opt/ml/model and /opt/ml/output/data as SageMaker does:
 * `<output>/<job>/output/model.tar.gz` and `output.tar.gz`, the hosts' folders merged (a later
 * host's file of the same name wins, as files of several hosts land in one archive).
 *
 * The folders were the containers' to change: a symbolic link in them names a file of the
 * container, and on this machine possibly one of the user's. So links are packed as links, never
 * followed, and a folder the container replaced by a link is refused.
 */
export async function packArtifacts(hostFolders: readonly string[], outputRoot: string, jobName: string): Promise<{ model: string; output: string }> {
  const destination = path.join(outputRoot, jobName, 'output');
  fs.mkdirSync(destination, { recursive: true });
  const model = path.join(destination, 'model.tar.gz');
  const output = path.join(destination, 'output.tar.gz');
  await packMerged(hostFolders, 'model', model);
  await packMerged(hostFolders, 'output/data', output);
  return { model, output };
}

/** Packs `/opt/ml/<inside>` of every host into `file`. */
async function packMerged(hostFolders: readonly string[], inside: string, file: string): Promise<void> {
  const existing = hostFolders.map((folder) => path.join(folder, inside)).filter((folder) => lstatOrUndefined(folder) !== undefined);
  for (const folder of existing) refuseReplacedFolder(folder, inside);
  // One host: pack its folder as it is. Several (or none): merge them first (a later host's file wins).
  const merged = existing.length === 1 ? undefined : `${file}.staging`;
  const source = merged ?? existing[0];
  try {
    if (merged) {
      fs.rmSync(merged, { recursive: true, force: true });
      fs.mkdirSync(merged, { recursive: true });
      for (const folder of existing) mergeWithoutFollowing(folder, merged);
    }
    const partial = `${file}.partial`;
    const entries = fs.readdirSync(source);
    // An empty folder still gives an archive (of the folder itself), as SageMaker uploads one.
    // node-tar stores a symbolic link as a link (it follows none unless asked to).
    await tar.create({ gzip: true, file: partial, cwd: source, portable: true, follow: false }, entries.length > 0 ? entries : ['.']);
    fs.renameSync(partial, file);
  } finally {
    if (merged) fs.rmSync(merged, { recursive: true, force: true });
    fs.rmSync(`${file}.partial`, { force: true });
  }
}

/** A container that replaced /opt/ml/model or /opt/ml/output/data by a link would have a folder of this machine packed. */
function refuseReplacedFolder(folder: string, inside: string): void {
  if (fs.lstatSync(folder).isDirectory()) return;
  const host = path.basename(path.dirname(inside === 'model' ? folder : path.dirname(folder)));
  throw new SmctError('LOCAL_RUN_FAILED', `/opt/ml/${inside} is a symbolic link or a file on ${host}, not a folder: it is not packed`);
}

/**
 * Copies a folder's entries into another: a link is copied as the link it is, a later entry
 * replaces an earlier one of the same name. fs.cpSync is not used: it refuses (EINVAL) to
 * replace one link by another that points into the first's target.
 */
export function mergeWithoutFollowing(source: string, target: string): void {
  for (const entry of fs.readdirSync(source, { withFileTypes: true })) {
    const from = path.join(source, entry.name);
    const to = path.join(target, entry.name);
    const present = lstatOrUndefined(to);
    if (entry.isDirectory()) {
      if (present && !present.isDirectory()) fs.rmSync(to, { force: true });
      if (!present?.isDirectory()) fs.mkdirSync(to);
      mergeWithoutFollowing(from, to);
      continue;
    }
    if (present) fs.rmSync(to, { recursive: true, force: true });
    if (entry.isSymbolicLink()) fs.symlinkSync(fs.readlinkSync(from), to);
    else if (entry.isFile()) fs.copyFileSync(from, to);
    // FIFOs, sockets and devices hold no data: there is nothing of them to pack.
  }
}

export function lstatOrUndefined(file: string): fs.Stats | undefined {
  try {
    return fs.lstatSync(file);
  } catch {
    return undefined;
  }
}
