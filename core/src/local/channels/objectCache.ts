import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { formatBytes } from '../../config/quantities';
import { SmctError } from '../../errors';
import type { S3Object, S3Reader } from './types';

/** What a local run downloads without asking: past it, the user confirms or passes --max-download. */
export const DEFAULT_MAX_DOWNLOAD_BYTES = 10_000_000_000;

/** Objects downloaded at once: enough to fill a link with small objects, few enough not to flood it. */
const PARALLEL_DOWNLOADS = 4;

/** Progress reports on bytes come at most this often (each finished object is reported too). */
const PROGRESS_INTERVAL_MS = 200;

export interface CacheProgress {
  readonly objectsDone: number;
  readonly objectsTotal: number;
  readonly bytesDone: number;
  readonly bytesTotal: number;
}

export interface CacheStats {
  readonly objectsFetched: number;
  readonly bytesFetched: number;
  readonly objectsCached: number;
  readonly bytesCached: number;
}

/** Two transfers' counts together. */
export function addCacheStats(a: CacheStats, b: CacheStats): CacheStats {
  return {
    objectsFetched: a.objectsFetched + b.objectsFetched,
    bytesFetched: a.bytesFetched + b.bytesFetched,
    objectsCached: a.objectsCached + b.objectsCached,
    bytesCached: a.bytesCached + b.bytesCached,
  };
}

/**
 * What one run may download without asking, shared by all its fetches (every channel, the
 * checkpoints): the limit is the run's, not each fetch's. `used` counts the bytes fetched so far;
 * once the user has confirmed going past the limit, the run is not asked again.
 */
export interface DownloadBudget {
  readonly limit: number;
  used: number;
  confirmed: boolean;
  /** Asked with the run's total when it would pass the limit (VS Code prompts); without it, that is refused. */
  readonly confirm?: (bytes: number) => Promise<boolean>;
}

/** One run's budget: DEFAULT_MAX_DOWNLOAD_BYTES unless told. */
export function downloadBudget(maxDownloadBytes?: number, confirm?: (bytes: number) => Promise<boolean>): DownloadBudget {
  return { limit: maxDownloadBytes ?? DEFAULT_MAX_DOWNLOAD_BYTES, used: 0, confirmed: false, confirm };
}

/**
 * Makes sure the run may download `bytes` more (from `source`, for messages): within the limit,
 * or confirmed once for the run's total; refused otherwise. Nothing is counted: fetchObjects
 * counts what it fetches, so a caller may check a whole run's bytes before fetching any.
 */
export async function checkDownload(budget: DownloadBudget, bytes: number, source: string): Promise<void> {
  const total = budget.used + bytes;
  if (bytes === 0 || total <= budget.limit || budget.confirmed) return;
  if (budget.confirm) {
    if (await budget.confirm(total)) {
      budget.confirmed = true;
      return;
    }
    throw new SmctError('CANCELLED', `Not downloading ${formatBytes(total)} from ${source}.`);
  }
  const needs = budget.used > 0 ? `${formatBytes(total)} in all (${formatBytes(bytes)} more from ${source})` : `${formatBytes(total)} more from ${source}`;
  throw new SmctError(
    'LOCAL_RUN_FAILED',
    `The local run needs ${needs}; the limit is ${formatBytes(budget.limit)}: pass --max-download SIZE or point the channel at a sample.`,
  );
}

/** The bytes of `objects` the cache does not hold yet (each object once): what fetching them would download. */
export function missingBytes(objects: readonly S3Object[], cacheDir: string): number {
  const unique = new Map<string, S3Object>();
  for (const object of objects) unique.set(cachedFile(cacheDir, object), object);
  return [...unique].reduce((sum, [file, object]) => sum + (isCached(file, object) ? 0 : object.size), 0);
}

export interface FetchOptions {
  readonly reader: S3Reader;
  readonly cacheDir: string;
  /** The run's budget, shared by its fetches; without it, this fetch has one of its own (maxDownloadBytes, confirm). */
  readonly budget?: DownloadBudget;
  /** Default DEFAULT_MAX_DOWNLOAD_BYTES; only when no budget is given. */
  readonly maxDownloadBytes?: number;
  /** Asked when more than maxDownloadBytes must be fetched (VS Code prompts); without it, that is refused. Only when no budget is given. */
  readonly confirm?: (bytes: number) => Promise<boolean>;
  readonly onProgress?: (progress: CacheProgress) => void;
  readonly signal?: AbortSignal;
  /** Where the objects come from (s3://bucket/prefix), for messages. */
  readonly source: string;
}

/**
 * The cache shared by every run: SMCT_CACHE_DIR, else $XDG_CACHE_HOME/smct/s3, else the
 * platform's cache folder (~/Library/Caches on macOS, ~/.cache elsewhere).
 */
export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform, home: string = os.homedir()): string {
  if (env.SMCT_CACHE_DIR) return path.resolve(env.SMCT_CACHE_DIR);
  if (env.XDG_CACHE_HOME) return path.join(path.resolve(env.XDG_CACHE_HOME), 'smct', 's3');
  return platform === 'darwin' ? path.join(home, 'Library', 'Caches', 'smct', 's3') : path.join(home, '.cache', 'smct', 's3');
}

/**
 * Where an object's bytes are kept: by bucket, key and ETag, so that an object changed in S3
 * (a new ETag) is a new entry, fetched again, and never confused with the old one.
 */
export function cachedFile(cacheDir: string, object: S3Object): string {
  const id = createHash('sha256').update(`${object.bucket}\0${object.key}\0${object.etag}`).digest('hex');
  return path.join(cacheDir, 'objects', id);
}

function isCached(file: string, object: S3Object): boolean {
  try {
    const stat = fs.statSync(file);
    return stat.isFile() && stat.size === object.size;
  } catch {
    return false;
  }
}

/**
 * Makes every object a file of the cache, fetching only those not in it, a few at a time. Each
 * download goes to a name of its own and is renamed into place once whole, so two runs at once
 * or a killed run never leave half an object under its final name (leftovers are never read).
 */
export async function fetchObjects(objects: readonly S3Object[], options: FetchOptions): Promise<CacheStats> {
  const unique = new Map<string, S3Object>();
  for (const object of objects) unique.set(cachedFile(options.cacheDir, object), object);
  const missing = [...unique].filter(([file, object]) => !isCached(file, object));
  const cachedCount = unique.size - missing.length;
  const toFetch = new Set(missing.map(([file]) => file));
  const bytesCached = [...unique].reduce((sum, [file, object]) => sum + (toFetch.has(file) ? 0 : object.size), 0);
  const bytesTotal = missing.reduce((sum, [, object]) => sum + object.size, 0);
  const budget = options.budget ?? downloadBudget(options.maxDownloadBytes, options.confirm);
  await checkDownload(budget, bytesTotal, options.source);
  budget.used += bytesTotal;
  fs.mkdirSync(path.join(options.cacheDir, 'objects'), { recursive: true });
  const progress = reporter(missing.length, bytesTotal, options.onProgress);
  await inParallel(missing, options.signal, async ([file, object], signal) => {
    const temp = `${file}.${process.pid}-${randomBytes(6).toString('hex')}.tmp`;
    try {
      await options.reader.download(object, temp, { onBytes: (bytes) => progress.bytes(temp, bytes), signal });
      // Read-only: channel folders hard-link these files, and a job writing into its input must not change the cache.
      fs.chmodSync(temp, 0o444);
      fs.renameSync(temp, file);
    } finally {
      fs.rmSync(temp, { force: true });
      fs.rmSync(`${temp}.partial`, { force: true });
    }
    progress.done(temp, object.size);
  });
  progress.flush();
  return { objectsFetched: missing.length, bytesFetched: bytesTotal, objectsCached: cachedCount, bytesCached };
}

function reporter(objectsTotal: number, bytesTotal: number, onProgress?: (progress: CacheProgress) => void) {
  const partial = new Map<string, number>();
  let objectsDone = 0;
  let bytesFinished = 0;
  let last = 0;
  const report = (): void => {
    last = Date.now();
    const bytesDone = bytesFinished + [...partial.values()].reduce((a, b) => a + b, 0);
    onProgress?.({ objectsDone, objectsTotal, bytesDone, bytesTotal });
  };
  return {
    bytes(id: string, bytes: number): void {
      partial.set(id, bytes);
      if (Date.now() - last >= PROGRESS_INTERVAL_MS) report();
    },
    done(id: string, size: number): void {
      partial.delete(id);
      objectsDone++;
      bytesFinished += size;
      report();
    },
    flush: report,
  };
}

/** Runs `work` on the items, PARALLEL_DOWNLOADS at a time; the first failure (or an abort) ends the others. */
async function inParallel<T>(items: readonly T[], outer: AbortSignal | undefined, work: (item: T, signal: AbortSignal) => Promise<void>): Promise<void> {
  const stop = new AbortController();
  const onAbort = (): void => stop.abort(outer?.reason);
  outer?.addEventListener('abort', onAbort, { once: true });
  if (outer?.aborted) onAbort();
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      stop.signal.throwIfAborted();
      await work(items[next++], stop.signal);
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(PARALLEL_DOWNLOADS, items.length) }, worker));
  } catch (error) {
    stop.abort();
    throw error;
  } finally {
    outer?.removeEventListener('abort', onAbort);
  }
}
