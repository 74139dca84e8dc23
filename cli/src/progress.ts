import { formatBytes } from '../../core/src';
import type { Io } from './io';

/**
 * Transfer progress on stderr, per channel, in steps of a tenth: a big channel shows it moves and a
 * log stays short. `verb` says which way the bytes go ("uploaded", "downloaded"). A transfer of
 * nothing (everything already cached) says nothing: "100% of 0 bytes" would only be noise.
 */
export function transferPrinter(io: Io, verb: string): (progress: { channel: string; bytesDone: number; bytesTotal: number }) => void {
  const shown = new Map<string, number>();
  return ({ channel, bytesDone, bytesTotal }) => {
    if (bytesTotal === 0) return;
    const tenth = Math.floor((bytesDone / bytesTotal) * 10);
    if (tenth <= (shown.get(channel) ?? -1)) return;
    shown.set(channel, tenth);
    io.err(`  ${channel}: ${tenth * 10}% of ${formatBytes(bytesTotal)} ${verb}\n`);
  };
}
