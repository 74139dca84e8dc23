import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isSmctError } from '../../../core/src/errors';
import { invokeModel } from '../../../core/src/serving/multiModelApi';
import { fakeContainer, type SeenRequest } from './fakeContainer';

/** A multi-model container whose GET /models/{name} finds nothing and whose POST /models answers `load`. */
function multiModel(load: { status: number; body: string }) {
  return (request: SeenRequest) => {
    if (request.method === 'GET') return { status: 404 };
    if (request.path === '/models') return load;
    return { status: 200, body: 'scored' };
  };
}

describe('invokeModel', () => {
  test('a 409 on loading is a model loaded meanwhile: the request is sent', async (t) => {
    const container = await fakeContainer(multiModel({ status: 409, body: 'conflict' }));
    t.after(() => container.close());
    const response = await invokeModel(container.url, 'a.tar.gz', { body: Buffer.from('x') });
    assert.equal(response.body.toString(), 'scored');
    assert.equal(container.seen.at(-1)?.path, '/models/a/invoke');
  });

  test('another refusal to load fails, even when its text ends like a 409', async (t) => {
    const container = await fakeContainer(multiModel({ status: 500, body: 'disk full (409)' }));
    t.after(() => container.close());
    await assert.rejects(
      invokeModel(container.url, 'a', { body: Buffer.from('x') }),
      (error) => isSmctError(error, 'ENDPOINT_FAILED') && /could not load model a: 500/.test(error.message),
    );
    assert.ok(!container.seen.some((request) => request.path.endsWith('/invoke')));
  });
});
