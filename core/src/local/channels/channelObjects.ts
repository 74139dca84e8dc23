import * as fs from 'node:fs';
import * as path from 'node:path';
import type { InputChannel } from '../../job/trainingJob';
import { formatBytes } from '../../config/quantities';
import { SmctError } from '../../errors';
import type { S3Object, S3Reader } from './types';

/** A local folder with more files than this is refused: listing and linking them would take longer than it is worth. */
export const MAX_LOCAL_FILES = 1_000_000;

/**
 * A manifest (or augmented manifest) larger than this is refused before it is read: it is read
 * whole and parsed in memory, and a local run is for a sample, not a manifest of millions of objects.
 */
export const MAX_MANIFEST_BYTES = 100_000_000;

/** HeadObject calls at once for a manifest's entries. */
const PARALLEL_HEADS = 8;

/** One part of an augmented manifest's record: an S3 object's bytes (a "-ref" attribute) or bytes given inline. */
export type RecordPart = { readonly kind: 'object'; readonly object: S3Object } | { readonly kind: 'inline'; readonly data: Buffer };

/**
 * One unit of a channel in SageMaker's order, before anything is downloaded: an S3 object headed
 * for a relative path, a file of a local folder, or a line of an augmented manifest (its records).
 * Sharding deals out these units.
 */
export type ChannelUnit =
  | { readonly kind: 'object'; readonly relative: string; readonly object: S3Object }
  | { readonly kind: 'file'; readonly relative: string; readonly file: string; readonly size: number }
  | { readonly kind: 'line'; readonly records: readonly RecordPart[] };

export interface ChannelSources {
  readonly reader?: S3Reader;
  /** An S3 object's bytes, read through the cache (manifests are). */
  readonly read: (object: S3Object) => Promise<Buffer>;
  readonly signal?: AbortSignal;
}

/** s3://bucket/key → its parts; undefined when it is not an S3 URI. */
export function parseS3Uri(uri: string): { bucket: string; key: string } | undefined {
  const match = /^s3:\/\/([^/]+)\/?(.*)$/s.exec(uri);
  return match ? { bucket: match[1], key: match[2] } : undefined;
}

/** The channel's units, in the order SageMaker delivers them. */
export async function channelObjects(channel: InputChannel, sources: ChannelSources): Promise<ChannelUnit[]> {
  if (channel.source.kind === 'local') return localFiles(channel.name, channel.source.path);
  const uri = channel.source.uri;
  const location = parseS3Uri(uri);
  if (!location) throw invalid(channel.name, `${uri} is not an s3:// URI`);
  const reader = sources.reader;
  if (!reader) throw new SmctError('LOCAL_RUN_FAILED', `inputs.${channel.name}: reading ${uri} needs AWS, which this run was not given.`);
  if (channel.s3DataType === 'S3Prefix') return prefixObjects(channel.name, reader, location.bucket, location.key, sources.signal);
  const manifest = await reader.head(location.bucket, location.key, sources.signal);
  if (manifest.size > MAX_MANIFEST_BYTES) {
    throw invalid(
      channel.name,
      `the manifest ${uri} is larger than the ${formatBytes(MAX_MANIFEST_BYTES)} a local run reads (${manifest.size} bytes); point the channel at a shorter manifest (a sample)`,
    );
  }
  const text = (await sources.read(manifest)).toString('utf8');
  if (channel.s3DataType === 'ManifestFile') return manifestObjects(channel.name, uri, text, reader, sources.signal);
  return augmentedLines(channel, uri, text, reader, sources.signal);
}

function invalid(channel: string, why: string): SmctError {
  return new SmctError('LOCAL_RUN_FAILED', `inputs.${channel}: ${why}.`);
}

/**
 * Every object under the prefix, at its key less the prefix, as SageMaker fills
 * /opt/ml/input/data/<channel>: a plain string prefix, so `data/train` takes `data/training/x.csv`
 * too (as `ing/x.csv`). Keys ending in "/" are the console's folders, not data. A prefix that is
 * a whole key gives that object under its own name.
 */
async function prefixObjects(channel: string, reader: S3Reader, bucket: string, prefix: string, signal?: AbortSignal): Promise<ChannelUnit[]> {
  const objects = (await reader.list(bucket, prefix, signal)).filter((object) => !object.key.endsWith('/'));
  // SageMaker fails such a job: "No S3 objects found under S3 URL".
  if (objects.length === 0) throw invalid(channel, `no S3 objects under s3://${bucket}/${prefix}, and SageMaker fails a job whose channel has none`);
  return objects.map((object) => {
    const relative = object.key.slice(prefix.length).replace(/^\/+/, '') || path.posix.basename(object.key);
    return { kind: 'object', relative, object };
  });
}

/**
 * A manifest file (https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_S3DataSource.html):
 * a JSON array whose first element is {"prefix": "s3://bucket/prefix/"} and the others keys
 * relative to it; each object is placed at that relative key.
 */
async function manifestObjects(channel: string, uri: string, text: string, reader: S3Reader, signal?: AbortSignal): Promise<ChannelUnit[]> {
  const bad = (why: string): SmctError =>
    invalid(channel, `the manifest ${uri} ${why}; a manifest is a JSON array: {"prefix": "s3://bucket/prefix/"}, then keys relative to it`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw bad('is not JSON');
  }
  if (!Array.isArray(parsed) || parsed.length === 0) throw bad('is not a JSON array with a prefix first');
  const [head, ...entries] = parsed as unknown[];
  const prefix = (head as { prefix?: unknown } | null)?.prefix;
  const base = typeof prefix === 'string' ? parseS3Uri(prefix) : undefined;
  if (!base) throw bad('does not begin with {"prefix": "s3://..."}');
  const relatives = entries.map((entry, index) => {
    if (typeof entry !== 'string' || entry === '') throw bad(`has entry ${index + 1} that is not a key (${JSON.stringify(entry)})`);
    return entry;
  });
  if (relatives.length === 0) throw bad('lists no objects');
  return mapLimited(relatives, PARALLEL_HEADS, async (relative) => ({
    kind: 'object' as const,
    relative: relative.replace(/^\/+/, ''),
    object: await reader.head(base.bucket, base.key + relative, signal),
  }));
}

/**
 * An augmented manifest (https://docs.aws.amazon.com/sagemaker/latest/dg/augmented-manifest-stream.html):
 * JSON Lines; of each line, the attributes named become records in their order. An attribute
 * ending in "-ref" names an S3 object whose bytes are the record; any other is sent as the JSON
 * object of that attribute alone (the page's example streams `{"is-a-cat": 1}` after the image).
 */
async function augmentedLines(channel: InputChannel, uri: string, text: string, reader: S3Reader, signal?: AbortSignal): Promise<ChannelUnit[]> {
  const names = channel.attributeNames ?? [];
  if (names.length === 0) throw invalid(channel.name, 'an AugmentedManifestFile channel needs "attributeNames" (the attributes of each line that are records)');
  const lines = text.split('\n').flatMap((line, index) => (line.trim() === '' ? [] : [{ line, number: index + 1 }]));
  if (lines.length === 0) throw invalid(channel.name, `the augmented manifest ${uri} has no lines`);
  return mapLimited(lines, PARALLEL_HEADS, async ({ line, number }) => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      throw invalid(channel.name, `line ${number} of the augmented manifest ${uri} is not JSON`);
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw invalid(channel.name, `line ${number} of ${uri} is not a JSON object`);
    const records: RecordPart[] = [];
    for (const name of names) {
      if (!(name in parsed)) throw invalid(channel.name, `line ${number} of ${uri} has no attribute "${name}" (named in attributeNames)`);
      const value = (parsed as Record<string, unknown>)[name];
      if (!name.endsWith('-ref')) {
        records.push({ kind: 'inline', data: Buffer.from(JSON.stringify({ [name]: value })) });
        continue;
      }
      const location = typeof value === 'string' ? parseS3Uri(value) : undefined;
      if (!location) throw invalid(channel.name, `line ${number} of ${uri}: "${name}" is not an s3:// URI`);
      records.push({ kind: 'object', object: await reader.head(location.bucket, location.key, signal) });
    }
    return { kind: 'line' as const, records };
  });
}

/**
 * A local folder's regular files, in sorted relative-path order (so that sharding deals them as
 * it deals S3 keys). A link is followed only when it leads to a file inside the folder; links
 * out of it, and links to folders (which could loop), are left out.
 */
function localFiles(channel: string, folder: string): ChannelUnit[] {
  let root: string;
  try {
    root = fs.realpathSync(folder);
    if (!fs.statSync(root).isDirectory()) throw new Error();
  } catch {
    throw invalid(channel, `${folder} is not a folder`);
  }
  const files: ChannelUnit[] = [];
  const walk = (absolute: string, relative: string): void => {
    for (const entry of fs.readdirSync(absolute, { withFileTypes: true })) {
      const child = path.join(absolute, entry.name);
      const name = relative ? `${relative}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(child, name);
      else if (entry.isFile() || (entry.isSymbolicLink() && linksInside(child, root))) {
        if (files.length >= MAX_LOCAL_FILES) {
          throw invalid(channel, `${folder} has more than ${MAX_LOCAL_FILES} files, too many for a local run; point the channel at a sample`);
        }
        // A link's target, not the link: a channel folder hard-links the file, and a hard link to a
        // symlink would be a link to a path of this machine, dangling in the container.
        const file = entry.isSymbolicLink() ? fs.realpathSync(child) : child;
        files.push({ kind: 'file', relative: name, file, size: fs.statSync(file).size });
      }
    }
  };
  walk(root, '');
  if (files.length === 0) throw invalid(channel, `${folder} is empty, and SageMaker fails a job whose channel has no files`);
  return files.sort((a, b) => compare((a as { relative: string }).relative, (b as { relative: string }).relative));
}

function linksInside(link: string, root: string): boolean {
  try {
    const real = fs.realpathSync(link);
    return real.startsWith(root + path.sep) && fs.statSync(real).isFile();
  } catch {
    return false;
  }
}

/** Byte order of UTF-8, the order S3 lists keys in. */
function compare(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

/** `work` over the items, `width` at a time, results in the items' order. */
async function mapLimited<T, R>(items: readonly T[], width: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, worker));
  return results;
}
