import assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, test } from 'node:test';
import { isSmctError } from '../../../core/src/errors';
import { MAX_PAYLOAD_BYTES } from '../../../core/src/serving/hostingContract';
import { invokeLocal, modelErrorMessage } from '../../../core/src/serving/invokeLocal';
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
});
