import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import type { TransformSpec } from '../../../core/src/job/servingSection';
import { isCancellation, isSmctError } from '../../../core/src/errors';
import { loadTrainingJob } from '../../../core/src/job/trainingJob';
import { runLocalTransform } from '../../../core/src/serving/transform/localTransform';
import { MAX_SPLIT_INPUT_BYTES, transformWithEndpoint } from '../../../core/src/serving/transform/transformWithEndpoint';
import { recordIOEncode } from '../../../core/src/local/channels/recordIO';
import { BYTES_PER_MB } from '../../../core/src/serving/transform/batches';
import { tfRecordEncode } from '../../../core/src/serving/transform/records';
import { tempProject } from '../../helpers/tempDir';
import { echo, fakeContainer, type SeenRequest } from './fakeContainer';

function spec(input: string, extra: Partial<TransformSpec> = {}): TransformSpec {
  return {
    input: { kind: 'local', path: input },
    output: path.join(path.dirname(input), 'out'),
    splitType: 'Line',
    batchStrategy: 'SingleRecord',
    maxPayloadInMB: 6,
    maxConcurrentTransforms: 1,
    assembleWith: 'Line',
    ...extra,
  };
}

const invocations = (seen: SeenRequest[]): SeenRequest[] => seen.filter((request) => request.path === '/invocations');

describe('transformWithEndpoint', () => {
  test('each file of the folder becomes <output>/<relative path>.out; AssembleWith Line adds the newlines answers lack', async (t) => {
    const container = await fakeContainer((request) =>
      request.path === '/execution-parameters' ? { status: 404 } : { status: 200, body: request.body.toString().trim().toUpperCase() },
    );
    t.after(() => container.close());
    const project = tempProject({ 'in/a.csv': 'a1\na2\n', 'in/sub/b.csv': 'b1\n', 'in/empty.csv': '' });
    const done: string[] = [];
    const result = await transformWithEndpoint(spec(path.join(project, 'in'), { contentType: 'text/csv', accept: 'text/plain' }), container.url, {
      onFile: (file) => done.push(file.relative),
    });
    assert.equal(fs.readFileSync(path.join(project, 'out/a.csv.out'), 'utf8'), 'A1\nA2\n');
    assert.equal(fs.readFileSync(path.join(project, 'out/sub/b.csv.out'), 'utf8'), 'B1\n');
    assert.equal(fs.readFileSync(path.join(project, 'out/empty.csv.out'), 'utf8'), '');
    assert.deepEqual(done.sort(), ['a.csv', 'empty.csv', 'sub/b.csv']);
    assert.equal(result.records, 3);
    assert.equal(result.requests, 3);
    const sent = invocations(container.seen);
    assert.deepEqual(
      sent.map((request) => request.body.toString()),
      ['a1\n', 'a2\n', 'b1\n'],
    );
    assert.equal(sent[0].headers['content-type'], 'text/csv');
    assert.equal(sent[0].headers['accept'], 'text/plain');
    assert.deepEqual(fs.readdirSync(path.join(project, 'out')).sort(), ['a.csv.out', 'empty.csv.out', 'sub']);
  });

  test('AssembleWith None concatenates the answers as they are; MultiRecord sends the file in one request', async (t) => {
    const container = await fakeContainer(echo);
    t.after(() => container.close());
    const project = tempProject({ 'in.csv': 'x\ny\n' });
    const result = await transformWithEndpoint(spec(path.join(project, 'in.csv'), { batchStrategy: 'MultiRecord', assembleWith: 'None' }), container.url);
    assert.equal(fs.readFileSync(path.join(project, 'out/in.csv.out'), 'utf8'), 'X\nY\n');
    assert.equal(result.requests, 1);
    assert.equal(result.records, 2);
  });

  test('at most MaxConcurrentTransforms requests are in flight', async (t) => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let waiting = 0;
    const container = await fakeContainer(async (request) => {
      if (request.path === '/execution-parameters') return { status: 404 };
      waiting += 1;
      // Hold the answers once three requests wait, a moment longer: a fourth, were the cap not kept,
      // arrives in that moment (there is no event for "nothing more comes" to wait on instead).
      if (waiting === 3) setTimeout(release, 200);
      await gate;
      return echo(request);
    });
    t.after(() => container.close());
    const lines = Array.from({ length: 12 }, (_, index) => `r${index}\n`).join('');
    const project = tempProject({ 'in.csv': lines });
    await transformWithEndpoint(spec(path.join(project, 'in.csv'), { maxConcurrentTransforms: 3 }), container.url);
    assert.equal(container.maxInFlight(), 3);
    assert.equal(fs.readFileSync(path.join(project, 'out/in.csv.out'), 'utf8'), lines.toUpperCase());
  });

  test('/execution-parameters applies where the job did not set a value', async (t) => {
    const container = await fakeContainer((request) =>
      request.path === '/execution-parameters'
        ? {
            status: 200,
            body: JSON.stringify({ MaxConcurrentTransforms: 4, BatchStrategy: 'SINGLE_RECORD', MaxPayloadInMB: 1 }),
            contentType: 'application/json',
          }
        : echo(request),
    );
    t.after(() => container.close());
    const project = tempProject({ 'in.csv': 'a\nb\nc\n' });
    const unset = await transformWithEndpoint(spec(path.join(project, 'in.csv'), { batchStrategy: 'MultiRecord' }), container.url, {
      setInJobFile: ['maxPayloadInMB'],
    });
    assert.deepEqual(unset.parameters, { maxConcurrentTransforms: 4, batchStrategy: 'SingleRecord', maxPayloadInMB: 6 });
    assert.equal(unset.requests, 3);
    const set = await transformWithEndpoint(spec(path.join(project, 'in.csv'), { batchStrategy: 'MultiRecord' }), container.url);
    assert.deepEqual(set.parameters, { maxConcurrentTransforms: 1, batchStrategy: 'MultiRecord', maxPayloadInMB: 6 });
    assert.equal(set.requests, 1);
  });

  for (const [answer, named] of [
    [{ MaxConcurrentTransforms: 1e9 }, 'MaxConcurrentTransforms 1000000000'],
    [{ MaxConcurrentTransforms: 2.5 }, 'MaxConcurrentTransforms 2.5'],
    [{ MaxPayloadInMB: 101 }, 'MaxPayloadInMB 101'],
    [{ MaxPayloadInMB: '6' }, 'MaxPayloadInMB "6"'],
  ] as const) {
    test(`/execution-parameters answering ${JSON.stringify(answer)} fails the job before any request, naming the value`, async (t) => {
      const container = await fakeContainer((request) =>
        request.path === '/execution-parameters' ? { status: 200, body: JSON.stringify(answer), contentType: 'application/json' } : echo(request),
      );
      t.after(() => container.close());
      const project = tempProject({ 'in.csv': 'a\n' });
      await assert.rejects(
        transformWithEndpoint(spec(path.join(project, 'in.csv')), container.url, { setInJobFile: [] }),
        (error) => isSmctError(error, 'TRANSFORM_FAILED') && error.message.includes('/execution-parameters') && error.message.includes(named),
      );
      assert.equal(invocations(container.seen).length, 0);
    });
  }

  test("the container's MaxPayloadInMB times the job's MaxConcurrentTransforms over 100 MB fails the job before any request", async (t) => {
    const container = await fakeContainer((request) =>
      request.path === '/execution-parameters' ? { status: 200, body: JSON.stringify({ MaxPayloadInMB: 50 }), contentType: 'application/json' } : echo(request),
    );
    t.after(() => container.close());
    const project = tempProject({ 'in.csv': 'a\n' });
    await assert.rejects(
      transformWithEndpoint(spec(path.join(project, 'in.csv'), { maxConcurrentTransforms: 3 }), container.url, {
        setInJobFile: ['maxConcurrentTransforms', 'batchStrategy'],
      }),
      (error) => isSmctError(error, 'TRANSFORM_FAILED') && /3 × 50 = 150 MB/.test(error.message),
    );
    assert.equal(invocations(container.seen).length, 0);
  });

  test('a failed request fails the job naming file, records and the answer; that file gets no output, not even half of one', async (t) => {
    const container = await fakeContainer((request) =>
      request.body.includes('FAIL')
        ? { status: 500, body: 'cannot score this record' }
        : request.path === '/execution-parameters'
          ? { status: 404 }
          : echo(request),
    );
    t.after(() => container.close());
    const project = tempProject({ 'in/1.csv': 'ok\n', 'in/2.csv': 'a\nb\nFAIL\nd\n' });
    await assert.rejects(
      transformWithEndpoint(spec(path.join(project, 'in')), container.url),
      (error) =>
        isSmctError(error, 'TRANSFORM_FAILED') &&
        error.message ===
          '2.csv: record 3 of 4: ClientError: 500 "cannot score this record" (SageMaker fails the job with "ClientError: See job logs for more information"); no output was written for 2.csv.',
    );
    assert.deepEqual(fs.readdirSync(path.join(project, 'out')), ['1.csv.out']);
  });

  test('MaxPayloadInMB 0 streams each whole file in one chunked request', async (t) => {
    const container = await fakeContainer(echo);
    t.after(() => container.close());
    const project = tempProject({ 'in.csv': 'p\nq\n' });
    await transformWithEndpoint(spec(path.join(project, 'in.csv'), { maxPayloadInMB: 0, batchStrategy: 'MultiRecord', assembleWith: 'None' }), container.url);
    const [sent] = invocations(container.seen);
    assert.equal(sent.headers['transfer-encoding'], 'chunked');
    assert.equal(sent.headers['content-length'], undefined);
    assert.equal(fs.readFileSync(path.join(project, 'out/in.csv.out'), 'utf8'), 'P\nQ\n');
  });

  test('a record over MaxPayloadInMB fails before any request', async (t) => {
    const container = await fakeContainer(echo);
    t.after(() => container.close());
    const project = tempProject({ 'in.csv': `${'x'.repeat(1024 * 1024 + 1)}\n` });
    await assert.rejects(
      transformWithEndpoint(spec(path.join(project, 'in.csv'), { maxPayloadInMB: 1 }), container.url),
      /in\.csv: record 1 is .* more than MaxPayloadInMB \(1 MB = /,
    );
    assert.equal(invocations(container.seen).length, 0);
  });

  test('an s3:// input is read through the download cache', async (t) => {
    const container = await fakeContainer(echo);
    t.after(() => container.close());
    const project = tempProject({});
    const data = Buffer.from('s1\ns2\n');
    const object = { bucket: 'b', key: 'batch/in.csv', size: data.length, etag: '"e1"' };
    const reader = {
      list: async () => [object],
      head: async () => object,
      download: async (_: unknown, file: string) => fs.writeFileSync(file, data),
      upload: async () => undefined,
    };
    const result = await transformWithEndpoint(
      { ...spec(path.join(project, 'unused')), input: { kind: 's3', uri: 's3://b/batch/' }, output: path.join(project, 'out') },
      container.url,
      { s3: () => reader, cacheDir: path.join(project, 'cache') },
    );
    assert.equal(result.files[0].relative, 'in.csv');
    assert.equal(fs.readFileSync(path.join(project, 'out/in.csv.out'), 'utf8'), 'S1\nS2\n');
  });

  test('a request past its timeout fails the job naming file and records', async (t) => {
    const container = await fakeContainer((request) => (request.path === '/execution-parameters' ? { status: 404 } : 'never'));
    t.after(() => container.close());
    const project = tempProject({ 'in.csv': 'a\nb\n' });
    await assert.rejects(
      transformWithEndpoint(spec(path.join(project, 'in.csv'), { batchStrategy: 'MultiRecord' }), container.url, { requestTimeoutMs: 100 }),
      (error) =>
        isSmctError(error, 'TRANSFORM_FAILED') &&
        error.message ===
          'in.csv: records 1-2 of 2: no answer within 0.1 s, the limit of one request (ModelClientConfig.InvocationsTimeoutInSeconds); no output was written for in.csv.',
    );
    assert.equal(fs.existsSync(path.join(project, 'out')), false);
  });

  test('an abort (Ctrl-C) ends the requests in flight and writes nothing; runLocalTransform stops its endpoint', async (t) => {
    const container = await fakeContainer((request) => (request.path === '/execution-parameters' ? { status: 404 } : 'never'));
    t.after(() => container.close());
    const project = tempProject({ 'in.csv': 'a\n', 'model/prefix.txt': '' });
    fs.writeFileSync(
      path.join(project, 'sagemaker-job.json'),
      JSON.stringify({ image: 'x:1', serving: { model: 'model', transform: { input: 'in.csv', output: 'out' } } }),
    );
    const job = loadTrainingJob(path.join(project, 'sagemaker-job.json'));
    const abort = new AbortController();
    let stopped = 0;
    const running = runLocalTransform(job, {
      signal: abort.signal,
      startEndpoint: async () => ({
        url: container.url,
        containerName: 'x',
        image: 'x:1',
        multiModel: false,
        stop: async () => void (stopped += 1),
        ended: new Promise(() => undefined),
      }),
    });
    const deadline = Date.now() + 10_000;
    while (!container.seen.some((request) => request.path === '/invocations') && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    abort.abort();
    await assert.rejects(running, (error) => isCancellation(error));
    assert.equal(stopped, 1);
    assert.equal(fs.existsSync(path.join(project, 'out')), false);
  });

  describe('binary splits: "padding is removed if the value of BatchStrategy is set to SingleRecord"', () => {
    const formats = [
      { splitType: 'RecordIO', encode: recordIOEncode },
      { splitType: 'TFRecord', encode: tfRecordEncode },
    ] as const;
    for (const { splitType, encode } of formats) {
      test(`${splitType}: SingleRecord sends each record's data alone, MultiRecord the records with their framing`, async (t) => {
        const container = await fakeContainer(echo);
        t.after(() => container.close());
        const project = tempProject({});
        const framed = [encode(Buffer.from('abc')), encode(Buffer.from('defgh'))];
        fs.writeFileSync(path.join(project, 'in.bin'), Buffer.concat(framed));
        await transformWithEndpoint(spec(path.join(project, 'in.bin'), { splitType, assembleWith: 'None' }), container.url);
        assert.deepEqual(
          invocations(container.seen).map((request) => request.body.toString('latin1')),
          ['abc', 'defgh'],
        );
        fs.rmSync(path.join(project, 'out'), { recursive: true });
        container.seen.length = 0;
        await transformWithEndpoint(spec(path.join(project, 'in.bin'), { splitType, batchStrategy: 'MultiRecord', assembleWith: 'None' }), container.url);
        assert.deepEqual(
          invocations(container.seen).map((request) => request.body),
          [Buffer.concat(framed)],
        );
      });

      test(`${splitType}: MaxPayloadInMB is measured on the data portion, without the framing`, async (t) => {
        const container = await fakeContainer(() => ({ status: 200, body: 'ok' }));
        t.after(() => container.close());
        const project = tempProject({});
        fs.writeFileSync(path.join(project, 'in.bin'), encode(Buffer.alloc(BYTES_PER_MB, 'x')));
        const result = await transformWithEndpoint(spec(path.join(project, 'in.bin'), { splitType, maxPayloadInMB: 1 }), container.url);
        assert.equal(result.requests, 1);
        assert.equal(invocations(container.seen)[0].body.length, BYTES_PER_MB);
      });
    }
  });

  test('an input file over the split bound is refused in one line naming it, before it is read', async (t) => {
    const container = await fakeContainer(echo);
    t.after(() => container.close());
    const project = tempProject({});
    // A sparse file: its size without its bytes on disk.
    fs.writeFileSync(path.join(project, 'huge.csv'), '');
    fs.truncateSync(path.join(project, 'huge.csv'), MAX_SPLIT_INPUT_BYTES + 1);
    await assert.rejects(
      transformWithEndpoint(spec(path.join(project, 'huge.csv')), container.url),
      (error) => isSmctError(error, 'TRANSFORM_FAILED') && /^huge\.csv is \d+ bytes: .*at most 1 GiB \(SageMaker streams\)/.test(error.message),
    );
    assert.equal(invocations(container.seen).length, 0);
  });

  test('an input file the file system cannot read is a TRANSFORM_FAILED naming it', async (t) => {
    const container = await fakeContainer(echo);
    t.after(() => container.close());
    const project = tempProject({ 'in/a.csv': 'a\n', 'in/b.csv': 'b\n' });
    const second = path.join(project, 'in/b.csv');
    // b.csv is listed, then goes away before it is read.
    const run = transformWithEndpoint(spec(path.join(project, 'in')), container.url, { onFile: () => fs.rmSync(second) });
    await assert.rejects(run, (error) => isSmctError(error, 'TRANSFORM_FAILED') && error.message.includes(`${second} (ENOENT)`));
  });
});
