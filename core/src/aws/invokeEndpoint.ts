// CONTRACT STUB (lead): the "deploy" work replaces the body with SageMaker Runtime's InvokeEndpoint.
import type { InvocationRequest, InvocationResponse } from '../serving/invocation';
import type { AwsTarget } from './awsTarget';

/** InvokeEndpoint on `endpointName`; a ModelError's container status and body come back as a response, not an error. */
export async function invokeEndpoint(target: AwsTarget, endpointName: string, request: InvocationRequest): Promise<InvocationResponse> {
  void target;
  void endpointName;
  void request;
  throw new Error('not implemented yet');
}
