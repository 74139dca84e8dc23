import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ListBucketsCommand } from '@aws-sdk/client-s3';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { AwsClients } from '../../core/src/aws/awsClients';
import { explainAwsError } from '../../core/src/aws/awsErrors';
import { awsNetwork, bypassesProxy } from '../../core/src/aws/awsNetwork';
import { isSmctError } from '../../core/src/errors';
import { RecordingProxy } from '../helpers/recordingProxy';
import { startAwsEmulator, type AwsEmulator } from './emulator';

describe('NO_PROXY entries', () => {
  test('match the host, its subdomains, a port when given, and * everything', () => {
    assert.ok(bypassesProxy('s3.amazonaws.com', 443, ['amazonaws.com']));
    assert.ok(bypassesProxy('s3.amazonaws.com', 443, ['.amazonaws.com']));
    assert.ok(bypassesProxy('amazonaws.com', 443, ['.amazonaws.com']));
    assert.ok(!bypassesProxy('notamazonaws.com', 443, ['amazonaws.com']));
    assert.ok(bypassesProxy('127.0.0.1', 4566, ['127.0.0.1:4566']));
    assert.ok(!bypassesProxy('127.0.0.1', 4567, ['127.0.0.1:4566']));
    assert.ok(bypassesProxy('anything.example', 80, ['*']));
    assert.ok(bypassesProxy('::1', 80, ['[::1]']));
    assert.ok(!bypassesProxy('127.0.0.2', 80, ['127.0.0.1']));
  });
});

describe('AWS_CA_BUNDLE', () => {
  test('an unreadable file stops with one line naming the variable and the path', () => {
    const missing = path.join(os.tmpdir(), `smct-no-such-bundle-${process.pid}.pem`);
    assert.throws(
      () => awsNetwork({ AWS_CA_BUNDLE: missing }),
      (error: unknown) => isSmctError(error) && /AWS_CA_BUNDLE/.test(error.message) && error.message.includes(missing) && !error.message.includes('\n'),
    );
  });
});

describe('AWS calls through a proxy on loopback, against the AWS emulator', () => {
  let emulator: AwsEmulator;
  let saved: NodeJS.ProcessEnv;
  let emulatorHost = '';
  const made: AwsClients[] = [];
  const proxies: RecordingProxy[] = [];

  before(async () => {
    emulator = await startAwsEmulator();
    emulatorHost = new URL(emulator.env.AWS_ENDPOINT_URL).host;
    saved = process.env;
    process.env = { ...saved, ...emulator.env, AWS_CONFIG_FILE: '/nonexistent', AWS_SHARED_CREDENTIALS_FILE: '/nonexistent' };
  });

  after(async () => {
    for (const clients of made) clients.destroy();
    for (const proxy of proxies) await proxy.close();
    process.env = saved;
    await emulator.close();
  });

  async function proxy(refuse = false): Promise<{ proxy: RecordingProxy; address: string }> {
    const started = new RecordingProxy(refuse);
    proxies.push(started);
    return { proxy: started, address: await started.listen() };
  }

  function clientsWith(env: NodeJS.ProcessEnv): AwsClients {
    const clients = new AwsClients({ region: emulator.region }, undefined, awsNetwork(env));
    made.push(clients);
    return clients;
  }

  test('HTTP_PROXY carries STS and S3 calls (the credential calls go the same way)', async () => {
    const { proxy: recording, address } = await proxy();
    const clients = clientsWith({ HTTP_PROXY: `http://${address}` });
    const before = emulator.requests.length;
    const identity = await clients.sts.send(new GetCallerIdentityCommand({}));
    assert.ok(identity.Account);
    await clients.s3.send(new ListBucketsCommand({}));
    assert.deepEqual(
      emulator.requests.slice(before).map((request) => request.operation),
      ['GetCallerIdentity', 'ListBuckets'],
    );
    assert.ok(recording.hosts.length > 0, 'the proxy saw no request');
    assert.ok(
      recording.hosts.every((host) => host === emulatorHost),
      `the proxy was asked for ${recording.hosts.join(', ')}`,
    );
  });

  test('NO_PROXY sends the named host straight to it', async () => {
    const { proxy: recording, address } = await proxy();
    const clients = clientsWith({ http_proxy: `http://${address}`, no_proxy: 'example.com, 127.0.0.1' });
    await clients.sts.send(new GetCallerIdentityCommand({}));
    assert.deepEqual(recording.hosts, []);
  });

  test('a proxy URL with credentials sends Proxy-Authorization', async () => {
    const { proxy: recording, address } = await proxy();
    const clients = clientsWith({ HTTP_PROXY: `http://smct-user:proxy-pass-not-shown@${address}` });
    await clients.sts.send(new GetCallerIdentityCommand({}));
    assert.equal(recording.authorizations[0], `Basic ${Buffer.from('smct-user:proxy-pass-not-shown').toString('base64')}`);
  });

  test('a proxy that refuses (407): the error names neither the user nor the password', async () => {
    const { proxy: recording, address } = await proxy(true);
    const clients = clientsWith({ HTTP_PROXY: `http://smct-user:proxy-pass-not-shown@${address}` });
    const error = await clients.sts.send(new GetCallerIdentityCommand({})).then(
      () => assert.fail('the refused call succeeded'),
      (failure: unknown) => failure,
    );
    assert.ok(recording.hosts.length > 0, 'the proxy was not asked');
    const explained = explainAwsError(error, 'GetCallerIdentity', { region: emulator.region });
    for (const text of [String(error), (error as Error).stack ?? '', JSON.stringify(error), explained.message]) {
      assert.ok(!text.includes('proxy-pass-not-shown') && !text.includes('smct-user'), `credentials shown: ${text}`);
    }
  });

  describe('an https endpoint with a certificate of its own CA', () => {
    const openssl = spawnSync('openssl', ['version']).status === 0;
    let folder = '';
    let server: https.Server | undefined;
    let endpoint = '';

    before(async () => {
      if (!openssl) return;
      folder = fs.mkdtempSync(path.join(os.tmpdir(), 'smct-proxy-ca-'));
      const made = spawnSync('openssl', [
        ...['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1'],
        ...['-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', path.join(folder, 'key.pem'), '-out', path.join(folder, 'cert.pem')],
      ]);
      assert.equal(made.status, 0, made.stderr.toString());
      // Relays each request to the emulator: the SDK speaks TLS to this server, through the proxy's tunnel.
      server = https.createServer(
        { key: fs.readFileSync(path.join(folder, 'key.pem')), cert: fs.readFileSync(path.join(folder, 'cert.pem')) },
        (request, response) => {
          const upstream = http.request(`${emulator.env.AWS_ENDPOINT_URL}${request.url}`, { method: request.method, headers: request.headers }, (answer) => {
            response.writeHead(answer.statusCode ?? 502, answer.headers);
            answer.pipe(response);
          });
          request.pipe(upstream);
        },
      );
      await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
      endpoint = `https://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
    });

    after(async () => {
      if (server) {
        server.closeAllConnections();
        await new Promise((resolve) => server?.close(resolve));
      }
      if (folder) fs.rmSync(folder, { recursive: true, force: true });
    });

    const skip = openssl ? false : 'openssl is not installed: no certificate to test AWS_CA_BUNDLE with';

    test('HTTPS_PROXY tunnels with CONNECT, and AWS_CA_BUNDLE makes the certificate trusted', { skip }, async () => {
      const { proxy: recording, address } = await proxy();
      process.env.AWS_ENDPOINT_URL_STS = endpoint;
      try {
        const untrusting = clientsWith({ HTTPS_PROXY: `http://${address}` });
        await assert.rejects(untrusting.sts.send(new GetCallerIdentityCommand({})), /self[- ]signed|certificate/i);
        const trusting = clientsWith({ HTTPS_PROXY: `http://${address}`, AWS_CA_BUNDLE: path.join(folder, 'cert.pem') });
        const identity = await trusting.sts.send(new GetCallerIdentityCommand({}));
        assert.ok(identity.Account);
      } finally {
        process.env.AWS_ENDPOINT_URL_STS = emulator.env.AWS_ENDPOINT_URL_STS;
      }
      assert.ok(recording.hosts.length >= 2);
      assert.ok(recording.hosts.every((host) => host === new URL(endpoint).host));
    });
  });
});
