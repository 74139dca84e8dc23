import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Outcome } from './containerRun';

/** DescribeTrainingJob's FailureReason holds at most 1024 characters (the SageMaker API model: FailureReason, max 1024). */
const FAILURE_REASON_LIMIT = 1024;

/**
 * The FailureReason SageMaker gives a failed job: `AlgorithmError: ` and the first 1024
 * characters of the failure file the program wrote (the failing host's first), else the words the
 * outcome already holds (`AlgorithmError: , exit code: N`, or a ClientError of Docker's).
 */
export function failureReason(outcome: Outcome, hostFolders: readonly string[]): string | undefined {
  if (outcome.status !== 'Failed' || outcome.failureReason?.startsWith('ClientError')) return outcome.failureReason;
  const ordered = outcome.failedHost ? [...hostFolders].sort((a) => (path.basename(a) === outcome.failedHost ? -1 : 0)) : hostFolders;
  const written = ordered.map((folder) => readFailureFile(path.join(folder, 'output', 'failure'))).find((text) => text !== undefined);
  return written !== undefined ? `AlgorithmError: ${written}`.slice(0, FAILURE_REASON_LIMIT) : outcome.failureReason;
}

/**
 * The start of the failure file the program wrote, or undefined. The folder is the container's to
 * change: a link in the file's place would name a file of this machine, so only a regular file is
 * read (O_NOFOLLOW refuses a link; O_NONBLOCK keeps a FIFO from hanging the run).
 */
function readFailureFile(file: string): string | undefined {
  let fd: number;
  try {
    fd = fs.openSync(file, fs.constants.O_RDONLY | (fs.constants.O_NOFOLLOW ?? 0) | (fs.constants.O_NONBLOCK ?? 0));
  } catch {
    // None written, a link (ELOOP), or unreadable (written as root with mode 0600): the exit code is the reason.
    return undefined;
  }
  try {
    if (!fs.fstatSync(fd).isFile()) return undefined;
    // A character takes at most 4 bytes in UTF-8: enough bytes for the reason's 1024 characters.
    const bytes = Buffer.alloc(FAILURE_REASON_LIMIT * 4);
    const read = fs.readSync(fd, bytes, 0, bytes.length, 0);
    return bytes.subarray(0, read).toString('utf8').slice(0, FAILURE_REASON_LIMIT);
  } finally {
    fs.closeSync(fd);
  }
}
