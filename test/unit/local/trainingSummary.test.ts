import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { LocalTrainingResult } from '../../../core/src/local/localTraining';
import { interruptionVerdict, trainingSummaryLines } from '../../../core/src/local/trainingSummary';

const BASE: LocalTrainingResult = {
  jobName: 'fit-1',
  status: 'Completed',
  exitCodes: { 'algo-1': 0 },
  transitions: [],
  downloads: { objectsFetched: 0, bytesFetched: 0, objectsCached: 0, bytesCached: 0 },
  totalSeconds: 12.5,
};

test('the summary of a run that read S3, restored checkpoints from S3 and uploaded its artifacts', () => {
  assert.deepEqual(
    trainingSummaryLines({
      ...BASE,
      downloads: { objectsFetched: 1, bytesFetched: 1500, objectsCached: 2, bytesCached: 2_000_000 },
      artifacts: { model: '/out/fit-1/output/model.tar.gz', output: '/out/fit-1/output/output.tar.gz' },
      uploaded: { model: 's3://b/o/fit-1/output/model.tar.gz', output: 's3://b/o/fit-1/output/output.tar.gz' },
      checkpoints: { store: '/out/checkpoints/b/ck', fromS3: { files: 2, bytes: 20 }, restored: { files: 2, bytes: 20 }, saved: { files: 3, bytes: 30 } },
    }),
    [
      'Training job fit-1: Completed',
      'S3 channels: 1 object downloaded (1.5 KB), 2 from the cache (2.0 MB)',
      'Model artifacts: /out/fit-1/output/model.tar.gz',
      'Output data: /out/fit-1/output/output.tar.gz',
      'Uploaded: s3://b/o/fit-1/output/model.tar.gz',
      'Uploaded: s3://b/o/fit-1/output/output.tar.gz',
      'Checkpoints: 2 files (20 bytes) from S3, 2 files (20 bytes) restored, 3 files (30 bytes) saved (/out/checkpoints/b/ck)',
      'Total time: 12.5 s',
    ],
  );
});

test('the interruption verdict: resumed, restarted and ended otherwise, or nothing written', () => {
  const interrupted = (files: number, resumed: boolean, status: LocalTrainingResult['status'] = 'Completed'): LocalTrainingResult => ({
    ...BASE,
    status,
    interruption: { afterSeconds: 30, checkpointsSaved: { files, bytes: files * 1000 }, resumed },
  });
  assert.equal(interruptionVerdict(BASE), undefined);
  assert.equal(
    interruptionVerdict(interrupted(2, true)),
    'Spot interruption after 30 s: the job restarted with the 2 files (2.0 KB) of checkpoints the program wrote, and completed.',
  );
  assert.equal(
    interruptionVerdict(interrupted(1, false, 'Failed')),
    'Spot interruption after 30 s: the job restarted with the 1 file (1.0 KB) of checkpoints the program wrote, and ended Failed.',
  );
  assert.equal(
    interruptionVerdict(interrupted(0, false)),
    'Spot interruption after 30 s: the program had written no checkpoint, so the restarted job started over.',
  );
});
