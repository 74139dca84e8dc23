// The HTTP side of serving against the real fixture container (test/fixtures/serving), started
// here with plain `docker run`: invokeLocal, the multi-model API, and runLocalTransform with a
// start function of the test's own (startLocalEndpoint belongs to other work).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { transformCommand } from '../../cli/src/transformCommand';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { TrainingJob } from '../../core/src/job/trainingJob';
import { loadTrainingJob } from '../../core/src/job/trainingJob';
import { isSmctError } from '../../core/src/errors';
import { recordIOEncode } from '../../core/src/local/channels/recordIO';
import { invokeLocal } from '../../core/src/serving/invokeLocal';
import { httpExchange } from '../../core/src/serving/localHttp';
import type { LocalEndpoint, LocalEndpointOptions } from '../../core/src/serving/localEndpoint';
import { isModelLoaded, listModels, loadModel, unloadModel } from '../../core/src/serving/multiModelApi';
import { tfRecordEncode } from '../../core/src/serving/transform/records';
import { runLocalTransform } from '../../core/src/serving/transform/localTransform';
import { tempProject } from '../helpers/tempDir';
import { leftovers, pythonBaseMissing } from './dockerFixtures';
import { SMCT } from '../helpers/smctProcess';

const missing = pythonBaseMissing();
const OWN = `smct-test-serving-${randomBytes(4).toString('hex')}`;
const IMAGE = `${OWN}:latest`;
const FIXTURE = path.resolve(__dirname, '../../../test/fixtures/serving');

function docker(args: string[]): string {
  const result = spawnSync('docker', args, { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`docker ${args[0]} failed: ${result.stderr}`);
  return result.stdout.trim();
}

/** The containers this file started that still exist. */
function ownContainers(): string[] {
  return docker(['ps', '--all', '--quiet', '--filter', `label=smct.test=${OWN}`])
    .split('\n')
    .filter(Boolean);
}

interface Started {
  readonly url: string;
  readonly name: string;
  stop(): Promise<void>;
}

/** Runs the fixture as SageMaker does (`serve`, 8080 published on 127.0.0.1), polling /ping until it answers 200. */
async function startFixture(environment: Record<string, string>, mounts: Record<string, string> = {}): Promise<Started> {
  const name = `${OWN}-${randomBytes(3).toString('hex')}`;
  const env = Object.entries(environment).flatMap(([key, value]) => ['-e', `${key}=${value}`]);
  const volumes = Object.entries(mounts).flatMap(([host, container]) => ['-v', `${host}:${container}:ro`]);
  docker(['run', '-d', '--name', name, '--label', `smct.test=${OWN}`, '-p', '127.0.0.1::8080', ...env, ...volumes, IMAGE, 'serve']);
  const stop = async (): Promise<void> => void spawnSync('docker', ['rm', '-f', name]);
  try {
    const port = docker(['port', name, '8080/tcp']).split('\n')[0].split(':').pop();
    const url = `http://127.0.0.1:${port}`;
    const deadline = Date.now() + 60_000;
    while (!(await pings(url))) {
      if (Date.now() > deadline) throw new Error(`the fixture never answered /ping: ${docker(['logs', name])}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return { url, name, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

async function pings(url: string): Promise<boolean> {
  try {
    return (await httpExchange(url, { method: 'GET', path: '/ping', timeoutMs: 2_000 })).status === 200;
  } catch {
    return false;
  }
}

/** Bytes in upper case as the fixture's Python bytes.upper() makes them: a-z only. */
function upper(data: Buffer): Buffer {
  return Buffer.from(data.map((byte) => (byte >= 0x61 && byte <= 0x7a ? byte - 0x20 : byte)));
}

describe('serving over HTTP against the fixture container', { skip: missing ?? false }, () => {
  before(() => {
    docker(['build', '-q', '--label', `smct.test=${OWN}`, '-t', IMAGE, FIXTURE]);
  });
  after(() => {
    for (const id of ownContainers()) spawnSync('docker', ['rm', '-f', id]);
    spawnSync('docker', ['image', 'rm', '-f', IMAGE]);
  });

  test('invokeLocal: the answer, the Accept header honoured, a 500 for FAIL', async (t) => {
    const model = tempProject({ 'prefix.txt': 'm1:' });
    const container = await startFixture({}, { [model]: '/opt/ml/model' });
    t.after(() => container.stop());
    const answer = await invokeLocal(container.url, { body: Buffer.from('hello'), contentType: 'text/plain', accept: 'application/x-test' });
    assert.equal(answer.status, 200);
    assert.equal(answer.body.toString(), 'm1:HELLO');
    assert.equal(answer.contentType, 'application/x-test');
    const failed = await invokeLocal(container.url, { body: Buffer.from('a FAIL') });
    assert.equal(failed.status, 500);
    assert.equal(failed.body.toString(), 'cannot score this record');
  });

  test('the multi-model API: invoke loads first; list, describe, load (409), unload (404)', async (t) => {
    const models = tempProject({ 'a/model/prefix.txt': 'A:', 'b/model/prefix.txt': 'B:' });
    const container = await startFixture({ SAGEMAKER_MULTI_MODEL: 'true' }, { [models]: '/opt/ml/models' });
    t.after(() => container.stop());
    assert.deepEqual(await listModels(container.url), []);
    const answer = await invokeLocal(container.url, { body: Buffer.from('x'), targetModel: 'a.tar.gz' });
    assert.equal(answer.body.toString(), 'A:X');
    assert.deepEqual(await listModels(container.url), [{ name: 'a', url: '/opt/ml/models/a/model' }]);
    assert.equal(await isModelLoaded(container.url, 'b'), false);
    await assert.rejects(loadModel(container.url, 'a'), /model a is already loaded at .* \(409\)/);
    await loadModel(container.url, 'b');
    assert.equal((await invokeLocal(container.url, { body: Buffer.from('y'), targetModel: 'b' })).body.toString(), 'B:Y');
    await unloadModel(container.url, 'a');
    await assert.rejects(unloadModel(container.url, 'a'), (error) => isSmctError(error, 'ENDPOINT_FAILED') && /not loaded .* \(404\)/.test(error.message));
    await assert.rejects(loadModel(container.url, 'nothere'), /could not load model nothere: 404/);
  });

  describe('runLocalTransform with the fixture as the endpoint', () => {
    const started: { environment: Record<string, string>; port?: number }[] = [];

    /** startLocalEndpoint's stand-in: the job's model folder at /opt/ml/model, its environment and the transform's. */
    async function startEndpoint(job: TrainingJob, options: LocalEndpointOptions): Promise<LocalEndpoint> {
      const environment = { ...job.serving.environment, ...options.environment };
      started.push({ environment, port: options.port });
      const model = job.serving.model.kind === 'local' ? job.serving.model.path : '';
      const container = await startFixture(environment, { [model]: '/opt/ml/model' });
      return {
        url: container.url,
        containerName: container.name,
        image: IMAGE,
        multiModel: false,
        stop: container.stop,
        ended: new Promise(() => undefined),
      };
    }

    function transformJob(files: Record<string, string | Buffer>, transform: Record<string, unknown>, environment: Record<string, string> = {}): TrainingJob {
      const project = tempProject({ 'model/prefix.txt': 'p:', ...Object.fromEntries(Object.entries(files).map(([name, data]) => [`in/${name}`, data])) });
      fs.writeFileSync(
        path.join(project, 'sagemaker-job.json'),
        JSON.stringify({ image: IMAGE, serving: { model: 'model', environment, transform: { input: 'in', output: 'out', ...transform } } }),
      );
      return loadTrainingJob(path.join(project, 'sagemaker-job.json'));
    }

    const output = (job: TrainingJob, name: string): Buffer => fs.readFileSync(path.join(path.dirname(job.file), 'out', `${name}.out`));

    test('Line: SingleRecord answers record by record (AssembleWith Line), MultiRecord in one request; the batch environment is set', async () => {
      const single = transformJob({ 'a.csv': 'one\ntwo\n' }, { splitType: 'Line', batchStrategy: 'SingleRecord', assembleWith: 'Line' });
      const result = await runLocalTransform(single, { startEndpoint });
      assert.equal(output(single, 'a.csv').toString(), 'p:ONE\np:TWO\n');
      assert.deepEqual([result.records, result.requests], [2, 2]);
      const environment = started[started.length - 1].environment;
      assert.deepEqual(
        [
          environment.SAGEMAKER_BATCH,
          environment.SAGEMAKER_BATCH_STRATEGY,
          environment.SAGEMAKER_MAX_PAYLOAD_IN_MB,
          environment.SAGEMAKER_MAX_CONCURRENT_TRANSFORMS,
        ],
        ['true', 'SINGLE_RECORD', '6', '1'],
      );
      assert.equal(started[started.length - 1].port, 0);
      const multi = transformJob({ 'a.csv': 'one\ntwo\n' }, { splitType: 'Line', batchStrategy: 'MultiRecord' });
      const many = await runLocalTransform(multi, { startEndpoint });
      assert.equal(output(multi, 'a.csv').toString(), 'p:ONE\nTWO\n');
      assert.equal(many.requests, 1);
      assert.deepEqual(ownContainers(), []);
    });

    test('None: the whole file is one request', async () => {
      const job = transformJob({ 'doc.txt': 'a\nb' }, { splitType: 'None', batchStrategy: 'SingleRecord' });
      await runLocalTransform(job, { startEndpoint });
      assert.equal(output(job, 'doc.txt').toString(), 'p:A\nB');
    });

    for (const [splitType, encode] of [
      ['RecordIO', recordIOEncode],
      ['TFRecord', tfRecordEncode],
    ] as const) {
      test(`${splitType}: SingleRecord sends each record's data without its framing, MultiRecord the framed records together`, async () => {
        // TransformInput.SplitType: "padding is removed if the value of BatchStrategy is set to SingleRecord".
        const data = [Buffer.from('alpha'), Buffer.from('beta record')];
        const records = data.map(encode);
        const file = Buffer.concat(records);
        const single = transformJob({ 'r.bin': file }, { splitType, batchStrategy: 'SingleRecord' });
        assert.equal((await runLocalTransform(single, { startEndpoint })).requests, 2);
        assert.deepEqual(output(single, 'r.bin'), Buffer.concat(data.flatMap((record) => [Buffer.from('p:'), upper(record)])));
        const multi = transformJob({ 'r.bin': file }, { splitType, batchStrategy: 'MultiRecord' });
        assert.equal((await runLocalTransform(multi, { startEndpoint })).requests, 1);
        assert.deepEqual(output(multi, 'r.bin'), Buffer.concat([Buffer.from('p:'), upper(file)]));
      });
    }

    test("the container's /execution-parameters decide what the job file leaves out", async () => {
      const parameters = JSON.stringify({ MaxConcurrentTransforms: 2, BatchStrategy: 'SINGLE_RECORD', MaxPayloadInMB: 1 });
      const job = transformJob({ 'a.csv': 'x\ny\nz\n' }, { splitType: 'Line' }, { EXECUTION_PARAMETERS: parameters });
      const result = await runLocalTransform(job, { startEndpoint });
      assert.deepEqual(result.parameters, { maxConcurrentTransforms: 2, batchStrategy: 'SingleRecord', maxPayloadInMB: 1 });
      assert.equal(result.requests, 3);
    });

    test('a record the container fails (FAIL) fails the transform naming file and record; no output for it; the container is stopped', async () => {
      const job = transformJob({ 'a.csv': 'ok\n', 'b.csv': 'fine\nFAIL here\n' }, { splitType: 'Line', batchStrategy: 'SingleRecord' });
      await assert.rejects(
        runLocalTransform(job, { startEndpoint }),
        (error) => isSmctError(error, 'TRANSFORM_FAILED') && /^b\.csv: record 2 of 2: ClientError: 500 "cannot score this record"/.test(error.message),
      );
      assert.deepEqual(fs.readdirSync(path.join(path.dirname(job.file), 'out')), ['a.csv.out']);
      assert.deepEqual(ownContainers(), []);
    });

    test('a record over MaxPayloadInMB fails the transform before it is sent; the container is stopped', async () => {
      const job = transformJob({ 'big.csv': `${'x'.repeat(1024 * 1024 + 10)}\n` }, { splitType: 'Line', maxPayloadInMB: 1 });
      await assert.rejects(runLocalTransform(job, { startEndpoint }), /big\.csv: record 1 is 1048587 bytes, more than MaxPayloadInMB \(1 MB/);
      assert.deepEqual(ownContainers(), []);
    });
    test('smct transform --local prints the parameters, each file and a summary', async () => {
      const job = transformJob({ 'a.csv': 'one\ntwo\n', 'b.csv': 'three\n' }, { splitType: 'Line', batchStrategy: 'SingleRecord' });
      const out: string[] = [];
      const err: string[] = [];
      const code = await transformCommand(['--local', '--job', job.file], { out: (text) => out.push(text), err: (text) => err.push(text) }, { startEndpoint });
      assert.equal(code, 0, err.join(''));
      const printed = out.join('');
      assert.match(printed, /^MaxConcurrentTransforms=1, MaxPayloadInMB=6, BatchStrategy=SINGLE_RECORD\n/);
      assert.match(printed, /^a\.csv: 2 records in 2 requests -> .*out\/a\.csv\.out$/m);
      assert.match(printed, /^b\.csv: 1 records in 1 requests -> .*out\/b\.csv\.out$/m);
      assert.match(printed, /^Transform completed: 2 files, 3 records, 3 requests, 0 failures, \d+\.\d s\.$/m);
    });
  });

  test('smct transform --local as a program, with the real startLocalEndpoint: the batch environment, every record answered, a failing record, nothing left', () => {
    const base = `${OWN}-transform`;
    const project = tempProject({ 'model/prefix.txt': 'real:', 'in/a.csv': 'one\ntwo\n', 'in/b.csv': 'three\n' });
    const job = (transform: Record<string, unknown>): void =>
      fs.writeFileSync(
        path.join(project, 'sagemaker-job.json'),
        JSON.stringify({
          image: IMAGE,
          baseJobName: base,
          serving: { model: 'model', transform: { input: 'in', output: 'out', splitType: 'Line', ...transform } },
        }),
      );
    job({ batchStrategy: 'SingleRecord', maxConcurrentTransforms: 2 });
    const smct = () => spawnSync(process.execPath, [SMCT, 'transform', '--local'], { cwd: project, encoding: 'utf8' });
    const run = smct();
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /^MaxConcurrentTransforms=2, MaxPayloadInMB=6, BatchStrategy=SINGLE_RECORD\n/);
    assert.match(run.stdout, /^Transform completed: 2 files, 3 records, 3 requests, 0 failures, \d+\.\d s\.$/m);
    // The container's own lines: started as `serve` with the batch environment.
    for (const line of ['ARGS serve', 'ENV SAGEMAKER_BATCH=true', 'ENV SAGEMAKER_BATCH_STRATEGY=SINGLE_RECORD', 'ENV SAGEMAKER_MAX_CONCURRENT_TRANSFORMS=2']) {
      assert.ok(run.stderr.split('\n').includes(`[container] ${line}`), `${line} in:\n${run.stderr}`);
    }
    assert.equal(fs.readFileSync(path.join(project, 'out', 'a.csv.out'), 'utf8'), 'real:ONE\nreal:TWO\n');
    assert.equal(fs.readFileSync(path.join(project, 'out', 'b.csv.out'), 'utf8'), 'real:THREE\n');
    assert.deepEqual(leftovers(`serve-${base}`), { containers: '', networks: '', folders: [] });

    // One request at a time: a.csv is done before b.csv fails.
    job({ batchStrategy: 'SingleRecord' });
    fs.writeFileSync(path.join(project, 'in', 'b.csv'), 'fine\nFAIL here\n');
    fs.rmSync(path.join(project, 'out'), { recursive: true });
    const failed = smct();
    assert.equal(failed.status, 1, failed.stderr);
    assert.match(failed.stderr, /^smct: b\.csv: record 2 of 2: ClientError: 500 "cannot score this record"/m);
    assert.deepEqual(fs.readdirSync(path.join(project, 'out')), ['a.csv.out']);
    assert.deepEqual(leftovers(`serve-${base}`), { containers: '', networks: '', folders: [] });
  });

  test('smct invoke as a program: --body FILE and standard input, the answer on stdout and its status on stderr', async (t) => {
    const model = tempProject({ 'prefix.txt': 'cli:' });
    const container = await startFixture({}, { [model]: '/opt/ml/model' });
    t.after(() => container.stop());
    const project = tempProject({ 'body.txt': 'from a file' });
    const smct = (args: string[], input?: string) =>
      spawnSync(process.execPath, [SMCT, 'invoke', '--url', container.url, ...args], { cwd: project, input, encoding: 'utf8' });
    const fromFile = smct(['--body', 'body.txt', '--content-type', 'text/plain']);
    assert.equal(fromFile.status, 0, fromFile.stderr);
    assert.equal(fromFile.stdout, 'cli:FROM A FILE');
    assert.match(fromFile.stderr, /^200, text\/plain, 15 bytes, \d+ ms\n$/);
    const fromStdin = smct([], 'piped in');
    assert.equal(fromStdin.status, 0, fromStdin.stderr);
    assert.equal(fromStdin.stdout, 'cli:PIPED IN');
    const failing = smct([], 'FAIL');
    assert.equal(failing.status, 1);
    assert.equal(failing.stdout, '');
    assert.match(failing.stderr, /smct: ModelError: Received server error \(500\) from primary with message "cannot score this record"/);
  });
});
