import * as fs from 'node:fs';
import type { InputChannel } from '../../job/trainingJob';
import { SmctError } from '../../errors';
import { channelProblem } from '../../job/channelChecks';
import { channelObjects, type ChannelUnit } from './channelObjects';
import {
  addCacheStats,
  cachedFile,
  defaultCacheDir,
  downloadBudget,
  fetchObjects,
  type CacheProgress,
  type CacheStats,
  type DownloadBudget,
  type FetchOptions,
} from './objectCache';
import { emptyShareWarning, shareOf } from './sharding';
import type { ChannelItem, S3Object, S3Reader } from './types';

export interface PrepareOptions {
  /** Made only for an s3:// source, so that a run with local channels never loads the SDK. */
  readonly reader?: () => S3Reader;
  /** Default: defaultCacheDir(). */
  readonly cacheDir?: string;
  /** The run's download budget, shared with its other channels; without it, the channel has one of its own (maxDownloadBytes, confirm). */
  readonly budget?: DownloadBudget;
  readonly maxDownloadBytes?: number;
  readonly confirm?: (bytes: number) => Promise<boolean>;
  /** A manifest's own fetch is told under "<channel> manifest", its objects' under the channel's name. */
  readonly onProgress?: (progress: CacheProgress & { readonly channel: string }) => void;
  readonly signal?: AbortSignal;
}

export interface PreparedChannel {
  /** Per host, in host order: what that host's channel holds, in SageMaker's order. */
  readonly shares: ChannelItem[][];
  readonly stats: CacheStats;
  readonly warnings: string[];
}

/** A channel listed and dealt out to its hosts, its S3 objects not fetched yet (its manifest is). */
export interface ListedChannel {
  readonly channel: InputChannel;
  /** Per host, in host order. */
  readonly shares: ChannelUnit[][];
  /** The S3 objects the shares need, to be fetched into the cache. */
  readonly objects: S3Object[];
  /** Where the channel reads from, for messages. */
  readonly source: string;
  /** The channel's S3 reader, made once (none for a local folder). */
  readonly reader?: S3Reader;
  /** The manifest's fetch, if any. */
  readonly stats: CacheStats;
  readonly warnings: string[];
}

const NO_TRANSFER: CacheStats = { objectsFetched: 0, bytesFetched: 0, objectsCached: 0, bytesCached: 0 };

/**
 * One channel made ready for `hostCount` hosts: its units listed in SageMaker's order, dealt out
 * by its distribution, the S3 objects among them fetched into the cache (only those missing),
 * and each host's share given as files (cached, or the user's own for a local folder) or records.
 */
export async function prepareChannel(channel: InputChannel, hostCount: number, options: PrepareOptions = {}): Promise<PreparedChannel> {
  const withBudget = { ...options, budget: options.budget ?? downloadBudget(options.maxDownloadBytes, options.confirm) };
  return fetchChannel(await listChannel(channel, hostCount, withBudget), withBudget);
}

/** The first half of prepareChannel: what each host gets, and what must be fetched for it (a manifest is fetched and read here). */
export async function listChannel(channel: InputChannel, hostCount: number, options: PrepareOptions = {}): Promise<ListedChannel> {
  checkChannel(channel);
  const cacheDir = options.cacheDir ?? defaultCacheDir();
  const reader = channel.source.kind === 's3' ? options.reader?.() : undefined;
  const source = channel.source.kind === 's3' ? channel.source.uri : channel.source.path;
  let stats = NO_TRANSFER;
  const read = async (object: S3Object): Promise<Buffer> => {
    stats = addCacheStats(stats, await fetchObjects([object], fetchOptions(options, reader, `${channel.name} manifest`, source)));
    return fs.readFileSync(cachedFile(cacheDir, object));
  };
  const units = await channelObjects(channel, { reader, read, signal: options.signal });
  const warnings: string[] = [];
  if (channel.distribution === 'ShardedByS3Key') {
    const warning = emptyShareWarning(channel.name, units.length, hostCount);
    if (warning) warnings.push(warning);
  }
  const shares = Array.from({ length: hostCount }, (_, host) => shareOf(units, host, hostCount, channel.distribution));
  const objects = reader ? shares.flat().flatMap(objectsOf) : [];
  return { channel, shares, objects, source, reader, stats, warnings };
}

/** The second half of prepareChannel: the listed objects fetched into the cache, the shares as items. */
export async function fetchChannel(listed: ListedChannel, options: PrepareOptions = {}): Promise<PreparedChannel> {
  const cacheDir = options.cacheDir ?? defaultCacheDir();
  let stats = listed.stats;
  if (listed.reader && listed.objects.length > 0) {
    stats = addCacheStats(stats, await fetchObjects(listed.objects, fetchOptions(options, listed.reader, listed.channel.name, listed.source)));
  }
  return { shares: listed.shares.map((share) => share.flatMap((unit) => itemsOf(unit, cacheDir))), stats, warnings: listed.warnings };
}

function fetchOptions(options: PrepareOptions, reader: S3Reader | undefined, label: string, source: string): FetchOptions {
  return {
    reader: reader as S3Reader,
    cacheDir: options.cacheDir ?? defaultCacheDir(),
    ...{ budget: options.budget, maxDownloadBytes: options.maxDownloadBytes, confirm: options.confirm },
    onProgress: (progress: CacheProgress) => options.onProgress?.({ ...progress, channel: label }),
    signal: options.signal,
    source,
  };
}

/** What SageMaker refuses of a channel (the job file's loading says it too), refused before anything is read. */
function checkChannel(channel: InputChannel): void {
  const problem = channelProblem(channel);
  if (problem) throw new SmctError('JOB_FILE_INVALID', `${problem.message}.`);
}

function objectsOf(unit: ChannelUnit): S3Object[] {
  if (unit.kind === 'object') return [unit.object];
  if (unit.kind === 'line') return unit.records.flatMap((record) => (record.kind === 'object' ? [record.object] : []));
  return [];
}

/** A unit as the runner takes it; a record's object stays a file of the cache, streamed when its turn comes. */
function itemsOf(unit: ChannelUnit, cacheDir: string): ChannelItem[] {
  if (unit.kind === 'object') {
    const origin = `s3://${unit.object.bucket}/${unit.object.key}`;
    return [{ kind: 'file', relative: unit.relative, file: cachedFile(cacheDir, unit.object), size: unit.object.size, origin }];
  }
  if (unit.kind === 'file') return [{ kind: 'file', relative: unit.relative, file: unit.file, size: unit.size, origin: unit.file }];
  return unit.records.map((record): ChannelItem =>
    record.kind === 'inline' ? { kind: 'record', data: record.data } : { kind: 'record', file: cachedFile(cacheDir, record.object), size: record.object.size },
  );
}
