import { interruptionVerdict, type LocalTrainingResult } from '../../../core/src';

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
