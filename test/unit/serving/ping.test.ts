import assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, describe, test } from 'node:test';
import { isSmctError } from '../../../core/src/errors';
import { pingOnce } from '../../../core/src/serving/ping';

/** A server on 127.0.0.1 whose /ping does what `handle` says; closed (with its sockets) after the tests. */
async function server(handle: (response: http.ServerResponse, socket: import('node:net').Socket) => void): Promise<{ url: string; requests: () => number }> {
  let requests = 0;
  const created = http.createServer((request, response) => {
    requests++;
    handle(response, request.socket);
  });
  created.on('connection', (socket) => created.once('close', () => socket.destroy()));
  await new Promise<void>((resolve) => created.listen(0, '127.0.0.1', resolve));
  servers.push(created);
  return { url: `http://127.0.0.1:${(created.address() as AddressInfo).port}`, requests: () => requests };
}

const servers: http.Server[] = [];
const timers: NodeJS.Timeout[] = [];

after(() => {
  for (const timer of timers) clearInterval(timer);
  for (const created of servers) {
    created.closeAllConnections();
    created.close();
  }
});

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setImmediate(resolve));
}

describe('GET /ping, one attempt', () => {
  // A test that hangs fails here instead of holding the run: the old ping never ended on these.
  const bounded = { timeout: 20_000 };

  test('a status line of 200 is healthy, whatever the body does after it', bounded, async () => {
    const { url } = await server((response) => {
      response.writeHead(200, { 'Content-Type': 'text/plain' });
      response.write('.');
      timers.push(setInterval(() => response.write('.'), 50));
    });
    assert.equal(await pingOnce(url, 2_000), 200);
  });

  test('headers trickled a byte at a time: no answer once the timer runs out', bounded, async () => {
    const { url } = await server((_response, socket) => {
      const line = 'HTTP/1.1 200 OK\r\nX-Slow: ' + 'a'.repeat(10_000);
      let sent = 0;
      timers.push(setInterval(() => socket.write(line[sent++] ?? 'a'), 20));
    });
    assert.equal(await pingOnce(url, 300), undefined);
  });

  test('an abort during a ping that hangs: CANCELLED at once', bounded, async () => {
    const { url, requests } = await server(() => undefined);
    const controller = new AbortController();
    const attempt = pingOnce(url, 60_000, controller.signal);
    await until(() => requests() > 0);
    controller.abort();
    await assert.rejects(attempt, (error: Error) => isSmctError(error, 'CANCELLED'));
  });

  test('nothing listening: no answer', bounded, async () => {
    assert.equal(await pingOnce('http://127.0.0.1:1', 2_000), undefined);
  });
});
