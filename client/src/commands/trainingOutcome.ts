import { formatBytes, type LocalTrainingResult } from '../../../core/src';

/**
 * The words of a local run's outcome notification, as `smct train --local` sums it up: the
 * status, and the verdict of a rehearsed spot interruption. No `vscode` here: only text.
 */
export function outcomeMessage(result: LocalTrainingResult): string {
  const status =
    result.status === 'Failed'
      ? `Training job ${result.jobName} failed: ${result.failureReason ?? 'unknown reason'}`
      : `Training job ${result.jobName}: ${result.status}${result.secondaryStatus ? ` (${result.secondaryStatus})` : ''}.`;
  const verdict = interruptionVerdict(result);
  return verdict ? `${status} ${verdict}` : status;
}

/** Whether the job came back from its rehearsed interruption, and with what. */
export function interruptionVerdict(result: LocalTrainingResult): string | undefined {
  const interruption = result.interruption;
  if (!interruption) return undefined;
  const saved = countText(interruption.checkpointsSaved);
  return interruption.resumed
    ? `Spot interruption after ${interruption.afterSeconds} s: the job restarted from ${saved} of checkpoints and completed.`
    : `Spot interruption after ${interruption.afterSeconds} s: the job did not resume from checkpoints (${saved} saved at the interruption).`;
}

function countText(count: { readonly files: number; readonly bytes: number }): string {
  return `${count.files} file${count.files === 1 ? '' : 's'} (${formatBytes(count.bytes)})`;
}
