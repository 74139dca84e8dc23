import { formatBytes } from '../config/quantities';
import type { CheckpointCount } from './checkpoints';
import type { LocalTrainingResult } from './localTraining';

/**
 * The end of a local run in words, one line each, as `smct train --local` prints it and VS Code
 * writes it in its output channel: the status and its reason, the S3 transfers, where the
 * artifacts and checkpoints went, the interruption's verdict, the total time.
 */
export function trainingSummaryLines(result: LocalTrainingResult): string[] {
  const lines = [
    `Training job ${result.jobName}: ${result.status}${result.secondaryStatus ? ` (${result.secondaryStatus}: ${result.statusMessage ?? ''})` : ''}`,
  ];
  if (result.failureReason) lines.push(`FailureReason: ${result.failureReason}`);
  const { objectsFetched, bytesFetched, objectsCached, bytesCached } = result.downloads;
  if (objectsFetched + objectsCached > 0) {
    lines.push(
      `S3 channels: ${objectsFetched} object${objectsFetched === 1 ? '' : 's'} downloaded (${formatBytes(bytesFetched)}), ${objectsCached} from the cache (${formatBytes(bytesCached)})`,
    );
  }
  if (result.artifacts) lines.push(`Model artifacts: ${result.artifacts.model}`, `Output data: ${result.artifacts.output}`);
  if (result.uploaded) lines.push(`Uploaded: ${result.uploaded.model}`, `Uploaded: ${result.uploaded.output}`);
  const checkpoints = result.checkpoints;
  if (checkpoints) {
    const fromS3 = checkpoints.fromS3 ? `${countText(checkpoints.fromS3)} from S3, ` : '';
    const saved = checkpoints.saved ? `, ${countText(checkpoints.saved)} saved` : '';
    lines.push(`Checkpoints: ${fromS3}${countText(checkpoints.restored)} restored${saved} (${checkpoints.store})`);
  }
  const verdict = interruptionVerdict(result);
  if (verdict) lines.push(verdict);
  lines.push(`Total time: ${result.totalSeconds} s`);
  return lines;
}

/** Whether the job came back from its rehearsed interruption, and with what the program had saved. */
export function interruptionVerdict(result: LocalTrainingResult): string | undefined {
  const interruption = result.interruption;
  if (!interruption) return undefined;
  const at = `Spot interruption after ${interruption.afterSeconds} s`;
  const written = interruption.checkpointsSaved;
  if (written.files === 0) return `${at}: the program had written no checkpoint, so the restarted job started over.`;
  return interruption.resumed
    ? `${at}: the job restarted with the ${countText(written)} of checkpoints the program wrote, and completed.`
    : `${at}: the job restarted with the ${countText(written)} of checkpoints the program wrote, and ended ${result.status}.`;
}

function countText(count: CheckpointCount): string {
  return `${count.files} file${count.files === 1 ? '' : 's'} (${formatBytes(count.bytes)})`;
}
