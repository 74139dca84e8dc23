import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tar from 'tar';
import type { ModelSource } from '../job/servingSection';
import type { TrainingJob } from '../job/trainingJob';
import { formatBytes } from '../config/quantities';
import { SmctError } from '../errors';
import { defaultCacheDir, fetchObjects, cachedFile, type CacheProgress } from '../local/channels/objectCache';
import type { S3Object, S3Reader } from '../local/channels/types';
import { FOLDER_PREFIX, forgetRunFolder, ownerFileContent, OWNER_FILE, registerRunFolder } from '../local/leftovers';
import { localOutputRoot } from '../local/outputFolder';
import { MODEL_DIR, MULTI_MODEL_DIR } from './hostingContract';

/** An archive with more entries than this is refused: a model has files, not millions of them. */
export const MAX_MODEL_ENTRIES = 200_000;
/** Nor more bytes than this once extracted (the largest SageMaker instance volumes are of this order). */
export const MAX_MODEL_BYTES = 100 * 1024 ** 3;

/** What the serving container mounts, and what to remove once it has stopped. */
export interface PreparedModel {
  /** `-v` arguments: the model read-only at /opt/ml/model, or the models at /opt/ml/models. */
  readonly mounts: readonly string[];
  /** The temporary folder the archives were extracted into (removed by `remove`), if any. */
  readonly folder?: string;
  /** Where the model came from, for messages (a path or an s3:// URI). */
  readonly origin: string;
  /** The names of the models under /opt/ml/models (multi-model only). */
  readonly models?: readonly string[];
  /** Removes the temporary folder; safe to call more than once. */
  remove(): void;
}

export interface PrepareModelOptions {
  readonly s3?: () => S3Reader;
  readonly signal?: AbortSignal;
  readonly onDownload?: (progress: CacheProgress) => void;
  /** The S3 cache (default: defaultCacheDir()). */
  readonly cacheDir?: string;
  /** A name for the temporary folder (the job's base name): `smct-job-serve-<name>-XXXXXX`. */
  readonly name?: string;
}

/** SageMaker's job names end with a timestamp: `<base>-YYYY-MM-DD-HH-MM-SS-mmm`, maybe a suffix after it. */
const RUN_NAME = /^(.+)-\d{4}-\d{2}-\d{2}-\d{2}-\d{2}-\d{2}-\d{3}(?:-[a-zA-Z0-9]+)?$/;

/**
 * The model.tar.gz of the job's newest local training run: `smct train --local` packs it into
 * `<output>/<job name>/output/model.tar.gz` (artifacts.ts), the job name its base name and a
 * timestamp. The newest archive wins (by time written, not by name: a run may be renamed).
 */
export function latestLocalModel(job: TrainingJob): string {
  const root = localOutputRoot(job);
  const base = job.baseJobName.replace(/[^a-zA-Z0-9-]+/g, '-').replace(/^-+|-+$/g, '');
  let newest: { file: string; time: number } | undefined;
  for (const name of safeReaddir(root)) {
    const match = RUN_NAME.exec(name);
    // jobName() shortens a long base so that the timestamp fits: the run's base is a prefix of the job's.
    if (!match || !base.startsWith(match[1])) continue;
    const file = path.join(root, name, 'output', 'model.tar.gz');
    const time = statOrUndefined(file)?.mtimeMs;
    if (time !== undefined && (newest === undefined || time > newest.time)) newest = { file, time };
  }
  if (!newest) {
    throw new SmctError(
      'FILE_UNREADABLE',
      `No local training run of ${job.baseJobName} left a model in ${root}: run "smct train --local" first, or set "serving.model" in the job file.`,
    );
  }
  return newest.file;
}

/**
 * Makes the model a folder to mount, as SageMaker lays it out before the container starts: a
 * model.tar.gz is extracted into a temporary folder ("SageMaker decompresses this tar file into
 * /opt/ml/model"), a folder is mounted as it is (ModelDataSource's uncompressed model), an S3
 * object comes through the shared S3 cache first. For a multi-model endpoint, each `*.tar.gz`
 * of the folder (or the S3 prefix) becomes /opt/ml/models/<name>/model, <name> being the
 * archive's name without .tar.gz: the folder the MME's `POST /models` is given as its url.
 */
export async function prepareModel(job: TrainingJob, source: ModelSource, multiModel: boolean, options: PrepareModelOptions = {}): Promise<PreparedModel> {
  const archives = await archivesOf(job, source, multiModel, options);
  if (archives.folder) {
    return {
      mounts: ['-v', `${mountable(archives.folder, source)}:${multiModel ? MULTI_MODEL_DIR : MODEL_DIR}:ro`],
      origin: archives.origin,
      remove: () => undefined,
    };
  }
  const folder = modelFolder(options.name ?? job.baseJobName);
  const prepared = (models?: string[]): PreparedModel => ({
    mounts: ['-v', `${folder}/${multiModel ? 'models' : 'model'}:${multiModel ? MULTI_MODEL_DIR : MODEL_DIR}:ro`],
    folder,
    origin: archives.origin,
    models,
    remove: () => removeModelFolder(folder),
  });
  try {
    if (!multiModel) {
      await extractBounded(archives.files[0].file, path.join(folder, 'model'), archives.files[0].origin);
      return prepared();
    }
    const names: string[] = [];
    fs.mkdirSync(path.join(folder, 'models'));
    for (const archive of archives.files) {
      names.push(archive.name);
      await extractBounded(archive.file, path.join(folder, 'models', archive.name, 'model'), archive.origin);
    }
    return prepared(names);
  } catch (error) {
    removeModelFolder(folder);
    throw error;
  }
}

interface Archives {
  /** A folder to mount as it is. */
  readonly folder?: string;
  /** The archives to extract; `name` is the model's under /opt/ml/models (multi-model). */
  readonly files: readonly { readonly file: string; readonly origin: string; readonly name: string }[];
  readonly origin: string;
}

async function archivesOf(job: TrainingJob, source: ModelSource, multiModel: boolean, options: PrepareModelOptions): Promise<Archives> {
  if (source.kind === 'latestLocalRun') {
    const file = latestLocalModel(job);
    // An MME gets the one model, named after its training run (<output>/<run>/output/model.tar.gz).
    return { files: [{ file, origin: file, name: path.basename(path.dirname(path.dirname(file))) }], origin: file };
  }
  if (source.kind === 's3') return s3Archives(source.uri, multiModel, options);
  const stat = statOrUndefined(source.path);
  if (!stat) throw new SmctError('FILE_UNREADABLE', `The model ${source.path} does not exist: set "serving.model" (or --model) to a model.tar.gz or a folder.`);
  if (stat.isFile()) {
    if (multiModel) throw new SmctError('USAGE', `A multi-model endpoint serves a folder of *.tar.gz models, and ${source.path} is a file: give the folder.`);
    return { files: [{ file: source.path, origin: source.path, name: modelName(source.path) }], origin: source.path };
  }
  if (!multiModel) return { folder: source.path, files: [], origin: source.path };
  const names = safeReaddir(source.path).filter((name) => name.endsWith('.tar.gz'));
  if (names.length === 0) {
    // A folder already laid out as /opt/ml/models (<name>/model/…) is mounted as it is.
    return { folder: source.path, files: [], origin: source.path };
  }
  const files = names.map((name) => ({ file: path.join(source.path, name), origin: path.join(source.path, name), name: modelName(name) }));
  return { files, origin: source.path };
}

/** The model archives at an S3 URI (one object; for a multi-model endpoint, every *.tar.gz under the prefix), through the shared cache. */
async function s3Archives(uri: string, multiModel: boolean, options: PrepareModelOptions): Promise<Archives> {
  if (!options.s3) throw new SmctError('USAGE', `The model is in S3 (${uri}): local serving needs AWS access to fetch it.`);
  const match = /^s3:\/\/([^/]+)\/?(.*)$/.exec(uri);
  if (!match) throw new SmctError('USAGE', `"${uri}" is not an S3 URI (s3://bucket/key).`);
  const [, bucket, key] = match;
  const reader = options.s3();
  let objects: S3Object[];
  if (multiModel) {
    const prefix = key === '' || key.endsWith('/') ? key : `${key}/`;
    objects = (await reader.list(bucket, prefix, options.signal)).filter((object) => object.key.endsWith('.tar.gz'));
    if (objects.length === 0) {
      throw new SmctError('FILE_UNREADABLE', `No *.tar.gz models under ${uri}: a multi-model endpoint serves the archives under a prefix.`);
    }
  } else {
    objects = [await reader.head(bucket, key, options.signal)];
  }
  const cacheDir = options.cacheDir ?? defaultCacheDir();
  await fetchObjects(objects, { reader, cacheDir, signal: options.signal, source: uri, onProgress: options.onDownload });
  return {
    files: objects.map((object) => ({ file: cachedFile(cacheDir, object), origin: `s3://${object.bucket}/${object.key}`, name: modelName(object.key) })),
    origin: uri,
  };
}

/** A multi-model endpoint's model name: the archive's name without .tar.gz (`models/alpha.tar.gz` → `alpha`). */
function modelName(file: string): string {
  return path.posix.basename(file.split(path.sep).join('/')).replace(/\.tar\.gz$/, '');
}

/** `-v source:target` splits at every ":": a folder with one in its path cannot be mounted as it is. */
function mountable(folder: string, source: ModelSource): string {
  if (folder.includes(':') || folder.includes(',')) {
    const key = source.kind === 'local' ? source.path : folder;
    throw new SmctError(
      'USAGE',
      `The model folder ${key} has ":" or "," in its path, which Docker's volume option cannot take: move it, or pack it as model.tar.gz.`,
    );
  }
  return folder;
}

/** A 0700 temporary folder with the owner file, which leftovers.ts sweeps when its process died. */
function modelFolder(name: string): string {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), `${FOLDER_PREFIX}serve-${name.replace(/[^a-zA-Z0-9-]/g, '-')}-`));
  registerRunFolder(folder);
  fs.writeFileSync(path.join(folder, OWNER_FILE), ownerFileContent());
  return folder;
}

function removeModelFolder(folder: string): void {
  try {
    fs.rmSync(folder, { recursive: true, force: true });
  } catch {
    // Left for cleanUpLeftovers, which tries again.
  }
  forgetRunFolder(folder);
}

/**
 * Extracts a model archive into `target`, refusing what would reach outside it (an absolute path,
 * "..", a link whose target leaves the folder, a device) and what no model needs (more than
 * MAX_MODEL_ENTRIES entries or MAX_MODEL_BYTES bytes): the archive may come from anyone's bucket.
 */
export async function extractBounded(
  file: string,
  target: string,
  origin: string,
  limits: { readonly maxEntries: number; readonly maxBytes: number } = { maxEntries: MAX_MODEL_ENTRIES, maxBytes: MAX_MODEL_BYTES },
): Promise<void> {
  fs.mkdirSync(target, { recursive: true });
  let problem: string | undefined;
  let entries = 0;
  let bytes = 0;
  /** The symbolic links extracted so far, as "/"-joined relative paths. */
  const symlinks = new Set<string>();
  const refuse = (why: string): false => {
    problem ??= why;
    return false;
  };
  try {
    await tar.extract({
      file,
      cwd: target,
      strict: true,
      preserveOwner: false,
      filter: (entryPath, entry) => {
        const stat = entry as tar.ReadEntry;
        if (problem) return false;
        if (++entries > limits.maxEntries) return refuse(`it has more than ${limits.maxEntries} entries`);
        bytes += stat.size ?? 0;
        if (bytes > limits.maxBytes) return refuse(`it holds more than ${formatBytes(limits.maxBytes)}`);
        if (escapes(target, entryPath)) return refuse(`the entry ${entryPath} lies outside the model folder`);
        const crossed = throughSymlink(symlinks, entryPath);
        if (crossed) return refuse(`the entry ${entryPath} goes through the symbolic link ${crossed}`);
        if (stat.type === 'SymbolicLink' || stat.type === 'Link') {
          // Resolving a target as text misses the links earlier entries made ("a -> .", then
          // "b -> a/.." is the parent on disk): no ".." at all in a link, and no hard link
          // through a symbolic link, leaves nothing to resolve.
          if (!stat.linkpath || path.isAbsolute(stat.linkpath) || /^[a-zA-Z]:/.test(stat.linkpath) || segments(stat.linkpath).includes('..')) {
            return refuse(`the link ${entryPath} points outside the model folder (${stat.linkpath})`);
          }
          const linkCrossed = stat.type === 'Link' ? throughSymlink(symlinks, stat.linkpath) : undefined;
          if (linkCrossed) return refuse(`the hard link ${entryPath} goes through the symbolic link ${linkCrossed}`);
          if (stat.type === 'SymbolicLink') symlinks.add(segments(entryPath).join('/'));
        }
        if (!['File', 'OldFile', 'ContiguousFile', 'Directory', 'SymbolicLink', 'Link'].includes(stat.type)) {
          return refuse(`the entry ${entryPath} is a ${stat.type}, not a file or folder`);
        }
        return true;
      },
    });
  } catch (error) {
    throw new SmctError('FILE_UNREADABLE', `The model ${origin} is not a readable .tar.gz (${(error as Error).message}).`);
  }
  if (problem) throw new SmctError('FILE_UNREADABLE', `The model ${origin} is refused: ${problem}.`);
}

/** A path's parts, "." and empty ones left out ("./a//b" and "a/b" are the same entry). */
function segments(relative: string): string[] {
  return relative.split(/[\\/]+/).filter((part) => part !== '' && part !== '.');
}

/** The first symbolic link (an earlier entry) that `relative` itself is or passes through, if any. */
function throughSymlink(symlinks: ReadonlySet<string>, relative: string): string | undefined {
  const parts = segments(relative);
  for (let end = 1; end <= parts.length; end++) {
    const prefix = parts.slice(0, end).join('/');
    if (symlinks.has(prefix)) return prefix;
  }
  return undefined;
}

function escapes(root: string, relative: string): boolean {
  const resolved = path.resolve(root, relative);
  return path.isAbsolute(relative) || (resolved !== root && !resolved.startsWith(root + path.sep));
}

function safeReaddir(folder: string): string[] {
  try {
    return fs.readdirSync(folder);
  } catch {
    return [];
  }
}

function statOrUndefined(file: string): fs.Stats | undefined {
  try {
    return fs.statSync(file);
  } catch {
    return undefined;
  }
}
