/**
 * What one host of `hostCount` receives of a channel's items. FullyReplicated: every item.
 * ShardedByS3Key: "each instance gets approximately 1/n of the number of S3 objects"
 * (https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_S3DataSource.html), each item on
 * exactly one host. SageMaker does not document its exact split; this one gives contiguous blocks
 * of the ordered list, the first `items % hosts` hosts one item more, so shares differ by one at most
 * and each host's items keep their order.
 */
export function shareOf<T>(
  items: readonly T[],
  hostIndex: number,
  hostCount: number,
  distribution: 'FullyReplicated' | 'ShardedByS3Key' = 'ShardedByS3Key',
): T[] {
  if (!Number.isInteger(hostCount) || hostCount < 1 || !Number.isInteger(hostIndex) || hostIndex < 0 || hostIndex >= hostCount) {
    throw new RangeError(`host ${hostIndex} of ${hostCount} does not exist`);
  }
  if (distribution === 'FullyReplicated') return [...items];
  const base = Math.floor(items.length / hostCount);
  const extra = items.length % hostCount;
  const start = hostIndex * base + Math.min(hostIndex, extra);
  return items.slice(start, start + base + (hostIndex < extra ? 1 : 0));
}

/**
 * The warning for hosts left without data: "Don't choose more ML compute instances for training
 * than available S3 objects. If you do, some nodes won't get any data"
 * (https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_S3DataSource.html).
 */
export function emptyShareWarning(channel: string, itemCount: number, hostCount: number): string | undefined {
  if (itemCount >= hostCount) return undefined;
  const empty = hostCount - itemCount;
  return `Channel "${channel}" is ShardedByS3Key with ${itemCount} object${itemCount === 1 ? '' : 's'} for ${hostCount} hosts: ${empty} host${empty === 1 ? ' gets' : 's get'} no data, as on SageMaker.`;
}
