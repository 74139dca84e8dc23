import * as fs from 'node:fs';
import type { InputChannel } from '../../job/trainingJob';
import { SmctError } from '../../errors';
import { channelProblem } from '../../job/channelChecks';
import { channelObjects, type ChannelUnit } from './channelObjects';
import { addCacheStats, cachedFile, defaultCacheDir, fetchObjects, type CacheProgress, type CacheStats } from './objectCache';
import { emptyShareWarning, shareOf } from './sharding';
import type { ChannelItem, S3Object, S3Reader } from './types';

export interface PrepareOptions {
  /** Made only for an s3:// source, so that a run with local channels never loads the SDK. */
  readonly reader?: () => S3Reader;
  /** Default: defaultCacheDir(). */
  readonly cacheDir?: string;
  readonly maxDownloadBytes?: number;
  readonly confirm?: (bytes: number) => Promise<boolean>;
  readonly onProgress?: (progress: CacheProgress & { readonly channel: string }) => void;
  readonly signal?: AbortSignal;
}

export interface PreparedChannel {
  /** Per host, in host order: what that host's channel holds, in SageMaker's order. */
  readonly shares: ChannelItem[][];
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
  checkChannel(channel);
  const cacheDir = options.cacheDir ?? defaultCacheDir();
  const reader = channel.source.kind === 's3' ? options.reader?.() : undefined;
  const source = channel.source.kind === 's3' ? channel.source.uri : channel.source.path;
  const fetchOptions = {
    reader: reader as S3Reader,
    cacheDir,
    maxDownloadBytes: options.maxDownloadBytes,
    confirm: options.confirm,
    onProgress: (progress: CacheProgress) => options.onProgress?.({ ...progress, channel: channel.name }),
    signal: options.signal,
    source,
  };
  let stats = NO_TRANSFER;
  const read = async (object: S3Object): Promise<Buffer> => {
    stats = addCacheStats(stats, await fetchObjects([object], fetchOptions));
    return fs.readFileSync(cachedFile(cacheDir, object));
  };
  const units = await channelObjects(channel, { reader, read, signal: options.signal });
  const warnings: string[] = [];
  if (channel.distribution === 'ShardedByS3Key') {
    const warning = emptyShareWarning(channel.name, units.length, hostCount);
    if (warning) warnings.push(warning);
  }
  const shares = Array.from({ length: hostCount }, (_, host) => shareOf(units, host, hostCount, channel.distribution));
  if (reader) stats = addCacheStats(stats, await fetchObjects(units.flatMap(objectsOf), fetchOptions));
  return { shares: shares.map((share) => share.flatMap((unit) => itemsOf(unit, cacheDir))), stats, warnings };
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
