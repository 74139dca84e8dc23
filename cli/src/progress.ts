import { formatBytes } from '../../core/src';
import type { Io } from './io';

/**
 * Transfer progress on stderr, per channel, in steps of a tenth: a big channel shows it moves and a
 * log stays short. `verb` says which way the bytes go ("uploaded", "downloaded").
 */
export function transferPrinter(io: Io, verb: string): (progress: { channel: string; bytesDone: number; bytesTotal: number }) => void {
  const shown = new Map<string, number>();
  return ({ channel, bytesDone, bytesTotal }) => {
    const tenth = bytesTotal === 0 ? 10 : Math.floor((bytesDone / bytesTotal) * 10);
    if (tenth <= (shown.get(channel) ?? -1)) return;
    shown.set(channel, tenth);
    io.err(`  ${channel}: ${tenth * 10}% of ${formatBytes(bytesTotal)} ${verb}\n`);
  };
}
