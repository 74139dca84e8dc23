import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { run } from '../../../cli/src/smct';
import type { Io } from '../../../cli/src/io';
import { tempProject } from '../../helpers/tempDir';
import { fakeContainer } from '../serving/fakeContainer';
import type { AwsTarget } from '../../../core/src/aws/awsTarget';
import type { InvocationRequest, InvocationResponse } from '../../../core/src/serving/invocation';

/** The module the AWS half's invokeEndpoint is read from, patched for one test (its export is a plain property). */
// eslint-disable-next-line @typescript-eslint/no-require-imports -- patched on purpose: the AWS call is another work's
const invokeModule = require('../../../core/src/aws/invokeEndpoint') as {
  invokeEndpoint: (target: AwsTarget, name: string, request: InvocationRequest) => Promise<InvocationResponse>;
};

interface Collected extends Io {
  readonly stdout: Buffer[];
  readonly stderr: string[];
}

function collector(stdin?: string): Collected {
  const stdout: Buffer[] = [];
  const stderr: string[] = [];
  return {
    stdout,
    stderr,
    out: (text) => stdout.push(Buffer.from(text)),
    outBytes: (data) => stdout.push(data),
    err: (text) => stderr.push(text),
    readStdin: stdin === undefined ? undefined : async () => Buffer.from(stdin),
  };
}

describe('smct invoke and smct models (in process, against a stand-in container)', () => {
  test('--body FILE: the answer on stdout, status, content type, bytes and time on stderr', async (t) => {
    const container = await fakeContainer((request) => ({ status: 200, body: `[${request.body.toString()}]`, contentType: 'application/json' }));
    t.after(() => container.close());
    const project = tempProject({ 'body.csv': '1,2' });
    const io = collector();
    const code = await run(
      ['invoke', '--url', container.url, '--body', path.join(project, 'body.csv'), '--content-type', 'text/csv', '--custom-attributes', 'a=b'],
      io,
    );
    assert.equal(code, 0, io.stderr.join(''));
    assert.equal(Buffer.concat(io.stdout).toString(), '[1,2]');
    assert.match(io.stderr.join(''), /^200, application\/json, 5 bytes, \d+ ms\n$/);
    assert.equal(container.seen[0].headers['content-type'], 'text/csv');
    assert.equal(container.seen[0].headers['x-amzn-sagemaker-custom-attributes'], 'a=b');
  });

  test('--custom-attributes-file sends the text of the file (less its line break) as the header; with the flag too is a usage error', async (t) => {
    const container = await fakeContainer(() => ({ status: 200, body: 'ok' }));
    t.after(() => container.close());
    const project = tempProject({ 'body.csv': '1', 'attributes.txt': 'token=secret\n' });
    const io = collector();
    const args = ['invoke', '--url', container.url, '--body', path.join(project, 'body.csv'), '--custom-attributes-file', path.join(project, 'attributes.txt')];
    assert.equal(await run(args, io), 0, io.stderr.join(''));
    assert.equal(container.seen[0].headers['x-amzn-sagemaker-custom-attributes'], 'token=secret');
    const both = collector();
    assert.equal(await run([...args, '--custom-attributes', 'a=b'], both), 2);
    assert.match(both.stderr.join(''), /--custom-attributes or --custom-attributes-file, not both/);
    assert.equal(container.seen.length, 1);
  });

  test('standard input is the default body, "-" too; --output writes the file', async (t) => {
    const container = await fakeContainer((request) => ({ status: 200, body: request.body.toString().toUpperCase() }));
    t.after(() => container.close());
    const project = tempProject({});
    const io = collector('from stdin');
    assert.equal(await run(['invoke', '--url', container.url], io), 0, io.stderr.join(''));
    assert.equal(Buffer.concat(io.stdout).toString(), 'FROM STDIN');
    const out = path.join(project, 'answer.txt');
    const second = collector('dash');
    assert.equal(await run(['invoke', '--url', container.url, '-', '--output', out], second), 0, second.stderr.join(''));
    assert.equal(fs.readFileSync(out, 'utf8'), 'DASH');
    assert.deepEqual(second.stdout, []);
    assert.deepEqual(fs.readdirSync(project), ['answer.txt']);
  });

  test('a 500 exits 1 with the ModelError line, and prints no body', async (t) => {
    const container = await fakeContainer(() => ({ status: 500, body: 'cannot score this record' }));
    t.after(() => container.close());
    const io = collector('FAIL');
    assert.equal(await run(['invoke', '--url', container.url], io), 1);
    assert.deepEqual(io.stdout, []);
    assert.match(io.stderr.join(''), /smct: ModelError: Received server error \(500\) from primary with message "cannot score this record"\./);
  });

  test('--local reads serving.port from the job file; nothing listening says how to start an endpoint', async () => {
    const project = tempProject({ 'sagemaker-job.json': JSON.stringify({ image: 'x:1', serving: { port: 1 } }) });
    const io = collector('x');
    const code = await run(['invoke', '--local', '--job', path.join(project, 'sagemaker-job.json')], io);
    assert.equal(code, 1);
    assert.equal(io.stderr.join(''), 'smct: no local endpoint at http://127.0.0.1:1: start one with smct serve --local.\n');
  });

  test('two targets are a usage error', async () => {
    const io = collector('x');
    assert.equal(await run(['invoke', '--local', '--url', 'http://127.0.0.1:1'], io), 2);
  });

  test('smct models lists, loads and unloads through the multi-model API', async (t) => {
    const loaded = new Map<string, string>();
    const container = await fakeContainer((request) => {
      if (request.method === 'GET' && request.path === '/models') {
        return { status: 200, body: JSON.stringify({ models: [...loaded].map(([modelName, modelUrl]) => ({ modelName, modelUrl })) }) };
      }
      if (request.method === 'POST' && request.path === '/models') {
        const { model_name: name, url } = JSON.parse(request.body.toString()) as { model_name: string; url: string };
        if (loaded.has(name)) return { status: 409 };
        loaded.set(name, url);
        return { status: 200 };
      }
      if (request.method === 'DELETE') return loaded.delete(request.path.split('/')[2]) ? { status: 200 } : { status: 404 };
      return { status: 404 };
    });
    t.after(() => container.close());
    const models = async (...args: string[]): Promise<{ code: number; out: string; err: string }> => {
      const io = collector();
      const code = (await run(['models', '--url', container.url, ...args], io)) as number;
      return { code, out: Buffer.concat(io.stdout).toString(), err: io.stderr.join('') };
    };
    assert.deepEqual(await models('list'), { code: 0, out: 'No models loaded.\n', err: '' });
    assert.deepEqual(await models('load', 'a.tar.gz'), { code: 0, out: 'Loaded a.\n', err: '' });
    assert.equal(loaded.get('a'), '/opt/ml/models/a/model');
    assert.match((await models('load', 'a')).err, /model a is already loaded at .* \(409\)/);
    assert.deepEqual(await models('list'), { code: 0, out: 'a\t/opt/ml/models/a/model\n', err: '' });
    assert.deepEqual(await models('unload', 'a'), { code: 0, out: 'Unloaded a.\n', err: '' });
    const missing = await models('unload', 'a');
    assert.equal(missing.code, 1);
    assert.match(missing.err, /model a is not loaded at .* \(404\)/);
  });

  test('an endpoint name goes to InvokeEndpoint with the resolved target; without one, serving.endpointName', async (t) => {
    const calls: [AwsTarget, string, InvocationRequest][] = [];
    const original = invokeModule.invokeEndpoint;
    invokeModule.invokeEndpoint = async (target, name, request) => {
      calls.push([target, name, request]);
      return { status: 200, contentType: 'text/plain', body: Buffer.from('remote'), milliseconds: 7, invokedVariant: 'AllTraffic' };
    };
    t.after(() => (invokeModule.invokeEndpoint = original));
    const io = collector('payload');
    const code = await run(['invoke', 'my-endpoint', '--region', 'eu-west-1', '--target-model', 'a.tar.gz', '--accept', 'text/plain'], io);
    assert.equal(code, 0, io.stderr.join(''));
    assert.equal(Buffer.concat(io.stdout).toString(), 'remote');
    assert.equal(io.stderr.join(''), '200, text/plain, 6 bytes, 7 ms, variant AllTraffic\n');
    assert.equal(calls[0][0].region, 'eu-west-1');
    assert.equal(calls[0][1], 'my-endpoint');
    assert.deepEqual(
      { ...calls[0][2], body: calls[0][2].body.toString() },
      {
        body: 'payload',
        contentType: undefined,
        accept: 'text/plain',
        customAttributes: undefined,
        targetModel: 'a.tar.gz',
      },
    );
    const project = tempProject({
      'sagemaker-job.json': JSON.stringify({ image: 'x:1', baseJobName: 'my-job', region: 'us-west-2', serving: { endpointName: 'from-file' } }),
    });
    const second = collector('again');
    assert.equal(await run(['invoke', '--job', path.join(project, 'sagemaker-job.json')], second), 0, second.stderr.join(''));
    assert.deepEqual([calls[1][0].region, calls[1][1]], ['us-west-2', 'from-file']);
  });
});
