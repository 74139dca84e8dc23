import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import * as tar from 'tar';
import { isSmctError, loadTrainingJob, runLocalTraining, startLocalEndpoint, type LocalEndpointOptions } from '../../core/src';
import { BUSYBOX, BUSYBOX_DOCKERFILE, dockerBuild, leftovers, ownJobPrefix, pythonBaseMissing, trainingProject, writeJob } from './dockerFixtures';
import { tempProject } from '../helpers/tempDir';

const ROOT = path.resolve(__dirname, '../../..');
const BASE = ownJobPrefix('smct-test-serve');
const TAGS = {
  python: `${BASE}-py:latest`,
  bind: `${BASE}-py-bind:latest`,
  multi: `${BASE}-py-mme:latest`,
  busyboxBind: `${BASE}-bb-bind:latest`,
  noServe: `${BASE}-bb-noserve:latest`,
  instantExit: `${BASE}-bb-exit:latest`,
};

/**
 * A busybox image that serves /ping as a static file on 8080 (busybox httpd answers GET of a file
 * with 200), whatever SAGEMAKER_BIND_TO_PORT says, and prints GOT SIGTERM when stopped.
 */
const BUSYBOX_SERVE = `#!/bin/sh
trap 'echo "GOT SIGTERM"; exit 0' TERM
mkdir -p /www && touch /www/ping
echo "BUSYBOX SERVING on 8080 (SAGEMAKER_BIND_TO_PORT=$SAGEMAKER_BIND_TO_PORT)"
httpd -f -p 8080 -h /www &
wait
`;

function build(folder: string, tag: string, labels: string[] = []): void {
  const args = ['build', '-q', '-t', tag, ...labels.flatMap((label) => ['--label', label]), folder];
  const built = spawnSync('docker', args, { encoding: 'utf8' });
  if (built.status !== 0) throw new Error(`docker build of ${tag} failed: ${built.stderr}`);
}

/** A model.tar.gz holding prefix.txt (what the serving fixture prefixes its answers with). */
async function modelArchive(folder: string, prefix: string, name = 'model.tar.gz'): Promise<string> {
  const source = fs.mkdtempSync(path.join(folder, 'src-'));
  fs.writeFileSync(path.join(source, 'prefix.txt'), prefix);
  const file = path.join(folder, name);
  await tar.create({ gzip: true, file, cwd: source }, ['prefix.txt']);
  return file;
}

function post(url: string, body: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = http.request(url, { method: 'POST', headers: { 'Content-Type': 'text/plain', 'Content-Length': Buffer.byteLength(body) } }, (response) => {
      let text = '';
      response.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: text }));
    });
    request.on('error', reject);
    request.end(body);
  });
}

function getStatus(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    http.get(url, (response) => resolve(response.statusCode ?? 0)).on('error', reject);
  });
}

function assertNothingLeft(): void {
  const left = leftovers(`serve-${BASE}`);
  assert.deepEqual(left, { containers: '', networks: '', folders: [] });
}

describe('smct serve --local: the local endpoint on the real Docker engine', { skip: pythonBaseMissing() ?? false }, () => {
  let project: string;

  before(async () => {
    project = tempProject({});
    const serving = path.join(ROOT, 'test', 'fixtures', 'serving');
    build(serving, TAGS.python);
    build(serving, TAGS.bind, ['com.amazonaws.sagemaker.capabilities.accept-bind-to-port=true']);
    build(serving, TAGS.multi, ['com.amazonaws.sagemaker.capabilities.multi-models=true']);
    const busybox = trainingProject(`${BUSYBOX_DOCKERFILE}COPY serve /usr/local/bin/serve\n`, { serve: { content: BUSYBOX_SERVE, mode: 0o755 } });
    build(busybox, TAGS.busyboxBind, ['com.amazonaws.sagemaker.capabilities.accept-bind-to-port=true']);
    dockerBuild(trainingProject(BUSYBOX_DOCKERFILE), TAGS.noServe);
    const exiting = `#!/bin/sh\necho "no weights in /opt/ml/model"\nexit 3\n`;
    dockerBuild(trainingProject(`${BUSYBOX_DOCKERFILE}COPY serve /usr/local/bin/serve\n`, { serve: { content: exiting, mode: 0o755 } }), TAGS.instantExit);
    await modelArchive(project, 'v1:');
  });

  after(() => {
    spawnSync('docker', ['rmi', '--force', ...Object.values(TAGS)]);
  });

  function job(serving: Record<string, unknown>, image = TAGS.python) {
    return loadTrainingJob(writeJob(project, { image, baseJobName: BASE, serving: { model: 'model.tar.gz', ...serving } }));
  }

  async function failure(promise: Promise<unknown>): Promise<Error> {
    const error = await promise.then(
      () => undefined,
      (caught: unknown) => caught as Error,
    );
    assert.ok(error, 'the start should have failed');
    return error;
  }

  test('a healthy container: InService, the model mounted read-only, SIGTERM on stop, nothing left', async () => {
    const logs: string[] = [];
    const statuses: string[] = [];
    const endpoint = await startLocalEndpoint(job({ environment: { CUSTOM: 'yes' } }), {
      port: 0,
      startupHealthCheckSeconds: 60,
      onLog: (line) => logs.push(line),
      onStatus: (status) => statuses.push(status),
    });
    try {
      assert.match(endpoint.url, /^http:\/\/127\.0\.0\.1:\d+$/);
      assert.deepEqual(statuses, ['Downloading', 'Starting', 'Waiting', 'InService']);
      const answer = await post(`${endpoint.url}/invocations`, 'hello');
      assert.deepEqual(answer, { status: 200, body: 'v1:HELLO' });
      assert.ok(logs.includes('ARGS serve'), logs.join('\n'));
      assert.ok(logs.includes('ENV CUSTOM=yes'), logs.join('\n'));
      const mounts = spawnSync('docker', ['inspect', '--format', '{{range .Mounts}}{{.Destination}} {{.RW}};{{end}}', endpoint.containerName], {
        encoding: 'utf8',
      });
      assert.equal(mounts.stdout.trim(), '/opt/ml/model false;');
    } finally {
      await endpoint.stop();
    }
    const ended = await endpoint.ended;
    assert.equal(ended.exitCode, 0);
    assert.ok(logs.includes('GOT SIGTERM'), logs.join('\n'));
    assertNothingLeft();
  });

  test('never healthy (503) within a short window: SageMaker ping message with the answer, nothing left', async () => {
    const error = await failure(startLocalEndpoint(job({ environment: { SERVE_MODE: 'never-healthy' } }), { port: 0, startupHealthCheckSeconds: 3 }));
    assert.ok(isSmctError(error, 'SERVE_FAILED'), String(error));
    assert.match(
      error.message,
      /^The primary container for production variant AllTraffic did not pass the ping health check\. GET \/ping answered 503 until the end of the 3 s startup health-check window\.$/,
    );
    assertNothingLeft();
  });

  test('listening on another port: the message names the port it listens on', async () => {
    const error = await failure(startLocalEndpoint(job({ environment: { SERVE_MODE: 'wrong-port' } }), { port: 0, startupHealthCheckSeconds: 4 }));
    assert.ok(isSmctError(error, 'SERVE_FAILED'), String(error));
    assert.match(error.message, /did not pass the ping health check\. The container listens on port 8081, not on 8080/);
    assertNothingLeft();
  });

  test('another port first (metrics) and 8080 after a long load: InService, as SageMaker accepts it', async () => {
    // Longer than the 10 s after which other ports alone used to fail the start.
    const endpoint = await startLocalEndpoint(job({ environment: { SERVE_MODE: 'metrics-first', SERVE_DELAY: '12' } }), {
      port: 0,
      startupHealthCheckSeconds: 60,
    });
    try {
      assert.equal((await post(`${endpoint.url}/invocations`, 'late')).body, 'v1:LATE');
    } finally {
      await endpoint.stop(5);
    }
    assertNothingLeft();
  });

  test('nothing answering within the window: said so', async () => {
    const error = await failure(startLocalEndpoint(job({ environment: { SERVE_MODE: 'slow', SERVE_DELAY: '60' } }), { port: 0, startupHealthCheckSeconds: 3 }));
    assert.ok(isSmctError(error, 'SERVE_FAILED'), String(error));
    assert.match(error.message, /health check\. Nothing answered GET \/ping on the container's port 8080 within the 3 s startup health-check window\.$/);
    assertNothingLeft();
  });

  test('a crash at start: the exit code and the last lines', async () => {
    const error = await failure(startLocalEndpoint(job({ environment: { SERVE_MODE: 'crash' } }), { port: 0, startupHealthCheckSeconds: 60 }));
    assert.ok(isSmctError(error, 'SERVE_FAILED'), String(error));
    assert.match(error.message, /exited with code 3 before it answered\. Its last lines:\n[\s\S]*loading the model failed: no weights in \/opt\/ml\/model/);
    assertNothingLeft();
  });

  test('a container that ends at once, before its port can be read: still the exit code and the last lines', async () => {
    // The program ends within milliseconds of `docker start`: Docker unpublishes the ports of a container that ended.
    for (let attempt = 0; attempt < 3; attempt++) {
      const error = await failure(startLocalEndpoint(job({}, TAGS.instantExit), { port: 0, startupHealthCheckSeconds: 60 }));
      assert.ok(isSmctError(error, 'SERVE_FAILED'), String(error));
      assert.match(error.message, /exited with code 3 before it answered\. Its last lines:\nno weights in \/opt\/ml\/model$/);
    }
    assertNothingLeft();
  });

  test('accept-bind-to-port: the image is told SAGEMAKER_BIND_TO_PORT and honours it; one that ignores it is served on 8080 with a warning', async () => {
    const logs: string[] = [];
    const endpoint = await startLocalEndpoint(job({}, TAGS.bind), { port: 0, startupHealthCheckSeconds: 60, onLog: (line) => logs.push(line) });
    try {
      assert.equal((await post(`${endpoint.url}/invocations`, 'x')).body, 'v1:X');
      assert.ok(logs.includes('ENV SAGEMAKER_BIND_TO_PORT=9081'), logs.join('\n'));
      assert.ok(logs.includes('ENV SAGEMAKER_SAFE_PORT_RANGE=9082-9099'), logs.join('\n'));
    } finally {
      await endpoint.stop();
    }
    // Listening on 8080 anyway works on a single-container endpoint: served, with a warning.
    const warnings: string[] = [];
    const ignoring = await startLocalEndpoint(job({ image: TAGS.busyboxBind }, TAGS.busyboxBind), {
      port: 0,
      startupHealthCheckSeconds: 60,
      onWarning: (message) => warnings.push(message),
    });
    try {
      assert.equal(await getStatus(`${ignoring.url}/ping`), 200);
      assert.equal(warnings.length, 1, warnings.join('\n'));
      assert.match(
        warnings[0] ?? '',
        /declares com\.amazonaws\.sagemaker\.capabilities\.accept-bind-to-port=true but ignores SAGEMAKER_BIND_TO_PORT=9081 and listens on 8080/,
      );
      assert.match(warnings[0] ?? '', /fails in an inference pipeline or a multi-container endpoint/);
    } finally {
      await ignoring.stop(5);
    }
    assertNothingLeft();
  });

  test("an image without serve: docker's exec error, as SageMaker shows it", async () => {
    const error = await failure(startLocalEndpoint(job({ image: TAGS.noServe }, TAGS.noServe), { port: 0, startupHealthCheckSeconds: 10 }));
    assert.ok(isSmctError(error, 'SERVE_FAILED'), String(error));
    assert.match(error.message, /could not start: exec: "serve": executable file not found in \$PATH/);
    assertNothingLeft();
  });

  test('no model: no local training run, a missing path; a missing image', async () => {
    const none = loadTrainingJob(writeJob(project, { image: TAGS.python, baseJobName: BASE, output: { path: 'no-runs' } }));
    const missingRun = await failure(startLocalEndpoint(none, { port: 0 }));
    assert.ok(isSmctError(missingRun, 'FILE_UNREADABLE'), String(missingRun));
    assert.match(missingRun.message, /run "smct train --local" first, or set "serving\.model"/);
    const missingPath = await failure(startLocalEndpoint(job({ model: 'nowhere.tar.gz' }), { port: 0 }));
    assert.match(missingPath.message, /nowhere\.tar\.gz does not exist/);
    const noImage = await failure(startLocalEndpoint(job({ image: `${BASE}-absent:latest` }), { port: 0 }));
    assert.ok(isSmctError(noImage, 'IMAGE_MISSING'), String(noImage));
    assertNothingLeft();
  });

  test('MultiModel: refused without the label; with it, each archive at /opt/ml/models/<name>/model', async () => {
    const models = path.join(project, 'models');
    fs.mkdirSync(models);
    await modelArchive(models, 'a:', 'alpha.tar.gz');
    await modelArchive(models, 'b:', 'beta.tar.gz');
    const refused = await failure(startLocalEndpoint(job({ mode: 'MultiModel', model: 'models' }), { port: 0 }));
    assert.match(refused.message, /does not declare com\.amazonaws\.sagemaker\.capabilities\.multi-models=true/);
    const logs: string[] = [];
    const endpoint = await startLocalEndpoint(job({ mode: 'MultiModel', model: 'models', image: TAGS.multi }, TAGS.multi), {
      port: 0,
      startupHealthCheckSeconds: 60,
      onLog: (line) => logs.push(line),
    });
    try {
      assert.equal(endpoint.multiModel, true);
      assert.deepEqual(endpoint.models, ['alpha', 'beta']);
      assert.ok(logs.includes('ENV SAGEMAKER_MULTI_MODEL=true'), logs.join('\n'));
      // The fixture's load answers 404 for a url that is not a folder of the container.
      const loaded = await post(`${endpoint.url}/models`, JSON.stringify({ model_name: 'beta', url: '/opt/ml/models/beta/model' }));
      assert.equal(loaded.status, 200, loaded.body);
      assert.equal((await post(`${endpoint.url}/models/beta/invoke`, 'q')).body, 'b:Q');
    } finally {
      await endpoint.stop(5);
    }
    assertNothingLeft();
  });

  test('the model of a local training run, end to end', async () => {
    const trainer = trainingProject(BUSYBOX_DOCKERFILE);
    const trainerTag = `${BASE}-trainer:latest`;
    dockerBuild(trainer, trainerTag);
    try {
      const output = path.join(project, 'runs');
      const file = writeJob(project, { image: trainerTag, baseJobName: BASE, output: { path: output }, serving: { image: TAGS.python } });
      const trained = await runLocalTraining(loadTrainingJob(file));
      assert.equal(trained.status, 'Completed');
      const logs: string[] = [];
      const endpoint = await startLocalEndpoint(loadTrainingJob(file), { port: 0, startupHealthCheckSeconds: 60, onLog: (line) => logs.push(line) });
      await endpoint.stop();
      // The trainer wrote model-<host>.txt into /opt/ml/model: the server lists what it finds there.
      assert.ok(logs.includes('LISTENING 8080 MODEL model-algo-1.txt'), logs.join('\n'));
    } finally {
      spawnSync('docker', ['rmi', '--force', trainerTag]);
    }
    assertNothingLeft();
  });

  test('a host port already in use: said so, nothing left', async () => {
    const busy = http.createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    const port = (busy.address() as { port: number }).port;
    try {
      const error = await failure(startLocalEndpoint(job({}), { port, startupHealthCheckSeconds: 10 }));
      assert.ok(isSmctError(error, 'SERVE_FAILED'), String(error));
      assert.equal(error.message, `Port ${port} of 127.0.0.1 is already in use: pick another with --port (0 picks a free one).`);
    } finally {
      busy.close();
    }
    assertNothingLeft();
  });

  test('a daemon that drops at docker start: DOCKER_UNAVAILABLE, nothing left', async () => {
    // A docker on PATH that passes every command to the real one except start, which fails as a
    // stopped daemon does.
    const real = spawnSync('sh', ['-c', 'command -v docker'], { encoding: 'utf8' }).stdout.trim();
    const bin = tempProject({
      docker: [
        '#!/bin/sh',
        'if [ "$1" = start ]; then echo "Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?" >&2; exit 1; fi',
        `exec ${real} "$@"`,
        '',
      ].join('\n'),
    });
    fs.chmodSync(path.join(bin, 'docker'), 0o755);
    const savedPath = process.env.PATH;
    process.env.PATH = `${bin}${path.delimiter}${savedPath ?? ''}`;
    try {
      const error = await failure(startLocalEndpoint(job({}), { port: 0, startupHealthCheckSeconds: 10 }));
      assert.ok(isSmctError(error, 'DOCKER_UNAVAILABLE'), String(error));
    } finally {
      process.env.PATH = savedPath;
    }
    assertNothingLeft();
  });

  test('aborting before InService: CANCELLED, nothing left', async () => {
    const abort = new AbortController();
    const options: LocalEndpointOptions = {
      port: 0,
      startupHealthCheckSeconds: 60,
      signal: abort.signal,
      onStatus: (status) => {
        if (status === 'Waiting') abort.abort();
      },
    };
    const error = await failure(startLocalEndpoint(job({ environment: { SERVE_MODE: 'never-healthy' } }), options));
    assert.ok(isSmctError(error, 'CANCELLED'), String(error));
    assertNothingLeft();
  });

  test('an archive that reaches outside the model folder is refused', async () => {
    const evil = path.join(project, 'evil');
    fs.mkdirSync(evil);
    fs.symlinkSync('/etc/passwd', path.join(evil, 'passwd'));
    await tar.create({ gzip: true, file: path.join(project, 'evil.tar.gz'), cwd: evil }, ['passwd']);
    const error = await failure(startLocalEndpoint(job({ model: 'evil.tar.gz' }), { port: 0 }));
    assert.ok(isSmctError(error, 'FILE_UNREADABLE'), String(error));
    assert.match(error.message, /the link passwd points outside the model folder/);
    assertNothingLeft();
  });
});

// Busybox is all the busybox-only tests need; the check keeps the import used when Python is missing.
void BUSYBOX;
