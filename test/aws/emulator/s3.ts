import type { ServiceModel } from './models';
import { validateInput, type ValidationIssue } from './modelValidator';
import {
  AwsError,
  decodeToken,
  encodeToken,
  type ParsedCall,
  type Protocol,
  type RawRequest,
  type Reply,
  xmlDocument,
  xmlElements,
  xmlNode,
  xmlText,
  xmlUnescape,
} from './protocol';
import { header, readPayload } from './s3Body';
import { bucketNameProblem, type S3Object, S3Store } from './s3Store';

const NAMESPACE = 'http://s3.amazonaws.com/doc/2006-03-01/';
const OWNER_ID = '75aa57f09aa0c8caeab4f8c24e99d10f8e7faeebf76c078efc7c6caea54ba06a';

/** Query parameters that name a sub-resource: a request with one the emulator does not serve is NotImplemented, not a plain object call. */
const SUBRESOURCES = (
  'acl tagging versioning policy cors lifecycle website logging notification replication encryption versions attributes restore select retention ' +
  'legal-hold object-lock accelerate requestPayment ownershipControls publicAccessBlock analytics inventory metrics intelligent-tiering'
).split(' ');

interface Target {
  readonly bucket?: string;
  readonly key?: string;
  readonly query: URLSearchParams;
}

type Handler = (target: Target, request: RawRequest, input: Record<string, unknown>) => Reply;

/**
 * S3's REST protocol, path-style (`/<bucket>/<key>`, which the SDK uses for an IP endpoint): the
 * operation is found from the method, the path and the sub-resource; the input is rebuilt from
 * the model's header, query and URI members so that the model can validate it; errors are XML.
 */
export function s3Protocol(model: ServiceModel, store: S3Store, region: string): Protocol {
  const handlers = s3Handlers(store, region);
  return {
    service: 's3',
    unrecognized: new AwsError('InvalidAccessKeyId', 'The AWS Access Key Id you provided does not exist in our records.', 403),
    expired: new AwsError('ExpiredToken', 'The provided token has expired.', 400),
    invalid: (code, message) =>
      new AwsError(
        code === 'ValidationException' || code === 'SerializationException' ? 'InvalidArgument' : code,
        message,
        code === 'InternalFailure' ? 500 : 400,
      ),
    parse(request): ParsedCall {
      const target = parseTarget(request.url);
      const operation = route(request.method, target, header(request.headers, 'x-amz-copy-source') !== undefined);
      const input = restInput(model, operation, request, target);
      return {
        service: 's3',
        operation,
        input,
        issues: [...ruleIssues(target, operation), ...validateInput(model, operation, input, { allowUnknownMembers: true })],
        run: async () => {
          const handler = handlers[operation];
          if (!handler) throw new AwsError('NotImplemented', `The AWS emulator does not implement S3 ${operation}.`, 501);
          return handler(target, request, input);
        },
      };
    },
    error(error, request) {
      const headers = { 'content-type': 'application/xml', 'x-amz-request-id': request.requestId };
      // A HEAD answer has no body: the SDK names the error from the status (NotFound, Forbidden).
      if (request.method === 'HEAD') return { status: error.status, headers };
      const fields = Object.entries(error.fields).map(([name, value]) => xmlText(name, value));
      const body = `<?xml version="1.0" encoding="UTF-8"?>\n${xmlNode('Error', xmlText('Code', error.code), xmlText('Message', error.message), ...fields, xmlText('RequestId', request.requestId))}`;
      return { status: error.status, headers, body };
    },
  };
}

function parseTarget(url: URL): Target {
  const path = url.pathname.slice(1);
  const slash = path.indexOf('/');
  try {
    const bucket = decodeURIComponent(slash === -1 ? path : path.slice(0, slash));
    const key = slash === -1 ? undefined : decodeURIComponent(path.slice(slash + 1));
    return { bucket: bucket || undefined, key: key || undefined, query: url.searchParams };
  } catch {
    throw new AwsError('InvalidURI', "Couldn't parse the specified URI.");
  }
}

/** The operation a REST request is, as the model names it. */
function route(method: string, { bucket, key, query }: Target, copy: boolean): string {
  const unsupported = SUBRESOURCES.find((name) => query.has(name));
  if (unsupported) throw new AwsError('NotImplemented', `The AWS emulator does not implement the S3 sub-resource ?${unsupported}.`, 501);
  if (!bucket) {
    if (method === 'GET') return 'ListBuckets';
  } else if (!key) {
    if (method === 'HEAD') return 'HeadBucket';
    if (method === 'PUT') return 'CreateBucket';
    if (method === 'DELETE') return 'DeleteBucket';
    if (method === 'GET') {
      return query.has('location')
        ? 'GetBucketLocation'
        : query.get('list-type') === '2'
          ? 'ListObjectsV2'
          : query.has('uploads')
            ? 'ListMultipartUploads'
            : 'ListObjects';
    }
    if (method === 'POST' && query.has('delete')) return 'DeleteObjects';
  } else {
    if (method === 'HEAD') return 'HeadObject';
    if (method === 'GET') return query.has('uploadId') ? 'ListParts' : 'GetObject';
    if (method === 'PUT' && query.has('partNumber')) return copy ? 'UploadPartCopy' : 'UploadPart';
    if (method === 'PUT') return copy ? 'CopyObject' : 'PutObject';
    if (method === 'POST' && query.has('uploads')) return 'CreateMultipartUpload';
    if (method === 'POST' && query.has('uploadId')) return 'CompleteMultipartUpload';
    if (method === 'DELETE') return query.has('uploadId') ? 'AbortMultipartUpload' : 'DeleteObject';
  }
  throw new AwsError('MethodNotAllowed', `The specified method ${method} is not allowed against this resource.`, 405);
}

/** S3's own rules, which its model does not state: bucket names and key length. */
function ruleIssues({ bucket, key }: Target, operation: string): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  // Naming rules apply to the buckets one makes; other calls on a bad name simply find no bucket.
  const problem = bucket !== undefined && operation === 'CreateBucket' ? bucketNameProblem(bucket) : undefined;
  if (problem) {
    issues.push({ kind: 'constraint', code: 'InvalidBucketName', path: 'Bucket', message: `The specified bucket is not valid. ${problem}: ${bucket}` });
  }
  if (key !== undefined && Buffer.byteLength(key) > 1024) {
    issues.push({ kind: 'constraint', code: 'KeyTooLongError', path: 'Key', message: 'Your key is too long' });
  }
  return issues;
}

/** The operation's input as the model describes it, from the URI, the query and the headers (the body is not kept). */
function restInput(model: ServiceModel, operation: string, request: RawRequest, target: Target): Record<string, unknown> {
  const shapeName = model.operations[operation].input?.shape;
  const input: Record<string, unknown> = {};
  for (const [name, ref] of Object.entries((shapeName && model.shapes[shapeName].members) || {})) {
    const location = ref.locationName ?? name;
    let raw: string | Record<string, string> | undefined;
    if (ref.location === 'uri') raw = location === 'Bucket' ? target.bucket : target.key;
    else if (ref.location === 'querystring') raw = target.query.get(location) ?? undefined;
    else if (ref.location === 'header') raw = header(request.headers, location.toLowerCase());
    else if (ref.location === 'headers') raw = prefixed(request, location.toLowerCase());
    if (raw !== undefined) input[name] = typeof raw === 'string' ? convert(model.shapes[ref.shape].type, raw) : raw;
  }
  if (operation === 'CreateBucket' && request.body.length > 0) input.CreateBucketConfiguration = bucketConfiguration(request.body);
  return input;
}

function prefixed(request: RawRequest, prefix: string): Record<string, string> | undefined {
  const entries = Object.keys(request.headers)
    .filter((name) => name.startsWith(prefix))
    .map((name) => [name.slice(prefix.length), header(request.headers, name) as string]);
  return entries.length > 0 ? Object.fromEntries(entries) : undefined;
}

/** A header or query string as the member's type; what cannot be converted stays a string, which the validator reports. */
function convert(type: string, raw: string): unknown {
  if (type === 'integer' || type === 'long') return /^-?\d+$/.test(raw) ? Number(raw) : raw;
  if (type === 'boolean') return raw === 'true' ? true : raw === 'false' ? false : raw;
  if (type === 'timestamp') return Number.isNaN(Date.parse(raw)) ? raw : Date.parse(raw) / 1000;
  if (type === 'list') return raw.split(',').map((item) => item.trim());
  return raw;
}

function bucketConfiguration(body: Buffer): Record<string, unknown> {
  const xml = body.toString('utf8');
  const location = xmlElements(xml, 'LocationConstraint')[0];
  return location === undefined ? {} : { LocationConstraint: xmlUnescape(location) };
}

function s3Handlers(store: S3Store, region: string): Readonly<Record<string, Handler>> {
  const xmlReply = (body: string, headers: Record<string, string> = {}): Reply => ({
    status: 200,
    headers: { 'content-type': 'application/xml', ...headers },
    body,
  });
  return {
    ListBuckets: () =>
      xmlReply(
        xmlDocument(
          'ListAllMyBucketsResult',
          NAMESPACE,
          xmlNode('Owner', xmlText('ID', OWNER_ID)),
          xmlNode(
            'Buckets',
            ...[...store.buckets.values()].map((bucket) =>
              xmlNode('Bucket', xmlText('Name', bucket.name), xmlText('CreationDate', bucket.createdAt.toISOString())),
            ),
          ),
        ),
      ),
    HeadBucket: ({ bucket }) => {
      const name = bucket as string;
      if (store.foreign.has(name)) throw new AwsError('Forbidden', 'Forbidden', 403);
      const found = store.bucket(name);
      return { status: 200, headers: { 'x-amz-bucket-region': found.region, 'x-amz-access-point-alias': 'false' } };
    },
    CreateBucket: ({ bucket }, _request, input) => createBucket(store, region, bucket as string, input),
    DeleteBucket: ({ bucket }) => {
      const found = store.bucket(bucket as string);
      if (found.objects.size > 0) throw new AwsError('BucketNotEmpty', 'The bucket you tried to delete is not empty', 409, { BucketName: found.name });
      store.buckets.delete(found.name);
      return { status: 204 };
    },
    GetBucketLocation: ({ bucket }) => {
      const found = store.bucket(bucket as string);
      // us-east-1 is reported as an empty constraint, as S3 always has.
      return xmlReply(
        `<?xml version="1.0" encoding="UTF-8"?>\n<LocationConstraint xmlns="${NAMESPACE}">${found.region === 'us-east-1' ? '' : found.region}</LocationConstraint>`,
      );
    },
    ListObjectsV2: ({ bucket }, _request, input) => xmlReply(listObjectsV2(store, bucket as string, input)),
    PutObject: ({ bucket, key }, request, input) => {
      store.bucket(bucket as string);
      const payload = readPayload(request.headers, request.body);
      const object = store.putObject(bucket as string, key as string, payload.bytes, {
        contentType: input.ContentType as string | undefined,
        contentEncoding: payload.contentEncoding,
        metadata: input.Metadata as Record<string, string> | undefined,
        checksum: payload.checksum,
      });
      return { status: 200, headers: { etag: object.etag, 'x-amz-server-side-encryption': 'AES256', ...checksumHeaders(object) } };
    },
    HeadObject: ({ bucket, key }, request) => objectReply(matching(store.getObject(bucket as string, key as string), request), undefined, false),
    GetObject: ({ bucket, key }, request) => {
      const object = matching(store.getObject(bucket as string, key as string), request);
      return objectReply(object, header(request.headers, 'range'), true, header(request.headers, 'x-amz-checksum-mode') === 'ENABLED');
    },
    DeleteObject: ({ bucket, key }) => {
      store.bucket(bucket as string).objects.delete(key as string);
      return { status: 204 };
    },
    CreateMultipartUpload: ({ bucket, key }, _request, input) => {
      const algorithm = input.ChecksumAlgorithm as string | undefined;
      const uploadId = store.createUpload(
        bucket as string,
        key as string,
        { contentType: input.ContentType as string | undefined, metadata: input.Metadata as Record<string, string> | undefined },
        algorithm,
        input.ChecksumType as string | undefined,
      );
      const headers: Record<string, string> = algorithm ? { 'x-amz-checksum-algorithm': algorithm } : {};
      return xmlReply(
        xmlDocument('InitiateMultipartUploadResult', NAMESPACE, xmlText('Bucket', bucket), xmlText('Key', key), xmlText('UploadId', uploadId)),
        headers,
      );
    },
    UploadPart: ({ bucket, key }, request, input) => {
      const partNumber = input.PartNumber;
      if (typeof partNumber !== 'number' || partNumber < 1 || partNumber > 10000) {
        throw new AwsError('InvalidArgument', 'Part number must be an integer between 1 and 10000, inclusive', 400, { ArgumentName: 'partNumber' });
      }
      const payload = readPayload(request.headers, request.body);
      const part = store.uploadPart(bucket as string, key as string, input.UploadId as string, partNumber, payload.bytes, payload.checksum);
      const headers: Record<string, string> = { etag: part.etag };
      if (payload.checksum) headers[`x-amz-checksum-${payload.checksum.algorithm}`] = payload.checksum.value;
      return { status: 200, headers };
    },
    CompleteMultipartUpload: ({ bucket, key }, request, input) => {
      const xml = request.body.toString('utf8');
      const parts = xmlElements(xml, 'Part').map((part) => ({
        partNumber: Number(xmlElements(part, 'PartNumber')[0]),
        etag: xmlUnescape(xmlElements(part, 'ETag')[0] ?? ''),
        checksum: ['ChecksumCRC32', 'ChecksumCRC32C', 'ChecksumSHA1', 'ChecksumSHA256', 'ChecksumCRC64NVME']
          .map((name) => xmlElements(part, name)[0])
          .find(Boolean),
      }));
      const stated = ['crc32', 'crc32c', 'sha1', 'sha256', 'crc64nvme'].find(
        (algorithm) => header(request.headers, `x-amz-checksum-${algorithm}`) !== undefined,
      );
      const object = store.completeUpload(
        bucket as string,
        key as string,
        input.UploadId as string,
        parts,
        stated ? { algorithm: stated, value: header(request.headers, `x-amz-checksum-${stated}`) as string } : undefined,
      );
      return xmlReply(
        xmlDocument(
          'CompleteMultipartUploadResult',
          NAMESPACE,
          xmlText('Location', `/${bucket}/${key}`),
          xmlText('Bucket', bucket),
          xmlText('Key', key),
          xmlText('ETag', object.etag),
        ),
        checksumHeaders(object),
      );
    },
    AbortMultipartUpload: ({ bucket, key }, _request, input) => {
      store.abortUpload(bucket as string, key as string, input.UploadId as string);
      return { status: 204 };
    },
  };
}

/**
 * CreateBucket as S3 answers it: the configuration must name the endpoint's region (and must not
 * name us-east-1); a bucket one already owns is BucketAlreadyOwnedByYou, except in us-east-1 where
 * S3 keeps its legacy 200.
 */
function createBucket(store: S3Store, region: string, name: string, input: Record<string, unknown>): Reply {
  if (store.foreign.has(name)) {
    throw new AwsError(
      'BucketAlreadyExists',
      'The requested bucket name is not available. The bucket namespace is shared by all users of the system. Please select a different name and try again.',
      409,
      { BucketName: name },
    );
  }
  const constraint = (input.CreateBucketConfiguration as { LocationConstraint?: string } | undefined)?.LocationConstraint;
  if (constraint === undefined ? region !== 'us-east-1' : constraint !== region || region === 'us-east-1') {
    const which = constraint === undefined ? 'unspecified' : constraint;
    throw new AwsError(
      'IllegalLocationConstraintException',
      `The ${which} location constraint is incompatible for the region specific endpoint this request was sent to.`,
    );
  }
  if (store.buckets.has(name)) {
    if (region === 'us-east-1') return { status: 200, headers: { location: `/${name}` } };
    throw new AwsError('BucketAlreadyOwnedByYou', 'Your previous request to create the named bucket succeeded and you already own it.', 409, {
      BucketName: name,
    });
  }
  store.createBucket(name, region);
  return { status: 200, headers: { location: `/${name}` } };
}

const isAfterToken = (state: unknown): state is { after: string } => typeof (state as { after?: unknown } | null)?.after === 'string';

/** ListObjectsV2 with prefix, delimiter (common prefixes count as keys), max-keys, start-after and continuation tokens. */
function listObjectsV2(store: S3Store, bucket: string, input: Record<string, unknown>): string {
  const prefix = (input.Prefix as string | undefined) ?? '';
  const delimiter = input.Delimiter as string | undefined;
  const maxKeys = (input.MaxKeys as number | undefined) ?? 1000;
  const token = input.ContinuationToken as string | undefined;
  const after = token
    ? decodeToken(
        token,
        isAfterToken,
        () => new AwsError('InvalidArgument', 'The continuation token provided is incorrect', 400, { ArgumentName: 'continuation-token' }),
      ).after
    : ((input.StartAfter as string | undefined) ?? '');
  const encode = input.EncodingType === 'url' ? (text: string) => encodeURIComponent(text).replace(/%2F/g, '/') : (text: string) => text;
  // Keys under one common prefix are contiguous in key order: they make one entry, marked by its last key.
  const entries: { object?: S3Object; common?: string; marker: string }[] = [];
  for (const object of store.list(bucket, prefix)) {
    const cut = delimiter ? object.key.indexOf(delimiter, prefix.length) : -1;
    const common = cut === -1 ? undefined : object.key.slice(0, cut + (delimiter as string).length);
    const previous = entries.at(-1);
    if (common !== undefined && previous?.common === common) previous.marker = object.key;
    else entries.push(common === undefined ? { object, marker: object.key } : { common, marker: object.key });
  }
  const remaining = entries.filter((entry) => entry.marker > after);
  const page = remaining.slice(0, maxKeys);
  const truncated = remaining.length > page.length;
  const contents = page.flatMap((entry) => (entry.object ? [entry.object] : []));
  const prefixes = page.flatMap((entry) => (entry.common !== undefined ? [entry.common] : []));
  const last = page.at(-1)?.marker ?? after;
  return xmlDocument(
    'ListBucketResult',
    NAMESPACE,
    xmlText('Name', bucket),
    xmlText('Prefix', encode(prefix)),
    delimiter ? xmlText('Delimiter', encode(delimiter)) : '',
    xmlText('MaxKeys', maxKeys),
    xmlText('KeyCount', contents.length + prefixes.length),
    xmlText('IsTruncated', truncated),
    token ? xmlText('ContinuationToken', token) : '',
    truncated ? xmlText('NextContinuationToken', encodeToken({ after: last })) : '',
    input.StartAfter !== undefined ? xmlText('StartAfter', encode(input.StartAfter as string)) : '',
    input.EncodingType !== undefined ? xmlText('EncodingType', input.EncodingType as string) : '',
    ...contents.map((object) =>
      xmlNode(
        'Contents',
        xmlText('Key', encode(object.key)),
        xmlText('LastModified', object.lastModified.toISOString()),
        xmlText('ETag', object.etag),
        object.checksum ? xmlText('ChecksumAlgorithm', object.checksum.algorithm.toUpperCase()) : '',
        xmlText('Size', object.bytes.length),
        xmlText('StorageClass', 'STANDARD'),
      ),
    ),
    ...prefixes.map((common) => xmlNode('CommonPrefixes', xmlText('Prefix', encode(common)))),
  );
}

/**
 * If-Match: the object only when its ETag is the one named (or "*"), else 412 PreconditionFailed,
 * as S3 answers (https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html#API_GetObject_RequestSyntax).
 */
function matching(object: S3Object, request: RawRequest): S3Object {
  const wanted = header(request.headers, 'if-match');
  if (wanted === undefined) return object;
  const etags = wanted.split(',').map((etag) => etag.trim());
  if (etags.includes('*') || etags.includes(object.etag)) return object;
  throw new AwsError('PreconditionFailed', 'At least one of the pre-conditions you specified did not hold', 412, { Condition: 'If-Match' });
}

function checksumHeaders(object: S3Object): Record<string, string> {
  if (!object.checksum) return {};
  return { [`x-amz-checksum-${object.checksum.algorithm}`]: object.checksum.value, 'x-amz-checksum-type': object.checksum.type };
}

/** An object's headers, and for GET its bytes (or the range asked for). The checksum is sent when asked for, on whole objects only. */
function objectReply(object: S3Object, range: string | undefined, withBody: boolean, withChecksum = false): Reply {
  const headers: Record<string, string | number> = {
    'content-type': object.contentType ?? 'binary/octet-stream',
    etag: object.etag,
    'last-modified': object.lastModified.toUTCString(),
    'accept-ranges': 'bytes',
    'x-amz-server-side-encryption': 'AES256',
  };
  if (object.contentEncoding) headers['content-encoding'] = object.contentEncoding;
  for (const [name, value] of Object.entries(object.metadata)) headers[`x-amz-meta-${name}`] = value;
  const size = object.bytes.length;
  const bounds = range === undefined ? undefined : parseRange(range, size);
  if (bounds) {
    headers['content-range'] = `bytes ${bounds[0]}-${bounds[1]}/${size}`;
    headers['content-length'] = bounds[1] - bounds[0] + 1;
    return { status: 206, headers, body: withBody ? object.bytes.subarray(bounds[0], bounds[1] + 1) : undefined };
  }
  if (withChecksum) Object.assign(headers, checksumHeaders(object));
  headers['content-length'] = size;
  return { status: 200, headers, body: withBody ? object.bytes : undefined };
}

function parseRange(range: string, size: number): [number, number] | undefined {
  const match = /^bytes=(\d*)-(\d*)$/.exec(range.trim());
  if (!match || (match[1] === '' && match[2] === '')) return undefined;
  const [start, end] =
    match[1] === '' ? [Math.max(0, size - Number(match[2])), size - 1] : [Number(match[1]), match[2] === '' ? size - 1 : Math.min(Number(match[2]), size - 1)];
  if (start >= size || start > end) {
    throw new AwsError('InvalidRange', 'The requested range is not satisfiable', 416, { RangeRequested: range, ActualObjectSize: String(size) });
  }
  return [start, end];
}
