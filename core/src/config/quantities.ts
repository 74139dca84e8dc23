import { SmctError } from '../errors';

const SECONDS: Readonly<Record<string, number>> = { s: 1, m: 60, h: 3600 };

/**
 * A duration as people type it: `90` or `90s` (seconds), `2m`, `1h30m`, `1.5h`. Returns seconds,
 * or throws a USAGE error naming `what` (the flag or setting) and the forms it takes.
 */
export function parseDuration(text: string, what: string): number {
  const trimmed = text.trim().toLowerCase();
  const parts = /^(?:\d+(?:\.\d+)?[hms]?)+$/.test(trimmed) ? [...trimmed.matchAll(/(\d+(?:\.\d+)?)([hms]?)/g)] : [];
  // A bare number is seconds, and only alone: "1h30" is more likely a mistake than 1 h 30 s.
  const bare = parts.length > 1 && parts.some((part) => part[2] === '');
  const seconds = parts.reduce((total, part) => total + Number(part[1]) * SECONDS[part[2] || 's'], 0);
  if (parts.length === 0 || bare || !(seconds > 0) || !Number.isFinite(seconds)) {
    throw new SmctError('USAGE', `${what} must be a duration such as 90s, 5m or 1h30m (it is "${text}").`);
  }
  return seconds;
}

/** `1.5 MB`, `312 KB`, `17 bytes`: sizes in the decimal units S3 and the AWS console show. */
export function formatBytes(bytes: number): string {
  if (bytes < 1000) return `${bytes} byte${bytes === 1 ? '' : 's'}`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let value = bytes / 1000;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit += 1;
  }
  return `${value >= 100 ? Math.round(value) : value.toFixed(1)} ${units[unit]}`;
}

const UNITS: Readonly<Record<string, number>> = {
  b: 1,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  tb: 1e12,
  kib: 1024,
  mib: 1024 ** 2,
  gib: 1024 ** 3,
  tib: 1024 ** 4,
};

/** A size as a user writes it: "1000" (bytes), "500MB", "10GB" (powers of 1000), "1.5GiB" (powers of 1024). */
export function parseSize(text: string, flag = '--max-download'): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(text);
  const unit = match ? UNITS[(match[2] || 'b').toLowerCase()] : undefined;
  if (!match || unit === undefined) {
    throw new SmctError('USAGE', `${flag} takes a size such as 500MB, 10GB or 1.5GiB (or a number of bytes), not "${text}".`);
  }
  return Math.round(Number(match[1]) * unit);
}
