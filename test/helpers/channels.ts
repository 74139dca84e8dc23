import type { InputChannel } from '../../core/src/job/trainingJob';

/** A channel named "train" reading `uri`, with the job file's defaults (File, FullyReplicated, S3Prefix, no wrapping), and `more` over them. */
export function s3Channel(uri: string, more: Partial<InputChannel> = {}): InputChannel {
  return {
    name: 'train',
    source: { kind: 's3', uri },
    inputMode: 'File',
    distribution: 'FullyReplicated',
    s3DataType: 'S3Prefix',
    recordWrapperType: 'None',
    ...more,
  };
}
