import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { inspectLocalImages, localBaseReference, readLocalImages, type ImageConfig, type LocalImageInspector } from '../../../core/src';
import { SmctError } from '../../../core/src/errors';

const CONFIG: ImageConfig = {
  entrypoint: ['/bin/entry'],
  cmd: [],
  path: ['/opt/bin', '/bin'],
  user: '',
  workdir: '/',
  platforms: ['linux/amd64'],
  env: { PATH: '/opt/bin:/bin' },
  exposedPorts: [],
};

/** A fake engine: these images are present; it records what it was asked and how many ran at once. */
function fakeEngine(present: Record<string, ImageConfig>, behaviour: { fail?: () => Error; hang?: boolean } = {}) {
  const asked: string[] = [];
  let running = 0;
  let mostAtOnce = 0;
  const inspect: LocalImageInspector = async (reference, signal) => {
    asked.push(reference);
    running++;
    mostAtOnce = Math.max(mostAtOnce, running);
    try {
      await new Promise<void>((resolve, reject) => {
        if (!behaviour.hang) {
          setImmediate(resolve);
          return;
        }
        // As a docker process would, the hanging call keeps the process alive (AbortSignal.timeout does not).
        const alive = setInterval(() => undefined, 1000);
        signal.addEventListener('abort', () => {
          clearInterval(alive);
          reject(Object.assign(new Error('aborted'), { name: 'AbortError' }));
        });
      });
      if (behaviour.fail) throw behaviour.fail();
      return present[reference];
    } finally {
      running--;
    }
  };
  return { inspect, asked, mostAtOnce: () => mostAtOnce };
}

describe('the base images read from the local engine', () => {
  test('the reference is the stage chain’s external FROM, with global ARGs expanded, for the target too', () => {
    assert.equal(localBaseReference('ARG TAG=3.11\nFROM python:${TAG} AS base\nFROM base\nRUN true\n'), 'python:3.11');
    assert.equal(localBaseReference('FROM alpine:3 AS tools\nFROM debian:12 AS final\n'), 'debian:12');
    assert.equal(localBaseReference('FROM alpine:3 AS tools\nFROM debian:12 AS final\n', 'TOOLS'), 'alpine:3');
  });

  test('scratch, an unexpanded build variable, an option-like name and no FROM give nothing to ask', () => {
    for (const text of ['FROM scratch\n', 'ARG BASE\nFROM $BASE\n', 'FROM ${REGISTRY}/python:3\n', 'FROM -v\n', '# nothing\n', '']) {
      assert.equal(localBaseReference(text), undefined, text);
    }
  });

  test('each image is asked once, at most four at a time, and the lookup answers from what was read', async () => {
    const engine = fakeEngine({ 'python:3.11': CONFIG });
    const references = ['python:3.11', 'a:1', 'b:1', 'c:1', 'd:1', 'e:1', 'python:3.11', 'scratch', '-x', '$BASE'];
    const read = await inspectLocalImages(references, { inspect: engine.inspect });
    assert.deepEqual(engine.asked.sort(), ['a:1', 'b:1', 'c:1', 'd:1', 'e:1', 'python:3.11']);
    assert.equal(engine.mostAtOnce(), 4);
    assert.deepEqual([...read.found.keys()], ['python:3.11']);
    assert.equal(read.answered.length, 6);
    assert.equal(read.unavailable, undefined);

    const dockerfiles = await readLocalImages([{ text: 'FROM python:3.11\n' }, { text: 'FROM python:3.11\nFROM scratch AS x\n', target: 'x' }], {
      inspect: engine.inspect,
    });
    assert.deepEqual(dockerfiles.lookup('python:3.11'), CONFIG);
    assert.equal(dockerfiles.lookup('a:1'), undefined);
  });

  test('Docker missing or stopped is no error: nothing is known, the reason is kept once, the rest is not asked', async () => {
    const engine = fakeEngine({}, { fail: () => new SmctError('DOCKER_UNAVAILABLE', 'The Docker daemon is not running.') });
    const read = await inspectLocalImages(['a:1', 'b:1', 'c:1', 'd:1', 'e:1', 'f:1'], { inspect: engine.inspect });
    assert.equal(read.found.size, 0);
    assert.equal(read.unavailable, 'The Docker daemon is not running.');
    assert.ok(engine.asked.length <= 4, `asked ${engine.asked.length}`);
  });

  test('an engine that does not answer is given up after the timeout', async () => {
    const engine = fakeEngine({}, { hang: true });
    const started = Date.now();
    const read = await inspectLocalImages(['a:1', 'b:1'], { inspect: engine.inspect, timeoutMs: 50 });
    assert.match(read.unavailable ?? '', /did not answer within 0\.05 s/);
    assert.ok(Date.now() - started < 2000);
  });

  test('another failure leaves that image unknown and the others are still read', async () => {
    const inspect: LocalImageInspector = async (reference) => {
      if (reference === 'Bad') throw new Error('docker image inspect failed: invalid reference format');
      return CONFIG;
    };
    const read = await inspectLocalImages(['Bad', 'good:1'], { inspect });
    assert.deepEqual([...read.found.keys()], ['good:1']);
    assert.equal(read.unavailable, undefined);
  });

  test('an abort of the caller’s signal stops the reading with a cancellation', async () => {
    const engine = fakeEngine({}, { hang: true });
    const abort = new AbortController();
    const reading = inspectLocalImages(['a:1', 'b:1'], { inspect: engine.inspect, signal: abort.signal });
    abort.abort();
    await assert.rejects(reading, { name: 'AbortError' });
  });
});
