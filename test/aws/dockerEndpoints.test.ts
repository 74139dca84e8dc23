// Endpoints served for real: the emulator's dockerEndpointRunner pulls the serving image from a
// real registry standing in for ECR and runs it through the project's local serving
// (startLocalEndpoint) on the real Docker engine; the engine deploys, follows, invokes, deletes.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import * as tar from 'tar';
import { AwsClients } from '../../core/src/aws/awsClients';
import { deployEndpoint } from '../../core/src/aws/deploy';
import { followEndpoint } from '../../core/src/aws/endpointFollower';
import { isSmctError } from '../../core/src/errors';
import { loadTrainingJob } from '../../core/src/job/trainingJob';
import { registryMissing, startRegistry, type Registry } from '../helpers/registry';
import { startSmct, type SmctRun } from '../helpers/smctProcess';
import { tempProject } from '../helpers/tempDir';
import { jobContainers, pythonBaseMissing } from '../local/dockerFixtures';
import { dockerEndpointRunner, imagePullFailure, pingFailure, startAwsEmulator, type AwsEmulator } from './emulator';

const OWN = `smct-test-endpoint-${randomBytes(4).toString('hex')}`;
const FIXTURE = path.resolve(__dirname, '../../../test/fixtures/serving');

function docker(args: string[], input?: string): string {
  const result = spawnSync('docker', args, { encoding: 'utf8', input });
  if (result.status !== 0) throw new Error(`docker ${args[0]} failed: ${result.stderr}`);
  return result.stdout.trim();
}

const imageHere = (image: string): boolean => spawnSync('docker', ['image', 'inspect', image]).status === 0;

describe('endpoints served by the real serving container, pulled from the registry', { skip: registryMissing() ?? pythonBaseMissing() ?? false }, () => {
  let registry: Registry;
  let emulator: AwsEmulator;
  /** The fixture in the registry only: pulling it is the runner's job. */
  let image: string;
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'smct-home-'));
  let saved: NodeJS.ProcessEnv;

  before(async () => {
    registry = await startRegistry();
    emulator = await startAwsEmulator({ registry, endpointRunner: dockerEndpointRunner({ startupHealthCheckSeconds: 10, stopGraceSeconds: 5 }) });
    saved = process.env;
    process.env = { ...saved, ...emulator.env, AWS_CONFIG_FILE: '/nonexistent', AWS_SHARED_CREDENTIALS_FILE: '/nonexistent' };
    docker(['build', '-q', '--label', `smct.test=${OWN}`, '-t', `${OWN}:latest`, FIXTURE]);
    image = `${registry.endpoint}/${OWN}:1`;
    const config = fs.mkdtempSync(path.join(os.tmpdir(), 'smct-test-docker-'));
    try {
      docker(['--config', config, 'login', '--username', 'AWS', '--password-stdin', registry.endpoint], registry.password);
      docker(['tag', `${OWN}:latest`, image]);
      docker(['--config', config, 'push', '--quiet', image]);
      docker(['rmi', image]);
    } finally {
      fs.rmSync(config, { recursive: true, force: true });
    }
  });

  after(async () => {
    if (saved) process.env = saved;
    await emulator?.close();
    await registry?.close();
    spawnSync('docker', ['image', 'rm', '--force', `${OWN}:latest`, image]);
    fs.rmSync(home, { recursive: true, force: true });
  });

  const clients = (): AwsClients => new AwsClients({ region: emulator.region });
  const unique = (base: string): string => `${base}-${randomBytes(3).toString('hex')}`;
  const logLines = (name: string): string[] => {
    const group = `/aws/sagemaker/Endpoints/${name}`;
    return emulator.logs.streamNames(group).flatMap((stream) => emulator.logs.events(group, stream).map((event) => event.message));
  };
  const smct = (args: string[], cwd: string): Promise<SmctRun> =>
    startSmct(args, { cwd, env: { ...process.env, ...emulator.env, HOME: home, AWS_CONFIG_FILE: '/nonexistent', AWS_SHARED_CREDENTIALS_FILE: '/nonexistent' } })
      .done;

  /** A project whose serving image is `servingImage` and whose model (prefix.txt) is a local model.tar.gz that deploy uploads. */
  function project(endpointName: string, servingImage: string, environment: Record<string, string> = {}, prefix = 'linear-v1:'): string {
    const folder = tempProject({ 'model/prefix.txt': prefix });
    tar.create({ gzip: true, file: path.join(folder, 'model.tar.gz'), cwd: path.join(folder, 'model'), sync: true }, ['prefix.txt']);
    fs.writeFileSync(
      path.join(folder, 'sagemaker-job.json'),
      JSON.stringify({
        baseJobName: 'served',
        image: servingImage,
        roleArn: `arn:aws:iam::${emulator.accountId}:role/SageMaker`,
        serving: { model: 'model.tar.gz', endpointName, environment },
      }),
    );
    return folder;
  }

  test('Creating → InService once the pulled container answers /ping; smct invoke gets its answer; smct delete --yes stops and removes it and the pulled image', async () => {
    const name = unique('real');
    const folder = project(name, image, { SERVE_MODE: 'slow', SERVE_DELAY: '1' });
    assert.equal(imageHere(image), false, 'the image must come from the registry');
    const c = clients();
    try {
      await deployEndpoint(c, loadTrainingJob(path.join(folder, 'sagemaker-job.json')));
      const statuses: string[] = [];
      let linesAtInService: string[] = [];
      const final = await followEndpoint(c, name, {
        intervalMs: 50,
        onStatus: (status) => {
          statuses.push(status);
          if (status === 'InService') linesAtInService = logLines(name);
        },
      });
      assert.equal(final.EndpointStatus, 'InService');
      assert.deepEqual(statuses, ['Creating', 'InService']);
      // The container's own lines: it listened, and answered the engine's GET /ping, before the endpoint was InService.
      assert.ok(linesAtInService.includes('ARGS serve'), linesAtInService.join('\n'));
      assert.ok(
        linesAtInService.some((line) => /^LISTENING 8080 MODEL prefix\.txt$/.test(line)),
        linesAtInService.join('\n'),
      );
      assert.ok(linesAtInService.includes('REQUEST GET /ping'), linesAtInService.join('\n'));
      assert.equal(imageHere(image), true, 'the runner pulled the image');
      assert.equal(jobContainers(`serve-${name}`, { running: true }).length, 1);

      fs.writeFileSync(path.join(folder, 'body.txt'), 'hello');
      const invoked = await smct(['invoke', name, '--body', 'body.txt', '--content-type', 'text/plain'], folder);
      assert.equal(invoked.code, 0, invoked.stderr);
      assert.equal(invoked.stdout, 'linear-v1:HELLO');
      assert.ok(logLines(name).includes('REQUEST POST /invocations'));
      fs.writeFileSync(path.join(folder, 'fail.txt'), 'FAIL');
      const failed = await smct(['invoke', name, '--body', 'fail.txt', '--content-type', 'text/plain'], folder);
      assert.equal(failed.code, 1, 'the container’s 500');
      assert.match(failed.stderr, /500/);

      const deleted = await smct(['delete', name, '--yes'], folder);
      assert.equal(deleted.code, 0, deleted.stderr);
      await emulator.waitForEndpoint(name).catch(() => undefined);
      assert.deepEqual(jobContainers(`serve-${name}`), [], 'no container left with the engine’s labels');
      assert.ok(logLines(name).includes('GOT SIGTERM'), 'stopped with SIGTERM, as SageMaker stops it');
      assert.equal(imageHere(image), false, 'the image this endpoint pulled is removed with it');
      assert.deepEqual(emulator.invalidRequests(), []);
    } finally {
      c.destroy();
    }
  });

  test('deploying a new model updates the endpoint: the old container serves until the new one is InService, then goes', async () => {
    const name = unique('update');
    const c = clients();
    try {
      await deployEndpoint(c, loadTrainingJob(path.join(project(name, image), 'sagemaker-job.json')));
      await followEndpoint(c, name, { intervalMs: 50 });
      const [first] = jobContainers(`serve-${name}`, { running: true });
      assert.ok(first);
      // The new container listens only after 3 s: meanwhile the old one answers.
      const slow = project(name, image, { SERVE_MODE: 'slow', SERVE_DELAY: '3' }, 'linear-v2:');
      const second = await deployEndpoint(c, loadTrainingJob(path.join(slow, 'sagemaker-job.json')));
      assert.equal(second.updated, true);
      assert.equal(emulator.sageMakerEndpoint(name).status, 'Updating');
      fs.writeFileSync(path.join(slow, 'body.txt'), 'x');
      const during = await smct(['invoke', name, '--body', 'body.txt', '--content-type', 'text/plain'], slow);
      // Only meaningful while the update is still under way (no assumption on how long it takes).
      if (emulator.sageMakerEndpoint(name).status === 'Updating') assert.equal(during.stdout, 'linear-v1:X', during.stderr);
      await followEndpoint(c, name, { intervalMs: 50, expectConfig: second.resourceName });
      await emulator.waitForEndpoint(name);
      const folder = project(name, image);
      fs.writeFileSync(path.join(folder, 'body.txt'), 'x');
      const invoked = await smct(['invoke', name, '--body', 'body.txt', '--content-type', 'text/plain'], folder);
      assert.equal(invoked.stdout, 'linear-v2:X', invoked.stderr);
      const running = jobContainers(`serve-${name}`, { running: true });
      assert.equal(running.length, 1);
      assert.ok(!running.includes(first), 'the old container is stopped once the new one serves');
      assert.deepEqual(jobContainers(`serve-${name}`), running, 'and removed');
      await smct(['delete', name, '--yes'], folder);
      await emulator.waitForEndpoint(name).catch(() => undefined);
      assert.deepEqual(jobContainers(`serve-${name}`), []);
    } finally {
      c.destroy();
    }
  });

  test('a container that never answers /ping 200: the endpoint is Failed with SageMaker’s ping message; the engine’s reason is in its log; nothing is left', async () => {
    const name = unique('sick');
    const c = clients();
    try {
      await deployEndpoint(c, loadTrainingJob(path.join(project(name, image, { SERVE_MODE: 'never-healthy' }), 'sagemaker-job.json')));
      await assert.rejects(followEndpoint(c, name, { intervalMs: 50 }), (error: unknown) => {
        assert.ok(isSmctError(error, 'ENDPOINT_FAILED'));
        assert.match(error.message, new RegExp(`^Endpoint ${name} is Failed: ${escape(pingFailure('AllTraffic'))}`));
        return true;
      });
      assert.equal(emulator.sageMakerEndpoint(name).failureReason, pingFailure('AllTraffic'));
      const lines = logLines(name);
      assert.ok(lines.includes('REQUEST GET /ping'), lines.join('\n'));
      assert.ok(
        lines.some((line) => /GET \/ping answered 503 until the end of the 10 s startup health-check window/.test(line)),
        lines.join('\n'),
      );
      assert.deepEqual(jobContainers(`serve-${name}`), []);
      assert.equal(imageHere(image), false);
      await smct(['delete', name, '--yes'], os.tmpdir());
    } finally {
      c.destroy();
    }
  });

  test('an image that was never pushed: the endpoint is Failed with SageMaker’s words for it, the pull’s error in its log', async () => {
    const name = unique('nopull');
    const missing = `${registry.endpoint}/${OWN}-never-pushed:1`;
    const c = clients();
    try {
      await deployEndpoint(c, loadTrainingJob(path.join(project(name, missing), 'sagemaker-job.json')));
      await assert.rejects(followEndpoint(c, name, { intervalMs: 50 }), new RegExp(escape(imagePullFailure('AllTraffic'))));
      assert.ok(
        logLines(name).some((line) => line.includes(`The requested image ${missing} does not exist or cannot be pulled`)),
        logLines(name).join('\n'),
      );
      assert.deepEqual(jobContainers(`serve-${name}`), []);
      await smct(['delete', name, '--yes'], os.tmpdir());
    } finally {
      c.destroy();
    }
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
