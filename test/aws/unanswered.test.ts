import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startSmct, type RunningSmct, type SmctRun } from '../helpers/smctProcess';
import { tempProject } from '../helpers/tempDir';

// smct as users run it (bin/smct.js) against endpoints that misbehave as networks and proxies do:
// one that accepts and never answers, and one that answers with what is not AWS's.
type Run = SmctRun;

/** smct with `endpoint` as AWS, fake keys and no profile of the developer's; `child` lets a test press Ctrl-C. */
function smctAgainst(args: string[], endpoint: string, env: Record<string, string> = {}, files: Record<string, string> = {}): RunningSmct {
  // Removed when the test process exits, with whatever smct wrote there.
  const home = tempProject({});
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(home, name), text);
  return startSmct(args, {
    cwd: home,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: home,
      AWS_ENDPOINT_URL: endpoint,
      AWS_ACCESS_KEY_ID: 'AKIDTESTTESTTESTTEST',
      AWS_SECRET_ACCESS_KEY: 'test-secret-key-not-shown',
      AWS_CONFIG_FILE: path.join(home, 'none'),
      AWS_SHARED_CREDENTIALS_FILE: path.join(home, 'none'),
      ...env,
    },
  });
}

function assertPlain(run: Run): void {
  assert.doesNotMatch(run.stderr, /^\s+at .+:\d+:\d+\)?$/m, 'a stack trace was printed');
  assert.doesNotMatch(run.stderr, /\$response|UnknownError|@smithy|internal error/, 'the SDK spoke, not smct');
  assert.ok(!run.stderr.includes('test-secret-key-not-shown'), 'a secret was printed');
}

/** Polls `condition` every 20 ms until it holds. */
async function until(condition: () => boolean, what: string, limitMs = 10_000): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > limitMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('an AWS endpoint that accepts and never answers', () => {
  let server: net.Server;
  let endpoint: string;
  const sockets = new Set<net.Socket>();
  let accepted = 0;

  before(async () => {
    server = net.createServer((socket) => {
      accepted++;
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => {});
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    endpoint = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
  });
  after(() => {
    sockets.forEach((socket) => socket.destroy());
    server.close();
  });

  test('smct jobs gives up after its timeout, in our words, with exit 1', async () => {
    const run = await smctAgainst(['jobs', '--region', 'eu-west-1'], endpoint, { SMCT_AWS_REQUEST_TIMEOUT: '0.3' }).done;
    assert.equal(run.code, 1, run.stderr);
    assert.match(run.stderr, /AWS did not answer ListTrainingJobs \(SageMaker\) in eu-west-1 within 0\.3 s/);
    assert.match(run.stderr, /check the network, proxy or AWS_ENDPOINT_URL/);
    assertPlain(run);
  });

  /** A job whose image is in ECR already: submit's first step is an AWS call. */
  const remoteJob = JSON.stringify({
    baseJobName: 'hang',
    image: '123456789012.dkr.ecr.eu-west-1.amazonaws.com/trainer:1',
    roleArn: 'arn:aws:iam::123456789012:role/SageMaker',
    inputs: { train: 's3://data/train/' },
    output: { path: 's3://out/' },
  });
  for (const args of [['jobs'], ['stop', 'some-job'], ['logs', 'some-job'], ['submit']]) {
    test(`Ctrl-C ends smct ${args[0]} at once with exit 130, not after the timeout`, async () => {
      const before = accepted;
      const started = Date.now();
      const smct = smctAgainst([...args, '--region', 'eu-west-1'], endpoint, { SMCT_AWS_REQUEST_TIMEOUT: '600' }, { 'sagemaker-job.json': remoteJob });
      // The call is in flight once the endpoint has its connection.
      await until(() => accepted > before, 'the request to reach the endpoint');
      smct.child.kill('SIGINT');
      const run = await smct.done;
      assert.equal(run.code, 130, run.stderr);
      assert.match(run.stderr, /cancelled/);
      // A hang guard only: the timeout is ten minutes.
      assert.ok(Date.now() - started < 8000, `took ${Date.now() - started} ms`);
      assertPlain(run);
    });
  }

  test('Ctrl-C ends smct jobs at once while the credentials are still being fetched (an assumed role)', async () => {
    const before = accepted;
    const started = Date.now();
    const config = [
      '[profile dev]',
      'role_arn = arn:aws:iam::123456789012:role/Tester',
      'source_profile = base',
      '[profile base]',
      'aws_access_key_id = AKIDTESTTESTTESTTEST',
      'aws_secret_access_key = test-secret-key-not-shown',
      '',
    ].join('\n');
    const smct = smctAgainst(
      ['jobs', '--profile', 'dev', '--region', 'eu-west-1'],
      endpoint,
      { SMCT_AWS_REQUEST_TIMEOUT: '600', AWS_CONFIG_FILE: 'aws-config', AWS_ACCESS_KEY_ID: '', AWS_SECRET_ACCESS_KEY: '' },
      { 'aws-config': config },
    );
    // The STS AssumeRole call that resolving the profile makes is in flight, before ListTrainingJobs is sent.
    await until(() => accepted > before, 'the request to reach the endpoint');
    smct.child.kill('SIGINT');
    const run = await smct.done;
    assert.equal(run.code, 130, run.stderr);
    assert.ok(Date.now() - started < 8000, `took ${Date.now() - started} ms`);
    assertPlain(run);
  });
});

describe('an AWS endpoint that answers with what is not AWS', () => {
  let server: http.Server;
  let endpoint: string;
  let status = 500;
  let body = '<html><body>Bad gateway {{{ not json</body></html>';

  before(async () => {
    server = http.createServer((request, response) => {
      request.resume();
      response.writeHead(status, { 'content-type': 'text/html' });
      response.end(body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    endpoint = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
  });
  after(() => server.close());

  test('HTTP 500 with garbage: whose side, which call, and to try again', async () => {
    [status, body] = [500, '<html><body>Bad gateway {{{ not json</body></html>'];
    const run = await smctAgainst(['jobs', '--region', 'eu-west-1'], endpoint).done;
    assert.equal(run.code, 1, run.stderr);
    assert.match(run.stderr, /SageMaker failed ListTrainingJobs in eu-west-1 with HTTP 500/);
    assert.match(run.stderr, /on AWS's side \(or the endpoint's/);
    assert.match(run.stderr, /try again/i);
    assertPlain(run);
  });

  test('HTTP 503 with an empty body: no "Unknown: UnknownError"', async () => {
    [status, body] = [503, ''];
    const run = await smctAgainst(['jobs', '--region', 'eu-west-1'], endpoint).done;
    assert.equal(run.code, 1, run.stderr);
    assert.match(run.stderr, /SageMaker failed ListTrainingJobs in eu-west-1 with HTTP 503/);
    assert.match(run.stderr, /on AWS's side \(or the endpoint's/);
    assertPlain(run);
  });

  test('HTTP 200 with garbage: the answer could not be read, in our words', async () => {
    [status, body] = [200, '<html><body>Bad gateway {{{ not json</body></html>'];
    const run = await smctAgainst(['jobs', '--region', 'eu-west-1'], endpoint).done;
    assert.equal(run.code, 1, run.stderr);
    assert.match(run.stderr, /could not read SageMaker's answer to ListTrainingJobs in eu-west-1 \(HTTP 200\)/);
    assert.match(run.stderr, /AWS_ENDPOINT_URL/);
    assertPlain(run);
  });
});
