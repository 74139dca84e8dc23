import { inspectLocalImages, type ImageConfig, type LocalImageLookup } from '../../../core/src';

export interface LocalImageCacheOptions {
  /** Pause after the last request before docker is run, so that typing a FROM line runs it once. */
  readonly debounceMs: number;
  /** How long an answer holds before the image is inspected again (a base built or pulled since). */
  readonly maxAgeMs?: number;
  /** Told once per session when the engine cannot be asked. */
  readonly log: (message: string) => void;
}

interface Entry {
  readonly config: ImageConfig | undefined;
  readonly readAt: number;
}

const MAX_AGE_MS = 60_000;
/** References typed on the way to the real one (`FROM pyth`, `FROM pytho`) are remembered too: keep the newest. */
const MAX_ENTRIES = 256;

/**
 * The configurations of base images already on this machine, read in the background with
 * `docker image inspect` (never a pull) and answered synchronously from memory: an analysis never
 * waits for docker. When an answer brings new facts, `onChange` is told the reference, so that
 * the documents built on it are analysed again.
 */
export class LocalImageCache {
  private readonly entries = new Map<string, Entry>();
  private readonly wanted = new Set<string>();
  private readonly reading = new Set<string>();
  /** Expired while being read: the answer under way may be older than the expiry, so it is read again. */
  private readonly expiredWhileReading = new Set<string>();
  private readonly abort = new AbortController();
  private timer: NodeJS.Timeout | undefined;
  /** While the engine cannot be asked (no docker, daemon stopped), nothing is asked until then. */
  private unavailableUntil = 0;
  private toldUnavailable = false;

  constructor(
    private readonly onChange: (reference: string) => void,
    private readonly options: LocalImageCacheOptions,
  ) {}

  /** What analyses use: the configuration read for this image, undefined when not there or not read yet. */
  readonly lookup: LocalImageLookup = (reference) => this.entries.get(reference)?.config;

  /** Reads the image in the background unless a fresh answer is there or a read is under way. */
  want(reference: string): void {
    if (this.abort.signal.aborted) return;
    const now = Date.now();
    const entry = this.entries.get(reference);
    if ((entry && now - entry.readAt < this.maxAgeMs) || this.reading.has(reference) || now < this.unavailableUntil) return;
    this.wanted.add(reference);
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.readWanted(), this.options.debounceMs);
  }

  /** Forgets when this image (or every image) was read, so that the next want reads it again. */
  expire(reference?: string): void {
    this.unavailableUntil = 0;
    for (const [key, entry] of this.entries) {
      if (reference === undefined || key === reference) this.entries.set(key, { ...entry, readAt: 0 });
    }
    for (const key of this.reading) if (reference === undefined || key === reference) this.expiredWhileReading.add(key);
  }

  /** Stops the reads under way (their docker processes) and any to come. */
  dispose(): void {
    clearTimeout(this.timer);
    this.wanted.clear();
    this.abort.abort();
  }

  private get maxAgeMs(): number {
    return this.options.maxAgeMs ?? MAX_AGE_MS;
  }

  private async readWanted(): Promise<void> {
    const references = [...this.wanted];
    this.wanted.clear();
    if (this.abort.signal.aborted || references.length === 0) return;
    references.forEach((reference) => this.reading.add(reference));
    try {
      const read = await inspectLocalImages(references, { signal: this.abort.signal });
      const now = Date.now();
      if (read.unavailable !== undefined) {
        this.unavailableUntil = now + this.maxAgeMs;
        if (!this.toldUnavailable) this.options.log(`Base images are not read from the local Docker engine for now: ${read.unavailable}`);
        this.toldUnavailable = true;
        return;
      }
      // A reference docker could not answer for (a malformed name) is remembered as unknown, not asked on every keystroke.
      for (const reference of references) this.remember(reference, { config: read.found.get(reference), readAt: now });
    } catch {
      // Aborted: the server is shutting down.
    } finally {
      references.forEach((reference) => this.reading.delete(reference));
    }
    for (const reference of references.filter((key) => this.expiredWhileReading.delete(key))) {
      this.expire(reference);
      this.want(reference);
    }
  }

  private remember(reference: string, entry: Entry): void {
    const before = this.entries.get(reference);
    this.entries.delete(reference);
    this.entries.set(reference, entry);
    if (this.entries.size > MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value as string);
    if (JSON.stringify(before?.config) !== JSON.stringify(entry.config)) this.onChange(reference);
  }
}
