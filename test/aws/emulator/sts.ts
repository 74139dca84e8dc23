import type { ServiceModel } from './models';
import { validateValue, type ValidationIssue } from './modelValidator';
import { AwsError, type Protocol, type RawRequest, type Reply, xmlDocument, xmlNode, xmlText } from './protocol';

const NAMESPACE = 'https://sts.amazonaws.com/doc/2011-06-15/';

export interface Identity {
  readonly accountId: string;
  readonly arn: string;
  readonly userId: string;
}

type QueryHandler = (input: Record<string, unknown>, request: RawRequest) => string;

/**
 * STS speaks awsQuery: a form-encoded POST (`Action=GetCallerIdentity&Version=2011-06-15`), an
 * XML `<Action>Response><Action>Result>` answer, and `<ErrorResponse>` for errors.
 */
export function stsProtocol(model: ServiceModel, identity: Identity): Protocol {
  const handlers: Readonly<Record<string, QueryHandler>> = {
    GetCallerIdentity: () => xmlText('UserId', identity.userId) + xmlText('Account', identity.accountId) + xmlText('Arn', identity.arn),
  };
  return {
    service: 'sts',
    unrecognized: new AwsError('InvalidClientTokenId', 'The security token included in the request is invalid.', 403),
    expired: new AwsError('ExpiredToken', 'The security token included in the request is expired', 400),
    invalid: (code, message) =>
      new AwsError(
        code === 'ValidationException' || code === 'SerializationException' ? 'ValidationError' : code,
        message,
        code === 'InternalFailure' ? 500 : 400,
      ),
    parse(request) {
      const params = new URLSearchParams(request.method === 'POST' ? request.body.toString('utf8') : request.url.search);
      const operation = params.get('Action') ?? '';
      const version = params.get('Version');
      if (!model.operations[operation] || version !== model.metadata.apiVersion) {
        throw new AwsError('InvalidAction', `Could not find operation ${operation} for version ${version ?? 'NO_VERSION_SPECIFIED'}`);
      }
      params.delete('Action');
      params.delete('Version');
      const shape = model.operations[operation].input?.shape;
      const { input, unknown } = shape ? decodeQuery(model, shape, params) : { input: {}, unknown: [...params.keys()] };
      const issues: ValidationIssue[] = unknown.map((name) => ({ kind: 'unknown-member', path: name, message: `${name} is not a parameter of ${operation}` }));
      if (shape) issues.push(...validateValue(model, shape, input, ''));
      return {
        service: 'sts',
        operation,
        input,
        issues,
        run: async (): Promise<Reply> => {
          const handler = handlers[operation];
          if (!handler) throw new AwsError('InvalidAction', `The AWS emulator does not implement STS ${operation}.`);
          const body = xmlDocument(
            `${operation}Response`,
            NAMESPACE,
            xmlNode(`${operation}Result`, handler(input, request)),
            xmlNode('ResponseMetadata', xmlText('RequestId', request.requestId)),
          );
          return { status: 200, headers: { 'content-type': 'text/xml' }, body };
        },
      };
    },
    error(error, request) {
      const body = xmlDocument(
        'ErrorResponse',
        NAMESPACE,
        xmlNode('Error', xmlText('Type', error.status >= 500 ? 'Receiver' : 'Sender'), xmlText('Code', error.code), xmlText('Message', error.message)),
        xmlText('RequestId', request.requestId),
      );
      return { status: error.status, headers: { 'content-type': 'text/xml', 'x-amzn-requestid': request.requestId }, body };
    },
  };
}

/**
 * awsQuery's flattened parameters (`Tags.member.1.Key=…`) back into the input structure, guided by
 * the model; parameters no member claims are returned as unknown.
 */
function decodeQuery(model: ServiceModel, shapeName: string, params: URLSearchParams): { input: Record<string, unknown>; unknown: string[] } {
  const consumed = new Set<string>();
  const decode = (name: string, prefix: string): unknown => {
    const shape = model.shapes[name];
    const present = (key: string): boolean => [...params.keys()].some((param) => param === key || param.startsWith(`${key}.`));
    if (shape.type === 'structure') {
      const value: Record<string, unknown> = {};
      for (const [member, ref] of Object.entries(shape.members ?? {})) {
        const key = prefix ? `${prefix}.${ref.locationName ?? member}` : (ref.locationName ?? member);
        if (present(key)) value[member] = decode(ref.shape, key);
      }
      return value;
    }
    if (shape.type === 'list') {
      consumed.add(prefix);
      const indices = [...new Set([...params.keys()].flatMap((param) => param.match(new RegExp(`^${escape(prefix)}\\.member\\.(\\d+)(?:\\.|$)`))?.[1] ?? []))];
      return indices.sort((a, b) => Number(a) - Number(b)).map((index) => decode((shape.member as { shape: string }).shape, `${prefix}.member.${index}`));
    }
    consumed.add(prefix);
    const raw = params.get(prefix) as string;
    if (shape.type === 'integer' || shape.type === 'long') return /^-?\d+$/.test(raw) ? Number(raw) : raw;
    if (shape.type === 'boolean') return raw === 'true' ? true : raw === 'false' ? false : raw;
    return raw;
  };
  const input = decode(shapeName, '') as Record<string, unknown>;
  return { input, unknown: [...params.keys()].filter((key) => !consumed.has(key)) };
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
