import { createHash } from 'node:crypto';
import type * as http from 'node:http';
import * as zlib from 'node:zlib';
import { AwsError } from './protocol';

/** A checksum S3 keeps with an object, by the SDK's algorithm name, base64 as in `x-amz-checksum-*`. */
export interface Checksum {
  readonly algorithm: string;
  readonly value: string;
}

export interface Payload {
  readonly bytes: Buffer;
  readonly checksum?: Checksum;
  /** Content-Encoding without the `aws-chunked` framing, which is the transfer's and not the object's. */
  readonly contentEncoding?: string;
}

const ALGORITHMS = ['crc32', 'crc32c', 'crc64nvme', 'sha1', 'sha256'];

/**
 * The object's bytes from a PUT body, as S3 reads them: the SDK streams bodies of unknown length as
 * `aws-chunked` frames with the checksum in a trailer (`STREAMING-UNSIGNED-PAYLOAD-TRAILER`), and
 * sends known ones plain with `x-amz-checksum-*`. Every checksum and length the request states is
 * verified, so a body that did not survive the trip is refused as S3 refuses it.
 */
export function readPayload(headers: http.IncomingHttpHeaders, raw: Buffer): Payload {
  const sha = header(headers, 'x-amz-content-sha256');
  const encodings = (header(headers, 'content-encoding') ?? '')
    .split(',')
    .map((value) => value.trim())
    .filter(Boolean);
  const chunked = encodings.includes('aws-chunked') || sha?.startsWith('STREAMING-') === true;
  const { bytes, trailers } = chunked ? decodeAwsChunked(raw) : { bytes: raw, trailers: {} as Record<string, string> };
  if (chunked) {
    const declared = header(headers, 'x-amz-decoded-content-length');
    if (declared !== undefined && Number(declared) !== bytes.length) {
      throw new AwsError(
        'IncompleteBody',
        `You did not provide the number of bytes specified by x-amz-decoded-content-length (${declared}); got ${bytes.length}.`,
      );
    }
  } else if (sha !== undefined && /^[0-9a-f]{64}$/.test(sha) && createHash('sha256').update(bytes).digest('hex') !== sha) {
    throw new AwsError('XAmzContentSHA256Mismatch', "The provided 'x-amz-content-sha256' header does not match what was computed.");
  }
  const md5 = header(headers, 'content-md5');
  if (md5 !== undefined && createHash('md5').update(bytes).digest('base64') !== md5) {
    throw new AwsError('BadDigest', 'The Content-MD5 you specified did not match what we received.');
  }
  const checksum = statedChecksum(headers, trailers);
  if (checksum) {
    const computed = computeChecksum(checksum.algorithm, bytes);
    if (computed !== undefined && computed !== checksum.value) {
      throw new AwsError('BadDigest', `The ${checksum.algorithm.toUpperCase()} you specified did not match the calculated checksum.`);
    }
  }
  const rest = encodings.filter((value) => value !== 'aws-chunked');
  return { bytes, checksum, contentEncoding: rest.length > 0 ? rest.join(',') : undefined };
}

export function header(headers: http.IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(',') : value;
}

function statedChecksum(headers: http.IncomingHttpHeaders, trailers: Record<string, string>): Checksum | undefined {
  for (const algorithm of ALGORITHMS) {
    const value = trailers[`x-amz-checksum-${algorithm}`] ?? header(headers, `x-amz-checksum-${algorithm}`);
    if (value !== undefined) return { algorithm, value };
  }
  return undefined;
}

/** `<hex size>[;chunk-signature=…]\r\n<bytes>\r\n` … `0\r\n`, then `name:value\r\n` trailers and an empty line. */
export function decodeAwsChunked(raw: Buffer): { bytes: Buffer; trailers: Record<string, string> } {
  const chunks: Buffer[] = [];
  const malformed = (why: string): AwsError => new AwsError('InvalidRequest', `Malformed aws-chunked body: ${why}`);
  let position = 0;
  for (;;) {
    const lineEnd = raw.indexOf('\r\n', position);
    if (lineEnd === -1) throw malformed(`no chunk header at byte ${position}`);
    const size = parseInt(raw.subarray(position, lineEnd).toString('latin1').split(';')[0], 16);
    if (!Number.isFinite(size) || size < 0) throw malformed(`bad chunk size at byte ${position}`);
    position = lineEnd + 2;
    if (size === 0) break;
    if (position + size + 2 > raw.length || raw.subarray(position + size, position + size + 2).toString('latin1') !== '\r\n') {
      throw malformed(`chunk of ${size} bytes at byte ${position} is cut short`);
    }
    chunks.push(raw.subarray(position, position + size));
    position += size + 2;
  }
  const trailers: Record<string, string> = {};
  for (const line of raw.subarray(position).toString('latin1').split('\r\n')) {
    if (line === '') continue;
    const colon = line.indexOf(':');
    if (colon === -1) throw malformed(`bad trailer ${JSON.stringify(line)}`);
    trailers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { bytes: Buffer.concat(chunks), trailers };
}

/** The base64 checksum by S3's algorithm name; undefined for one the emulator cannot compute (CRC64NVME). */
export function computeChecksum(algorithm: string, bytes: Buffer): string | undefined {
  const big = Buffer.alloc(4);
  switch (algorithm) {
    case 'crc32':
      big.writeUInt32BE(zlib.crc32(bytes));
      return big.toString('base64');
    case 'crc32c':
      big.writeUInt32BE(crc32c(bytes));
      return big.toString('base64');
    case 'sha1':
    case 'sha256':
      return createHash(algorithm).update(bytes).digest('base64');
    default:
      return undefined;
  }
}

let crc32cTable: Uint32Array | undefined;

/** CRC-32C (Castagnoli), which Node does not provide. */
function crc32c(bytes: Buffer): number {
  if (!crc32cTable) {
    crc32cTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0x82f63b78 ^ (c >>> 1) : c >>> 1;
      crc32cTable[n] = c >>> 0;
    }
  }
  let crc = 0xffffffff;
  for (const byte of bytes) crc = crc32cTable[(crc ^ byte) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}
