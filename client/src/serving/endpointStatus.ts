// How an endpoint of the Endpoints view looks: its status icon, description and tooltip, and where
// its logs are. Pure, so that node:test checks it without VS Code.
import type { EndpointRow } from './servingTypes';

/**
 * Statuses that change by themselves: while one is listed, the view reads the list again.
 * EndpointStatus values: https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_DescribeEndpoint.html
 */
export const CHANGING_STATUSES: ReadonlySet<string> = new Set(['Creating', 'Updating', 'SystemUpdating', 'RollingBack', 'Deleting']);

/** A codicon and, when the status needs one, a theme color. */
export interface StatusIcon {
  readonly id: string;
  readonly color?: string;
}

const ERROR = 'problemsErrorIcon.foreground';
const WARNING = 'problemsWarningIcon.foreground';

const ICONS: Readonly<Record<string, StatusIcon>> = {
  InService: { id: 'pass', color: 'testing.iconPassed' },
  Creating: { id: 'loading~spin' },
  Updating: { id: 'sync~spin' },
  SystemUpdating: { id: 'sync~spin' },
  RollingBack: { id: 'discard', color: WARNING },
  Deleting: { id: 'trash' },
  OutOfService: { id: 'circle-slash', color: WARNING },
  Failed: { id: 'error', color: ERROR },
  UpdateRollbackFailed: { id: 'error', color: ERROR },
};

export function endpointStatusIcon(status: string): StatusIcon {
  return ICONS[status] ?? { id: 'question' };
}

/** "ml.m5.large × 2" or "serverless, 2048 MB, 5 concurrent", when known. */
export function capacityText(row: EndpointRow): string | undefined {
  if (row.serverless) return `serverless, ${row.serverless.memorySizeInMB} MB, ${row.serverless.maxConcurrency} concurrent`;
  if (row.instance) return `${row.instance.type} × ${row.instance.count}`;
  return undefined;
}

/** The text beside the name: status and capacity. */
export function endpointDescription(row: EndpointRow): string {
  const capacity = capacityText(row);
  return capacity ? `${row.status} · ${capacity}` : row.status;
}

/** The tooltip: name, status, a failure's reason, capacity, creation time and region. */
export function endpointTooltip(row: EndpointRow, region: string): string {
  const lines = [`${row.name}: ${row.status}`];
  if (row.failureReason) lines.push(`Failure reason: ${row.failureReason}`);
  const capacity = capacityText(row);
  if (capacity) lines.push(`Capacity: ${capacity}`);
  if (row.creationTime) lines.push(`Created: ${row.creationTime.toISOString()}`);
  lines.push(`Region: ${region}`);
  return lines.join('\n');
}

/**
 * The CloudWatch console page of /aws/sagemaker/Endpoints/<name>, the log group of an endpoint's
 * containers (https://docs.aws.amazon.com/sagemaker/latest/dg/logging-cloudwatch.html). The
 * console reads the group from the URL's fragment, percent-encoded twice with "$" for "%".
 */
export function endpointLogsUrl(region: string, name: string): string {
  const group = encodeURIComponent(`/aws/sagemaker/Endpoints/${name}`).replace(/%/g, '$25');
  return `https://${region}.console.aws.amazon.com/cloudwatch/home?region=${region}#logsV2:log-groups/log-group/${group}`;
}

/** The modal question before a deletion: the endpoint, what goes with it, and that billing stops. */
export function deletionQuestion(name: string, region: string): { readonly message: string; readonly detail: string } {
  return {
    message: `Delete the endpoint ${name} in ${region}?`,
    detail: `Its endpoint configuration and model go with it. Deleting stops the billing of its instances; requests to ${name} fail from then on. This cannot be undone.`,
  };
}

/** The message after a deletion, naming what was deleted and what was already gone, as smct delete prints them. */
export function deletionMessage(outcome: { readonly deleted: readonly string[]; readonly notes: readonly string[] }): string {
  const deleted = outcome.deleted.length > 0 ? `Deleted ${outcome.deleted.join(', ')}.` : 'Nothing was left to delete.';
  return [deleted, ...outcome.notes, 'Billing stops once SageMaker has removed the endpoint (it shows Deleting meanwhile).'].join(' ');
}
