import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HeadObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { AwsClients } from '../../../core/src/aws/awsClients';
import { s3Reader } from '../../../core/src/aws/s3Reader';
import { isSmctError } from '../../../core/src/errors';

// What the emulator cannot provoke on demand: refusals and a listing of several pages.
const target = { profile: 'dev', region: 'eu-west-1' };

function sdkError(name: string, status: number): Error {
  return Object.assign(new Error(name), { name, $metadata: { httpStatusCode: status } });
}

test('a 403 on HeadObject (no body, so no error code) is one line naming the URI and the permission', async () => {
  const s3 = mockClient(S3Client).on(HeadObjectCommand).rejects(sdkError('Forbidden', 403));
  s3.on(ListObjectsV2Command).rejects(sdkError('AccessDenied', 403));
  try {
    const reader = s3Reader(new AwsClients(target));
    await assert.rejects(
      reader.head('b', 'k/x.csv'),
      (error: unknown) =>
        isSmctError(error, 'AWS_ACCESS') &&
        error.message ===
          'Access denied to s3://b/k/x.csv: reading it needs s3:GetObject. Use a profile that may read it, or point the channel at data you can read.',
    );
    await assert.rejects(
      reader.list('b', 'k/'),
      (error: unknown) => isSmctError(error, 'AWS_ACCESS') && /^Access denied to s3:\/\/b\/k\/: reading it needs s3:ListBucket\./.test(error.message),
    );
  } finally {
    s3.restore();
  }
});

test('a listing of several pages is read to its end, in key order', async () => {
  const s3 = mockClient(S3Client);
  s3.on(ListObjectsV2Command, { ContinuationToken: undefined }).resolves({
    Contents: [{ Key: 'p/a', Size: 1, ETag: '"1"' }],
    IsTruncated: true,
    NextContinuationToken: 't2',
  });
  s3.on(ListObjectsV2Command, { ContinuationToken: 't2' }).resolves({ Contents: [{ Key: 'p/b', Size: 2, ETag: '"2"' }], IsTruncated: false });
  try {
    const objects = await s3Reader(new AwsClients(target)).list('b', 'p/');
    assert.deepEqual(objects, [
      { bucket: 'b', key: 'p/a', size: 1, etag: '"1"' },
      { bucket: 'b', key: 'p/b', size: 2, etag: '"2"' },
    ]);
  } finally {
    s3.restore();
  }
});
