import type { ServiceModel, ServiceName } from './models';
import { validateInput, validateValue } from './modelValidator';
import { AwsError, type Protocol, type RawRequest, type Reply } from './protocol';

/** A JSON operation's implementation: the validated input in, the output object out (or an AwsError thrown). */
export type JsonHandler = (input: Record<string, unknown>, request: RawRequest) => unknown;

const CONTENT_TYPE = 'application/x-amz-json-1.1';

/**
 * AWS JSON 1.1 (SageMaker, ECR, CloudWatch Logs): `POST /`, `X-Amz-Target: <prefix>.<Operation>`,
 * a JSON body; errors are 400 with `{"__type": code, "message": …}` and `x-amzn-ErrorType`, from
 * which the SDK takes the error's name.
 */
export function jsonProtocol(service: ServiceName, model: ServiceModel, handlers: Readonly<Record<string, JsonHandler>>): Protocol {
  const prefix = model.metadata.targetPrefix as string;
  return {
    service,
    unrecognized: new AwsError('UnrecognizedClientException', 'The security token included in the request is invalid.', 400),
    expired: new AwsError('ExpiredTokenException', 'The security token included in the request is expired', 400),
    invalid: (code, message) => new AwsError(code, message, code === 'InternalFailure' ? 500 : 400),
    parse(request) {
      const target = String(request.headers['x-amz-target'] ?? '');
      const operation = target.slice(target.lastIndexOf('.') + 1);
      if (request.method !== 'POST' || target !== `${prefix}.${operation}` || !model.operations[operation]) {
        throw new AwsError('UnknownOperationException', `Unknown operation ${request.method} ${target || '(no X-Amz-Target)'}`);
      }
      const type = String(request.headers['content-type'] ?? '');
      if (!type.startsWith(CONTENT_TYPE)) throw new AwsError('SerializationException', `Expected Content-Type ${CONTENT_TYPE}, got ${type || 'none'}`);
      const input = parseJson(request.body);
      return {
        service,
        operation,
        input,
        issues: validateInput(model, operation, input),
        run: async () => reply(await implementation(handlers, service, operation)(input as Record<string, unknown>, request), model, operation),
      };
    },
    error(error, request) {
      // The services' own exception shapes carry `Message` (SageMaker) or `message` (ECR, Logs): the SDK reads either.
      const key = model.shapes[error.code]?.members?.Message ? 'Message' : 'message';
      return {
        status: error.status,
        headers: { 'content-type': CONTENT_TYPE, 'x-amzn-errortype': error.code, 'x-amzn-requestid': request.requestId },
        body: JSON.stringify({ __type: error.code, [key]: error.message, ...error.fields }),
      };
    },
  };
}

function parseJson(body: Buffer): unknown {
  if (body.length === 0) return {};
  try {
    return JSON.parse(body.toString('utf8'));
  } catch (error) {
    throw new AwsError('SerializationException', `The request body is not JSON: ${(error as Error).message}`);
  }
}

function implementation(handlers: Readonly<Record<string, JsonHandler>>, service: ServiceName, operation: string): JsonHandler {
  const handler = handlers[operation];
  if (!handler) throw new AwsError('UnknownOperationException', `The AWS emulator does not implement ${service} ${operation}.`);
  return handler;
}

/**
 * The output is checked against the model too: a member the shape lacks or a value of the wrong
 * type is a bug of the emulator, which would otherwise teach the product a response AWS never gives.
 */
function reply(output: unknown, model: ServiceModel, operation: string): Reply {
  const shape = model.operations[operation].output?.shape;
  const body = output ?? {};
  if (shape) {
    const wrong = validateValue(model, shape, body, '').filter((issue) => issue.kind === 'type' || issue.kind === 'unknown-member');
    if (wrong.length > 0) {
      throw new AwsError('InternalFailure', `The emulator's ${operation} output breaks the model: ${wrong.map((issue) => issue.message).join('; ')}`, 500);
    }
  }
  return { status: 200, headers: { 'content-type': CONTENT_TYPE }, body: JSON.stringify(body) };
}
