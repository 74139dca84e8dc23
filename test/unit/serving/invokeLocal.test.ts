import assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, test } from 'node:test';
import { isSmctError } from '../../../core/src/errors';
import { MAX_PAYLOAD_BYTES } from '../../../core/src/serving/hostingContract';
import { invokeLocal, modelErrorMessage } from '../../../core/src/serving/invokeLocal';
import { MAX_ANSWER_BYTES, httpExchange } from '../../../core/src/serving/localHttp';
import { fakeContainer } from './fakeContainer';

/** A port nothing listens on: taken from the system, then released. */
async function freePort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('invokeLocal', () => {
  test('POSTs the body to /invocations with the headers SageMaker forwards, and returns the answer', async (t) => {
    const container = await fakeContainer((request) => ({ status: 200, body: `got ${request.body.toString()}`, contentType: 'application/json' }));
    t.after(() => container.close());
    const response = await invokeLocal(container.url, {
      body: Buffer.from('1,2,3'),
      contentType: 'text/csv',
      accept: 'application/json',
      customAttributes: 'trace=abc',
    });
    assert.equal(response.status, 200);
    assert.equal(response.contentType, 'application/json');
    assert.equal(response.body.toString(), 'got 1,2,3');
    assert.ok(response.milliseconds >= 0);
    const [seen] = container.seen;
    assert.equal(seen.method, 'POST');
    assert.equal(seen.path, '/invocations');
    assert.equal(seen.headers['content-type'], 'text/csv');
    assert.equal(seen.headers['accept'], 'application/json');
    assert.equal(seen.headers['x-amzn-sagemaker-custom-attributes'], 'trace=abc');
    assert.equal(seen.headers['content-length'], '5');
  });

  test('sends no header the request did not ask for', async (t) => {
    const container = await fakeContainer(() => ({ status: 200 }));
    t.after(() => container.close());
    await invokeLocal(container.url, { body: Buffer.from('x') });
    const names = Object.keys(container.seen[0].headers).sort();
    assert.deepEqual(names, ['connection', 'content-length', 'host']);
  });

  test('a 500 is a response, and modelErrorMessage says it in InvokeEndpoint words', async (t) => {
    const container = await fakeContainer(() => ({ status: 500, body: 'cannot score\nthis record' }));
    t.after(() => container.close());
    const response = await invokeLocal(container.url, { body: Buffer.from('FAIL') });
    assert.equal(response.status, 500);
    assert.equal(
      modelErrorMessage(response),
      'ModelError: Received server error (500) from primary with message "cannot score this record". See the container\'s log for more information.',
    );
    assert.match(modelErrorMessage({ status: 415, body: Buffer.alloc(0) }), /^ModelError: Received client error \(415\)/);
  });

  test('a container that never answers fails with a one-line ModelError after the timeout', async (t) => {
    const container = await fakeContainer(() => 'never');
    t.after(() => container.close());
    await assert.rejects(
      invokeLocal(container.url, { body: Buffer.from('x') }, { timeoutMs: 200 }),
      (error) =>
        isSmctError(error, 'ENDPOINT_FAILED') &&
        error.message ===
          `ModelError: the container at ${container.url} did not answer within 0.2 s, and SageMaker ends an invocation there ("Your model containers must respond to requests within 60 seconds"): make the model answer faster, or use batch transform.`,
    );
  });

  test('a refused connection says there is no local endpoint and how to start one', async () => {
    const url = `http://127.0.0.1:${await freePort()}`;
    await assert.rejects(
      invokeLocal(url, { body: Buffer.from('x') }),
      (error) => isSmctError(error, 'ENDPOINT_FAILED') && error.message === `no local endpoint at ${url}: start one with smct serve --local.`,
    );
  });

  test('a payload over 6 MiB is refused before it is sent', async (t) => {
    const container = await fakeContainer(() => ({ status: 200 }));
    t.after(() => container.close());
    await assert.rejects(invokeLocal(container.url, { body: Buffer.alloc(MAX_PAYLOAD_BYTES.realTime + 1) }), (error) => isSmctError(error, 'REQUEST_INVALID'));
    assert.equal(container.seen.length, 0);
    await invokeLocal(container.url, { body: Buffer.alloc(MAX_PAYLOAD_BYTES.realTime) });
    assert.equal(container.seen.length, 1);
  });

  test('a header value node:http cannot send is a one-line error, and leaves no timer behind', async () => {
    const timers = (): number => process.getActiveResourcesInfo().filter((kind) => kind === 'Timeout').length;
    const before = timers();
    await assert.rejects(
      httpExchange('http://127.0.0.1:9', {
        method: 'POST',
        path: '/invocations',
        headers: { 'X-Amzn-SageMaker-Custom-Attributes': 'a\nb' },
        timeoutMs: 60_000,
      }),
      (error) => isSmctError(error, 'REQUEST_INVALID') && /cannot be sent/.test(error.message) && !error.message.includes('\n'),
    );
    // A timer left running would later call destroy() on a request that was never made.
    assert.equal(timers(), before);
  });

  for (const [field, value, flag] of [
    ['customAttributes', 'line\nbreak', '--custom-attributes'],
    ['customAttributes', 'para\u2028graph', '--custom-attributes'],
    ['contentType', 'x'.repeat(1025), '--content-type'],
    ['accept', 'caf\u00e9', '--accept'],
    ['targetModel', ' model.tar.gz', '--target-model'],
  ] as const) {
    test(`${field} ${JSON.stringify(value.slice(0, 12))} is refused before anything is sent, naming ${flag}`, async (t) => {
      const container = await fakeContainer(() => ({ status: 200 }));
      t.after(() => container.close());
      await assert.rejects(
        invokeLocal(container.url, { body: Buffer.from('x'), [field]: value }),
        (error) => isSmctError(error, 'REQUEST_INVALID') && error.message.includes(flag) && !error.message.includes('\n'),
      );
      assert.equal(container.seen.length, 0);
    });
  }

  test('printable ASCII of 1024 characters is sent', async (t) => {
    const container = await fakeContainer(() => ({ status: 200 }));
    t.after(() => container.close());
    await invokeLocal(container.url, { body: Buffer.from('x'), customAttributes: 'a'.repeat(1024) });
    assert.equal(container.seen[0].headers['x-amzn-sagemaker-custom-attributes'], 'a'.repeat(1024));
  });

  test('an answer over the cap fails with one line naming the cap; one at the cap is kept', async (t) => {
    const container = await fakeContainer((request) => ({ status: 200, body: Buffer.alloc(Number(request.body.toString()), 'y') }));
    t.after(() => container.close());
    const exchange = (bytes: number): Promise<unknown> =>
      httpExchange(container.url, { method: 'POST', path: '/invocations', body: Buffer.from(String(bytes)), timeoutMs: 60_000, maxAnswerBytes: 1024 * 1024 });
    await assert.rejects(
      exchange(1024 * 1024 + 1),
      (error) => isSmctError(error, 'ENDPOINT_FAILED') && /more than 1 MiB, the most smct keeps of one answer/.test(error.message),
    );
    assert.equal(((await exchange(1024 * 1024)) as { body: Buffer }).body.length, 1024 * 1024);
    assert.equal(MAX_ANSWER_BYTES, 64 * 1024 * 1024);
  });
});
