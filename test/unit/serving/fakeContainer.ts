// An in-process HTTP server standing in for a serving container: records what it was sent,
// counts requests in flight, and answers as the test says.
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SeenRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: Buffer;
}

export interface FakeContainer {
  readonly url: string;
  readonly seen: SeenRequest[];
  /** The most requests that were in flight at once. */
  readonly maxInFlight: () => number;
  close(): Promise<void>;
}

export type Answer = { status: number; body?: string | Buffer; contentType?: string } | 'never';

/** Starts the server on a free port of 127.0.0.1; `answer` decides each reply (async: it may wait). */
export async function fakeContainer(answer: (request: SeenRequest) => Answer | Promise<Answer>): Promise<FakeContainer> {
  const seen: SeenRequest[] = [];
  let inFlight = 0;
  let most = 0;
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const entry = { method: request.method ?? '', path: request.url ?? '', headers: request.headers, body: Buffer.concat(chunks) };
      if (entry.path === '/invocations' || entry.path.endsWith('/invoke')) {
        inFlight += 1;
        most = Math.max(most, inFlight);
      }
      seen.push(entry);
      void Promise.resolve(answer(entry)).then((reply) => {
        if (reply === 'never') return;
        if (entry.path === '/invocations' || entry.path.endsWith('/invoke')) inFlight -= 1;
        response.writeHead(reply.status, { 'Content-Type': reply.contentType ?? 'text/plain' });
        response.end(reply.body ?? '');
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    maxInFlight: () => most,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** An answer that echoes the body in upper case, as the fixture container does. */
export function echo(request: SeenRequest): Answer {
  if (request.path === '/execution-parameters') return { status: 404 };
  return { status: 200, body: request.body.toString('utf8').toUpperCase() };
}
