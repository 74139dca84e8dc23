import assert from 'node:assert/strict';
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import * as path from 'node:path';
import { cleanCopy } from './cleanCopy';
import { tempProject } from './tempDir';

// What a user of another project does: pack smct, install the tarball into an unrelated project, run
// it with npx. The package is packed from a copy of the working tree without dist/, so that its
// prepack script is what builds the bundles, as on a clean clone.

/** npm with its own empty cache: with --offline, anything it would have to download fails instead. */
export function npm(args: string[], cwd: string, cache: string): SpawnSyncReturns<string> {
  const env = { ...process.env, npm_config_cache: cache, npm_config_update_notifier: 'false', npm_config_audit: 'false', npm_config_fund: 'false' };
  return spawnSync('npm', args, { cwd, env, encoding: 'utf8' });
}

export function npx(args: string[], cwd: string, cache: string): SpawnSyncReturns<string> {
  // --no: never download a package called smct; the installed one must be found.
  const env = { ...process.env, npm_config_cache: cache, npm_config_update_notifier: 'false', HOME: cwd, AWS_EC2_METADATA_DISABLED: 'true' };
  return spawnSync('npx', ['--no', '--offline', 'smct', ...args], { cwd, env, encoding: 'utf8' });
}

/** The packed package installed into a new project holding `files`: the tarball's file list, the project, and npm's cache. */
export function packAndInstall(files: Record<string, string>): { files: string[]; project: string; cache: string } {
  const work = tempProject({});
  const cache = path.join(work, 'npm-cache');
  const packed = npm(['pack', '--json', '--pack-destination', work], cleanCopy(), cache);
  assert.equal(packed.status, 0, packed.stderr);
  const [pack] = JSON.parse(packed.stdout) as [{ filename: string; files: { path: string }[] }];

  const project = tempProject(files);
  assert.equal(npm(['init', '-y'], project, cache).status, 0);
  // --offline with an empty cache: the tarball must install without one download from the registry.
  const installed = npm(['install', '--offline', '--save-dev', path.join(work, pack.filename)], project, cache);
  assert.equal(installed.status, 0, installed.stderr);
  return { files: pack.files.map((file) => file.path).sort(), project, cache };
}
