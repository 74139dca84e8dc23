// One HTTP exchange with a serving container on this machine, with node:http and nothing else:
// the container's answer whatever its status, a refused connection and a silent container as
// one-line errors. invokeLocal, the multi-model API and batch transform all speak through it.
import * as http from 'node:http';
import type { Readable } from 'node:stream';
import { SmctError } from '../errors';

export interface HttpAnswer {
  readonly status: number;
  readonly contentType?: string;
  readonly body: Buffer;
  readonly milliseconds: number;
}

export interface HttpExchange {
  readonly method: 'GET' | 'POST' | 'DELETE';
  /** The path and query, such as /invocations. */
  readonly path: string;
  /** A Buffer is sent with Content-Length; a stream with chunked transfer encoding. */
  readonly body?: Buffer | Readable;
  /** Exactly the headers sent, besides Host, Connection and the length. */
  readonly headers?: Readonly<Record<string, string>>;
  readonly timeoutMs: number;
  /** The timeout's message; default: the container did not answer within the time. */
  readonly timeoutMessage?: string;
  readonly signal?: AbortSignal;
  /** The most bytes of answer kept; more fails the exchange. Default MAX_ANSWER_BYTES. */
  readonly maxAnswerBytes?: number;
}

/**
 * The largest answer smct holds in memory for one invocation (the CLI and VS Code keep the whole
 * body): generous, as SageMaker documents no limit on a real-time endpoint's response.
 */
export const MAX_ANSWER_BYTES = 64 * 1024 * 1024;

/** The endpoint is not there: nothing listens on its port. */
export function noEndpoint(url: string): SmctError {
  return new SmctError('ENDPOINT_FAILED', `no local endpoint at ${url}: start one with smct serve --local.`);
}

/** Sends one request to `baseUrl` (http://127.0.0.1:<port>) and resolves with the whole answer. */
export function httpExchange(baseUrl: string, exchange: HttpExchange): Promise<HttpAnswer> {
  const started = Date.now();
  const target = new URL(exchange.path, baseUrl);
  return new Promise<HttpAnswer>((resolve, reject) => {
    if (exchange.signal?.aborted) {
      reject(new SmctError('CANCELLED', 'cancelled.'));
      return;
    }
    const headers: Record<string, string> = { ...exchange.headers };
    if (Buffer.isBuffer(exchange.body)) headers['Content-Length'] = String(exchange.body.length);
    else if (exchange.body) headers['Transfer-Encoding'] = 'chunked';
    else if (exchange.method === 'POST') headers['Content-Length'] = '0';
    let settled = false;
    // Declared before fail() so that fail() never meets an uninitialised timer or request.
    // eslint-disable-next-line prefer-const
    let timer: NodeJS.Timeout | undefined;
    let request: http.ClientRequest | undefined;
    const fail = (error: Error): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      exchange.signal?.removeEventListener('abort', onAbort);
      request?.destroy();
      reject(error);
    };
    const onAbort = (): void => fail(new SmctError('CANCELLED', 'cancelled.'));
    try {
      // http.request throws at once on a header value it cannot send (a line break, a character
      // past U+00FF): made before the timer starts, so that nothing is left running after it.
      request = http.request(target, { method: exchange.method, headers, agent: false }, (response) => {
        const chunks: Buffer[] = [];
        const cap = exchange.maxAnswerBytes ?? MAX_ANSWER_BYTES;
        let received = 0;
        response.on('data', (chunk: Buffer) => {
          received += chunk.length;
          if (received > cap) fail(answerTooLarge(baseUrl, exchange, cap));
          else chunks.push(chunk);
        });
        response.on('error', (error) => fail(answerBroken(baseUrl, error)));
        response.on('end', () => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          exchange.signal?.removeEventListener('abort', onAbort);
          const type = response.headers['content-type'];
          resolve({ status: response.statusCode ?? 0, contentType: type, body: Buffer.concat(chunks), milliseconds: Date.now() - started });
        });
      });
    } catch (error) {
      if (exchange.body && !Buffer.isBuffer(exchange.body)) exchange.body.destroy();
      reject(new SmctError('REQUEST_INVALID', `the request to ${baseUrl}${exchange.path} cannot be sent: ${(error as Error).message}.`));
      return;
    }
    // One timer for the whole exchange, as SageMaker counts the time to the end of the answer.
    timer = setTimeout(
      () =>
        fail(
          new SmctError(
            'ENDPOINT_FAILED',
            exchange.timeoutMessage ?? `the container at ${baseUrl} did not answer ${exchange.method} ${exchange.path} within ${exchange.timeoutMs / 1000} s.`,
          ),
        ),
      exchange.timeoutMs,
    );
    exchange.signal?.addEventListener('abort', onAbort, { once: true });
    request.on('error', (error: NodeJS.ErrnoException) => fail(error.code === 'ECONNREFUSED' ? noEndpoint(baseUrl) : answerBroken(baseUrl, error)));
    if (Buffer.isBuffer(exchange.body)) request.end(exchange.body);
    else if (exchange.body) {
      exchange.body.on('error', (error) => fail(new SmctError('TRANSFORM_FAILED', `could not read the request body: ${error.message}.`)));
      exchange.body.pipe(request);
    } else request.end();
  });
}

function answerBroken(url: string, error: NodeJS.ErrnoException): SmctError {
  // A container that closes the connection without an answer (it crashed, or its server died).
  return new SmctError('ENDPOINT_FAILED', `the container at ${url} closed the connection without an answer (${error.code ?? error.message}): see its log.`);
}

function answerTooLarge(url: string, exchange: HttpExchange, cap: number): SmctError {
  return new SmctError(
    'ENDPOINT_FAILED',
    `the container at ${url} answered ${exchange.method} ${exchange.path} with more than ${cap / 1024 / 1024} MiB, the most smct keeps of one answer: make the answer smaller.`,
  );
}
