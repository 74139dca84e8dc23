import type { HostingService } from './hosting';
import type { ServiceModel } from './models';
import { validateInput } from './modelValidator';
import { AwsError, type Protocol, type RawRequest } from './protocol';

/** The path of InvokeEndpoint (REST-JSON), which is how its requests are told from SageMaker's: both are signed for "sagemaker". */
export const INVOCATIONS_PATH = /^\/endpoints\/([^/]+)\/invocations$/;

/** How long the emulator waits for a container's answer: SageMaker's 60 s (https://docs.aws.amazon.com/sagemaker/latest/dg/your-algorithms-inference-code.html). */
const INVOCATION_TIMEOUT_MS = 60_000;

/**
 * SageMaker Runtime's InvokeEndpoint, proxied to the endpoint's container: a 2xx answer comes back
 * as it is; any other becomes a ModelError (424) carrying the container's status and body, as
 * SageMaker answers it ("Received server error (500) from primary with message …").
 */
export function runtimeProtocol(model: ServiceModel, hosting: HostingService, where: { region: string; accountId: string }): Protocol {
  return {
    service: 'sagemaker-runtime',
    unrecognized: new AwsError('UnrecognizedClientException', 'The security token included in the request is invalid.', 403),
    expired: new AwsError('ExpiredTokenException', 'The security token included in the request is expired', 403),
    invalid: (code, message) => new AwsError(code === 'ValidationException' ? 'ValidationError' : code, message, code === 'InternalFailure' ? 500 : 400),
    parse(request) {
      const match = INVOCATIONS_PATH.exec(request.url.pathname);
      if (request.method !== 'POST' || !match) {
        throw new AwsError('UnknownOperationException', `Unknown operation ${request.method} ${request.url.pathname}`, 404);
      }
      const header = (name: string): string | undefined => {
        const value = request.headers[name];
        return typeof value === 'string' ? value : undefined;
      };
      const input = Object.fromEntries(
        Object.entries({
          EndpointName: decodeURIComponent(match[1]),
          Body: request.body.toString('base64'),
          ContentType: header('content-type'),
          Accept: header('accept'),
          CustomAttributes: header('x-amzn-sagemaker-custom-attributes'),
          TargetModel: header('x-amzn-sagemaker-target-model'),
        }).filter(([, value]) => value !== undefined),
      );
      return {
        service: 'sagemaker-runtime',
        operation: 'InvokeEndpoint',
        input,
        issues: validateInput(model, 'InvokeEndpoint', input),
        run: () => invoke(hosting, input.EndpointName as string, request, where),
      };
    },
    error(error, request) {
      return {
        status: error.status,
        headers: { 'content-type': 'application/json', 'x-amzn-errortype': error.code, 'x-amzn-requestid': request.requestId },
        body: JSON.stringify({ ...(error.code === 'ModelError' ? {} : { message: error.message }), Message: error.message, ...error.fields }),
      };
    },
  };
}

async function invoke(hosting: HostingService, name: string, request: RawRequest, where: { region: string; accountId: string }) {
  const { state, url } = hosting.invocable(name);
  const forwarded: Record<string, string> = {};
  for (const header of ['content-type', 'accept', 'x-amzn-sagemaker-custom-attributes', 'x-amzn-sagemaker-target-model']) {
    const value = request.headers[header];
    if (typeof value === 'string') forwarded[header] = value;
  }
  const answer = await fetch(`${url}/invocations`, {
    method: 'POST',
    headers: forwarded,
    body: request.body,
    signal: AbortSignal.timeout(INVOCATION_TIMEOUT_MS),
  });
  const body = Buffer.from(await answer.arrayBuffer());
  if (answer.status < 200 || answer.status > 299) {
    const kind = answer.status < 500 ? 'client' : 'server';
    const group = `/aws/sagemaker/Endpoints/${state.name}`;
    throw new ModelError(
      `Received ${kind} error (${answer.status}) from primary with message "${body.toString('utf8')}". See https://${where.region}.console.aws.amazon.com/cloudwatch/home?region=${where.region}#logEventViewer:group=${group} in account ${where.accountId} for more information.`,
      answer.status,
      body.toString('utf8'),
      `arn:aws:logs:${where.region}:${where.accountId}:log-group:${group}`,
    );
  }
  const headers: Record<string, string> = { 'x-amzn-invoked-production-variant': 'AllTraffic' };
  const type = answer.headers.get('content-type');
  if (type) headers['content-type'] = type;
  const attributes = answer.headers.get('x-amzn-sagemaker-custom-attributes');
  if (attributes) headers['x-amzn-sagemaker-custom-attributes'] = attributes;
  return { status: 200, headers, body };
}

/** A ModelError as SageMaker Runtime sends it: 424, the container's status and answer in the body. */
class ModelError extends AwsError {
  constructor(message: string, status: number, original: string, logGroupArn: string) {
    super('ModelError', message, 424);
    Object.assign(this, { fields: { OriginalStatusCode: status, OriginalMessage: original, LogStreamArn: logGroupArn } });
  }
}
