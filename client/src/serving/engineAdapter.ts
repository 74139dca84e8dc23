// The one file that binds the serving UI to the engine: local serving and invoking from core,
// SageMaker's endpoints from the AWS half, loaded on first use.
import { invokeLocal, loadAws, startLocalEndpoint } from '../../../core/src';
import { endpointLogsUrl } from './endpointStatus';
import type { EndpointRow, EndpointsBackend, ServingEngine } from './servingTypes';

export function servingEngine(): ServingEngine {
  return { startLocalEndpoint, invokeLocal };
}

/** SageMaker endpoints: ListEndpoints, and DescribeEndpoint for the failed ones, whose reason the view shows. */
export function endpointsBackend(): EndpointsBackend {
  return {
    list: async (clients, signal) => {
      const aws = loadAws();
      const summaries = await aws.listEndpoints(clients, { signal });
      return Promise.all(
        summaries.map(async (summary): Promise<EndpointRow> => {
          const row = { name: summary.EndpointName ?? '', status: summary.EndpointStatus ?? 'Unknown', creationTime: summary.CreationTime };
          if (row.status !== 'Failed') return row;
          const described = await aws.describeEndpoint(clients, row.name, signal).catch(() => undefined);
          return { ...row, failureReason: described?.FailureReason };
        }),
      );
    },
    delete: (clients, name) => loadAws().deleteEndpoint(clients, name),
    invoke: (clients, name, request) => loadAws().invokeEndpoint(clients.target, name, request),
    logsUrl: endpointLogsUrl,
  };
}
