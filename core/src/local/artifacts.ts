import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tar from 'tar';

/**
 * Packs what the hosts left in /opt/ml/model and /opt/ml/output/data as SageMaker does:
 * `<output>/<job>/output/model.tar.gz` and `output.tar.gz`, the hosts' folders merged (a later
 * host's file of the same name wins, as files of several hosts land in one archive).
 */
export async function packArtifacts(hostFolders: readonly string[], outputRoot: string, jobName: string): Promise<{ model: string; output: string }> {
  const destination = path.join(outputRoot, jobName, 'output');
  fs.mkdirSync(destination, { recursive: true });
  const model = path.join(destination, 'model.tar.gz');
  const output = path.join(destination, 'output.tar.gz');
  await packMerged(
    hostFolders.map((folder) => path.join(folder, 'model')),
    model,
  );
  await packMerged(
    hostFolders.map((folder) => path.join(folder, 'output', 'data')),
    output,
  );
  return { model, output };
}

async function packMerged(folders: readonly string[], file: string): Promise<void> {
  const existing = folders.filter((folder) => fs.existsSync(folder));
  // One host: pack its folder as it is. Several: merge them first (a later host's file wins).
  const merged = existing.length === 1 ? undefined : `${file}.staging`;
  const source = merged ?? existing[0];
  try {
    if (merged) {
      fs.rmSync(merged, { recursive: true, force: true });
      fs.mkdirSync(merged, { recursive: true });
      for (const folder of existing) fs.cpSync(folder, merged, { recursive: true, force: true, verbatimSymlinks: true });
    }
    const partial = `${file}.partial`;
    const entries = fs.readdirSync(source);
    // An empty folder still gives an archive (of the folder itself), as SageMaker uploads one.
    await tar.create({ gzip: true, file: partial, cwd: source, portable: true }, entries.length > 0 ? entries : ['.']);
    fs.renameSync(partial, file);
  } finally {
    if (merged) fs.rmSync(merged, { recursive: true, force: true });
    fs.rmSync(`${file}.partial`, { force: true });
  }
}
