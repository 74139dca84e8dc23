import * as fs from 'node:fs';
import * as path from 'node:path';
import type { InputChannel, TrainingJob } from '../job/trainingJob';
import { materializeShare } from './channels/channelFolder';
import {
  addCacheStats,
  checkDownload,
  defaultCacheDir,
  downloadBudget,
  missingBytes,
  type CacheProgress,
  type CacheStats,
  type DownloadBudget,
} from './channels/objectCache';
import { startPipeChannel, type PipeChannel } from './channels/pipeChannel';
import { fetchChannel, listChannel, type ListedChannel } from './channels/prepareChannel';
import type { ChannelItem, S3Reader } from './channels/types';
import { displayPath } from '../lint/lintGate';
import { forgetRunFolder, OWNER_FILE, ownerFileContent, registerRunFolder, RUN_VIEWS } from './leftovers';
import { SmctError } from '../errors';

export interface InputOptions {
  /** How S3 is read; made on first use, so that a job with local channels only never needs AWS. */
  readonly s3?: () => S3Reader;
  /** The run's download budget, shared with its other fetches (checkpoints); without it, one from maxDownloadBytes and confirmDownload. */
  readonly budget?: DownloadBudget;
  /** Past this many bytes still to download, `confirmDownload` is asked, or the run refused. */
  readonly maxDownloadBytes?: number;
  readonly confirmDownload?: (bytes: number) => Promise<boolean>;
  /** Default: defaultCacheDir(). */
  readonly cacheDir?: string;
  readonly onDownload?: (progress: DownloadProgress) => void;
  readonly onWarning?: (message: string) => void;
  readonly signal?: AbortSignal;
}

export type DownloadProgress = CacheProgress & { readonly channel: string };

/** A Pipe-mode channel of one host: its FIFOs are fed with these items, epoch after epoch. */
interface PipeSpec {
  readonly channel: string;
  readonly items: readonly ChannelItem[];
  readonly recordWrapper: InputChannel['recordWrapperType'];
}

/** What each host gets of the input channels. */
export interface HostInputs {
  /** `-v` arguments of the channels the host reads as folders (File, FastFile). */
  readonly mounts: readonly string[];
  readonly pipes: readonly PipeSpec[];
  /** The folders of those channels, which must exist as mountpoints in a read-only /opt/ml/input/data. */
  readonly folderChannels: readonly string[];
}

export interface PreparedInputs {
  readonly hosts: readonly HostInputs[];
  /** What came from S3 and what the cache already held. */
  readonly downloads: CacheStats;
}

/**
 * Every channel as SageMaker gives it to each host. File and FastFile channels are folders at
 * /opt/ml/input/data/<channel>, mounted read-only (the run never changes the user's files or the
 * cache): a local folder as it is when every host gets all of it, otherwise a folder of links in
 * channelViewsFolder (one for all hosts, or one per share when ShardedByS3Key): to the cached
 * objects, or to a sharded local folder's files (copied when that folder is on another file
 * system than the cache: a local sample is small, and one place for every view keeps the
 * clean-up simple). Pipe channels are FIFOs, started per run of the containers (startPipes).
 * Whoever calls this removes the views with removeChannelViews(root) when the run ends.
 */
export async function prepareInputs(job: TrainingJob, hosts: readonly string[], root: string, options: InputOptions = {}): Promise<PreparedInputs> {
  for (const input of job.inputs) checkLocalFolder(job, input);
  const perHost = hosts.map(() => ({ mounts: [] as string[], pipes: [] as PipeSpec[], folderChannels: [] as string[] }));
  const cacheDir = options.cacheDir ?? defaultCacheDir();
  const budget = options.budget ?? downloadBudget(options.maxDownloadBytes, options.confirmDownload);
  const channelOptions = { reader: options.s3, cacheDir, budget, onProgress: options.onDownload, signal: options.signal };
  // Every channel listed first, so that the run's download is checked (and asked about) once, for its total.
  const listed: ListedChannel[] = [];
  for (const input of job.inputs) {
    if (input.inputMode !== 'Pipe') perHost.forEach((host) => host.folderChannels.push(input.name));
    if (input.source.kind === 'local' && input.inputMode !== 'Pipe' && input.distribution === 'FullyReplicated' && input.s3DataType === 'S3Prefix') {
      // The user's folder, read-only, the same for every host: nothing to list or link.
      perHost.forEach((host) => host.mounts.push('-v', `${input.source.kind === 'local' ? input.source.path : ''}:${channelTarget(input)}:ro`));
      continue;
    }
    listed.push(await listChannel(input, hosts.length, channelOptions));
  }
  const fromS3 = listed.filter((channel) => channel.objects.length > 0);
  await checkDownload(
    budget,
    missingBytes(
      fromS3.flatMap((channel) => channel.objects),
      cacheDir,
    ),
    fromS3.map((channel) => channel.source).join(', '),
  );
  let downloads: CacheStats = { objectsFetched: 0, bytesFetched: 0, objectsCached: 0, bytesCached: 0 };
  const views = viewsMaker(root, cacheDir);
  for (const channel of listed) {
    const input = channel.channel;
    const prepared = await fetchChannel(channel, channelOptions);
    for (const warning of prepared.warnings) options.onWarning?.(warning);
    downloads = addCacheStats(downloads, prepared.stats);
    if (input.inputMode === 'Pipe') {
      perHost.forEach((host, i) => host.pipes.push({ channel: input.name, items: prepared.shares[i], recordWrapper: input.recordWrapperType }));
      continue;
    }
    // Every host gets the same objects when they are not sharded: one folder serves them all.
    const shared = input.distribution === 'FullyReplicated' ? path.join(views(), 'all', input.name) : undefined;
    if (shared) materializeShare(prepared.shares[0], shared);
    perHost.forEach((host, i) => {
      const folder = shared ?? path.join(views(), hosts[i], input.name);
      if (!shared) materializeShare(prepared.shares[i], folder);
      host.mounts.push('-v', `${folder}:${channelTarget(input)}:ro`);
    });
  }
  return { hosts: perHost, downloads };
}

/**
 * Where a run keeps its channel folders: in the cache, beside the objects they hard-link, so that
 * they are links even when os.tmpdir() (the run folder) is another file system (a tmpfs /tmp):
 * copies there would cost the channel's size again. Named after the run folder; removed with it
 * (removeChannelViews), by a process that must exit at once, or as a leftover of a dead run.
 */
export function channelViewsFolder(root: string, cacheDir: string = defaultCacheDir()): string {
  return path.join(cacheDir, RUN_VIEWS, path.basename(root));
}

/** The run is over: its channel folders go (the cached objects they link stay). */
export function removeChannelViews(root: string, cacheDir?: string): void {
  const folder = channelViewsFolder(root, cacheDir);
  try {
    fs.rmSync(folder, { recursive: true, force: true });
  } catch {
    // Called as a run ends, whatever its outcome: what stays is swept by the next run's cleanUpLeftovers.
  }
  forgetRunFolder(folder);
}

/** The run's views folder, made (with its owner file, and noted for a hard exit) the first time one is needed. */
function viewsMaker(root: string, cacheDir: string): () => string {
  const folder = channelViewsFolder(root, cacheDir);
  let made = false;
  return () => {
    if (!made) {
      fs.mkdirSync(folder, { recursive: true });
      registerRunFolder(folder);
      fs.writeFileSync(path.join(folder, OWNER_FILE), ownerFileContent());
      made = true;
    }
    return folder;
  };
}

function channelTarget(input: InputChannel): string {
  return `/opt/ml/input/data/${input.name}`;
}

/**
 * The `-v` arguments of one host's /opt/ml/input/data when it has Pipe channels: its own folder,
 * read-only, where the FIFOs appear, with a mountpoint made for each folder channel inside it
 * (runc cannot make one in a read-only mount).
 */
export function pipeDataMount(hostFolder: string, inputs: HostInputs): string[] {
  if (inputs.pipes.length === 0) return [];
  const data = path.join(hostFolder, 'input', 'data');
  for (const name of inputs.folderChannels) fs.mkdirSync(path.join(data, name), { recursive: true });
  return ['-v', `${data}:/opt/ml/input/data:ro`];
}

/** Starts feeding one host's Pipe channels: `<channel>_0`, `<channel>_1`, … in its /opt/ml/input/data. */
export function startPipes(hostFolder: string, inputs: HostInputs, signal?: AbortSignal): PipeChannel[] {
  const folder = path.join(hostFolder, 'input', 'data');
  return inputs.pipes.map((pipe) => startPipeChannel({ folder, channel: pipe.channel, items: pipe.items, recordWrapper: pipe.recordWrapper, signal }));
}

function checkLocalFolder(job: TrainingJob, input: InputChannel): void {
  if (input.source.kind !== 'local') return;
  if (!fs.existsSync(input.source.path) || !fs.statSync(input.source.path).isDirectory()) {
    throw new SmctError(
      'LOCAL_RUN_FAILED',
      `Input channel "${input.name}": the folder ${input.source.path} does not exist. Create it or fix "inputs.${input.name}" in ${displayPath(job.file)}.`,
    );
  }
}
