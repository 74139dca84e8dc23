import type { DescribeTrainingJobResponse } from '@aws-sdk/client-sagemaker';

/**
 * The end of a job as the SageMaker SDK reports it: status and reason, training and billable
 * seconds over all instances (provisioning is not billed), spot savings, and the model artifact.
 */
export function summarizeTrainingJob(job: DescribeTrainingJobResponse): string[] {
  const instances = instanceCount(job);
  const lines = [
    `Training job ${job.TrainingJobName}: ${job.TrainingJobStatus}${job.SecondaryStatus && job.SecondaryStatus !== job.TrainingJobStatus ? ` (${job.SecondaryStatus})` : ''}`,
  ];
  if (job.FailureReason) lines.push(`FailureReason: ${job.FailureReason}`);
  if (job.TrainingTimeInSeconds !== undefined) lines.push(`Training seconds: ${job.TrainingTimeInSeconds * instances}`);
  if (job.BillableTimeInSeconds !== undefined) lines.push(`Billable seconds: ${job.BillableTimeInSeconds * instances}`);
  if (job.EnableManagedSpotTraining && job.TrainingTimeInSeconds && job.BillableTimeInSeconds !== undefined) {
    lines.push(`Managed spot training savings: ${((1 - job.BillableTimeInSeconds / job.TrainingTimeInSeconds) * 100).toFixed(1)}%`);
  }
  if (job.ModelArtifacts?.S3ModelArtifacts) lines.push(`Model artifact: ${job.ModelArtifacts.S3ModelArtifacts}`);
  return lines;
}

export function instanceCount(job: DescribeTrainingJobResponse): number {
  const groups = job.ResourceConfig?.InstanceGroups ?? [];
  return groups.length > 0 ? groups.reduce((sum, group) => sum + (group.InstanceCount ?? 0), 0) : (job.ResourceConfig?.InstanceCount ?? 1);
}

/** `2026-11-26 10:04:45 Training - Downloading the training image...`, as the SDK prints transitions. */
export function statusLine(time: Date | undefined, secondaryStatus: string, message: string): string {
  const stamp = (time ?? new Date())
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, '');
  return `${stamp} ${secondaryStatus}${message ? ` - ${message}` : ''}`;
}
