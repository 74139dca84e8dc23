// The one file that binds the serving UI to the engine. The local endpoint, the local invoker and
// the AWS endpoint calls are written in parallel with this UI: until they are merged, what does
// not exist yet throws "not available yet" (the lead rewires this file after the merge).
import { SmctError, loadAws } from '../../../core/src';
import { endpointLogsUrl } from './endpointStatus';
import type { EndpointsBackend, ServingEngine } from './servingTypes';

function notAvailable(what: string): never {
  throw new SmctError('USAGE', `${what} is not available yet in this build of SageMaker Container Tools.`);
}

/**
 * Local serving. Expects from core/src (its index): startLocalEndpoint(job, options) of
 * core/src/serving/localEndpoint.ts, and invokeLocal(url, request, { signal }).
 */
export function servingEngine(): ServingEngine {
  return {
    startLocalEndpoint: async () => notAvailable('Serving a model locally'),
    invokeLocal: async () => notAvailable('Invoking a local endpoint'),
  };
}

/**
 * SageMaker endpoints through the AWS half (loadAws()): InvokeEndpoint is there; listing and
 * deleting endpoints are not yet.
 */
export function endpointsBackend(): EndpointsBackend {
  return {
    list: async () => notAvailable('Listing endpoints'),
    delete: async () => notAvailable('Deleting an endpoint'),
    invoke: (clients, name, request) => loadAws().invokeEndpoint(clients.target, name, request),
    logsUrl: endpointLogsUrl,
  };
}
