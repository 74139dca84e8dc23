// SageMaker Runtime's InvokeEndpoint, answering as the local endpoint does (serving/invocation.ts).
import { InvokeEndpointCommand } from '@aws-sdk/client-sagemaker-runtime';
import { checkPayloadSize, type InvocationRequest, type InvocationResponse } from '../serving/invocation';
import { AwsClients } from './awsClients';
import type { AwsTarget } from './awsTarget';
import { errorName, explainAwsError } from './awsErrors';
import { SmctError } from '../errors';

/** What the SDK's ModelError carries: the container's own status and answer (https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_runtime_InvokeEndpoint.html). */
interface ModelErrorFields {
  readonly OriginalStatusCode?: number;
  readonly OriginalMessage?: string;
}

/** InvokeEndpoint on `endpointName`; a ModelError's container status and body come back as a response, not an error. */
export async function invokeEndpoint(target: AwsTarget, endpointName: string, request: InvocationRequest): Promise<InvocationResponse> {
  checkPayloadSize(request.body.length, 'The request body');
  const clients = new AwsClients(target);
  const started = Date.now();
  try {
    const answer = await clients.runtime.send(
      new InvokeEndpointCommand({
        EndpointName: endpointName,
        Body: request.body,
        ContentType: request.contentType,
        Accept: request.accept,
        CustomAttributes: request.customAttributes,
        TargetModel: request.targetModel,
      }),
    );
    return {
      status: 200,
      contentType: answer.ContentType,
      body: Buffer.from(answer.Body ?? new Uint8Array()),
      milliseconds: Date.now() - started,
      invokedVariant: answer.InvokedProductionVariant,
    };
  } catch (error) {
    // SageMaker Runtime names its refusals ValidationError ("Endpoint x of account y not found."), not ValidationException.
    if (errorName(error) === 'ValidationError') throw new SmctError('AWS_INVALID', `InvokeEndpoint was refused: ${(error as Error).message}`);
    if (errorName(error) !== 'ModelError') throw explainAwsError(error, 'InvokeEndpoint', target);
    // The container answered with an error of its own: that answer is what the user wants to see.
    const failure = error as ModelErrorFields & Error;
    return {
      status: failure.OriginalStatusCode ?? 424,
      body: Buffer.from(failure.OriginalMessage ?? failure.message, 'utf8'),
      milliseconds: Date.now() - started,
    };
  } finally {
    clients.destroy();
  }
}
