import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { DeleteEndpointCommand, DeleteEndpointConfigCommand } from '@aws-sdk/client-sagemaker';
import { AwsClients } from '../../core/src/aws/awsClients';
import { deployEndpoint } from '../../core/src/aws/deploy';
import { followEndpoint } from '../../core/src/aws/endpointFollower';
import { deleteEndpoint, findEndpoint, listEndpoints } from '../../core/src/aws/endpoints';
import { invokeEndpoint } from '../../core/src/aws/invokeEndpoint';
import { loadTrainingJob } from '../../core/src/job/trainingJob';
import { isSmctError } from '../../core/src/errors';
import { tempProject } from '../helpers/tempDir';
import { scriptedEndpointRunner, startAwsEmulator, type AwsEmulator } from './emulator';
import { trainedJob } from './trainedJob';

// The engine's endpoints against the emulator, without Docker: the image is already "in ECR" and
// each endpoint's container is an in-process server (healthy unless its environment says NEVER_HEALTHY).
describe('endpoints against the AWS emulator', () => {
  let emulator: AwsEmulator;
  let saved: NodeJS.ProcessEnv;

  before(async () => {
    emulator = await startAwsEmulator({
      endpointRunner: scriptedEndpointRunner({ healthy: (endpoint) => endpoint.model.PrimaryContainer?.Environment?.NEVER_HEALTHY === undefined }),
      endpointHealthCheckMs: 300,
    });
    saved = process.env;
    process.env = { ...saved, ...emulator.env, AWS_CONFIG_FILE: '/nonexistent', AWS_SHARED_CREDENTIALS_FILE: '/nonexistent' };
    emulator.s3.createBucket('models', emulator.region);
    emulator.s3.putObject('models', 'm/model.tar.gz', Buffer.from('a model'));
  });

  after(async () => {
    process.env = saved;
    await emulator.close();
  });

  const clients = (): AwsClients => new AwsClients({ region: emulator.region });
  const target = () => ({ region: emulator.region });
  const unique = (base: string): string => `${base}-${randomBytes(3).toString('hex')}`;

  function jobFile(serving: Record<string, unknown>, files: Record<string, string> = {}): string {
    const folder = tempProject({
      ...files,
      'sagemaker-job.json': JSON.stringify({
        baseJobName: 'engine',
        image: `${emulator.accountId}.dkr.ecr.${emulator.region}.amazonaws.com/server:1`,
        roleArn: `arn:aws:iam::${emulator.accountId}:role/SageMaker`,
        serving: { model: 's3://models/m/model.tar.gz', ...serving },
      }),
    });
    return path.join(folder, 'sagemaker-job.json');
  }

  test('deploy → InService → invoke → delete, every request valid by the official models', async () => {
    const name = unique('life');
    const c = clients();
    try {
      const deployed = await deployEndpoint(c, loadTrainingJob(jobFile({ endpointName: name })));
      assert.equal(deployed.updated, false);
      assert.match(deployed.resourceName, new RegExp(`^${name}-\\d{4}-\\d{2}-\\d{2}-\\d{2}-\\d{2}-\\d{2}-\\d{3}$`));
      const statuses: string[] = [];
      const lines: string[] = [];
      const final = await followEndpoint(c, name, { intervalMs: 20, onStatus: (status) => statuses.push(status), onLog: (line) => lines.push(line.text) });
      assert.equal(final.EndpointStatus, 'InService');
      assert.deepEqual(statuses.slice(-1), ['InService']);
      assert.ok(lines.includes('Listening on port 8080'), lines.join('\n'));
      assert.ok((await listEndpoints(c, { nameContains: name })).some((endpoint) => endpoint.EndpointName === name));

      const answer = await invokeEndpoint(target(), name, { body: Buffer.from('hello'), contentType: 'text/plain' });
      assert.equal(answer.status, 200);
      assert.equal(answer.body.toString(), 's3://models/m/model.tar.gz HELLO');
      assert.equal(answer.invokedVariant, 'AllTraffic');
      const failed = await invokeEndpoint(target(), name, { body: Buffer.from('FAIL please'), contentType: 'text/plain' });
      assert.equal(failed.status, 500, 'the container’s own status, from the ModelError');
      assert.equal(failed.body.toString(), 'model failed on: FAIL please');

      const outcome = await deleteEndpoint(c, name);
      assert.deepEqual(outcome.deleted, [`endpoint ${name}`, `endpoint configuration ${deployed.resourceName}`, `model ${deployed.resourceName}`]);
      await emulator.waitForEndpoint(name).catch(() => undefined);
      assert.equal(await findEndpoint(c, name), undefined);
      assert.ok(!emulator.hosting.modelNames().includes(deployed.resourceName));
      const again = await deleteEndpoint(c, name);
      assert.deepEqual(again.deleted, []);
      assert.match(again.notes.join('\n'), /No endpoint .* in eu-west-1/);
      assert.match(again.notes.join('\n'), /No endpoint configuration or model smct made for .* is left/);
      await assert.rejects(invokeEndpoint(target(), name, { body: Buffer.from('x') }), (error: unknown) => {
        assert.ok(isSmctError(error, 'AWS_INVALID'));
        assert.equal(error.message, `InvokeEndpoint was refused: Endpoint ${name} of account ${emulator.accountId} not found.`);
        return true;
      });
      const invocations = emulator.requests.filter((request) => request.operation === 'InvokeEndpoint');
      assert.ok(invocations.length >= 3 && invocations.every((request) => request.service === 'sagemaker-runtime' && request.valid));
      assert.deepEqual(emulator.invalidRequests(), []);
    } finally {
      c.destroy();
    }
  });

  test('delete run again after a half-done delete finds the configuration and model smct named <endpoint>-<stamp>, and only those', async () => {
    const name = unique('half');
    const c = clients();
    try {
      const deployed = await deployEndpoint(c, loadTrainingJob(jobFile({ endpointName: name })));
      await followEndpoint(c, name, { intervalMs: 20 });
      // Another endpoint's pieces whose names start the same must stay.
      const other = await deployEndpoint(c, loadTrainingJob(jobFile({ endpointName: `${name}-blue` })));
      await followEndpoint(c, `${name}-blue`, { intervalMs: 20 });
      // The first delete stopped after the endpoint went.
      await c.sagemaker.send(new DeleteEndpointCommand({ EndpointName: name }));
      await emulator.waitForEndpoint(name).catch(() => undefined);
      const outcome = await deleteEndpoint(c, name);
      assert.deepEqual(outcome.deleted, [`endpoint configuration ${deployed.resourceName}`, `model ${deployed.resourceName}`]);
      assert.match(outcome.notes.join('\n'), new RegExp(`No endpoint ${name} in eu-west-1`));
      assert.ok(!emulator.hosting.configNames().includes(deployed.resourceName));
      assert.ok(!emulator.hosting.modelNames().includes(deployed.resourceName));
      assert.ok(emulator.hosting.configNames().includes(other.resourceName), 'another endpoint’s configuration stays');
      assert.ok(emulator.hosting.modelNames().includes(other.resourceName), 'another endpoint’s model stays');

      // A delete stopped after the configuration went leaves the model; the next run finds it too.
      const second = await deployEndpoint(c, loadTrainingJob(jobFile({ endpointName: name })));
      await followEndpoint(c, name, { intervalMs: 20 });
      await c.sagemaker.send(new DeleteEndpointCommand({ EndpointName: name }));
      await emulator.waitForEndpoint(name).catch(() => undefined);
      await c.sagemaker.send(new DeleteEndpointConfigCommand({ EndpointConfigName: second.resourceName }));
      const rest = await deleteEndpoint(c, name);
      assert.deepEqual(rest.deleted, [`model ${second.resourceName}`]);
      assert.ok(emulator.hosting.modelNames().includes(other.resourceName));
      await deleteEndpoint(c, `${name}-blue`);
      assert.deepEqual(emulator.invalidRequests(), []);
    } finally {
      c.destroy();
    }
  });

  test('deploying again updates the endpoint to a new model and configuration; the old one serves until then', async () => {
    const name = unique('update');
    const c = clients();
    try {
      let clock = Date.parse('2026-01-01T00:00:00Z');
      const now = () => new Date((clock += 1000));
      const first = await deployEndpoint(c, loadTrainingJob(jobFile({ endpointName: name })), { now });
      await followEndpoint(c, name, { intervalMs: 20 });
      const second = await deployEndpoint(c, loadTrainingJob(jobFile({ endpointName: name, environment: { MODEL_VERSION: '2' } })), { now });
      assert.equal(second.updated, true);
      assert.equal(second.previousConfig, first.resourceName);
      assert.notEqual(second.resourceName, first.resourceName);
      const final = await followEndpoint(c, name, { intervalMs: 20, expectConfig: second.resourceName });
      assert.equal(final.EndpointConfigName, second.resourceName);
      assert.ok(emulator.hosting.configNames().includes(first.resourceName), 'the old configuration is left to the caller');
      assert.deepEqual(
        emulator.requests.filter((request) => request.operation === 'UpdateEndpoint').map((request) => request.input),
        [{ EndpointName: name, EndpointConfigName: second.resourceName }],
      );
      await deleteEndpoint(c, name);
      assert.deepEqual(emulator.invalidRequests(), []);
    } finally {
      c.destroy();
    }
  });

  test('an endpoint whose container never answers /ping fails with SageMaker’s FailureReason', async () => {
    const name = unique('sick');
    const c = clients();
    try {
      await deployEndpoint(c, loadTrainingJob(jobFile({ endpointName: name, environment: { NEVER_HEALTHY: '1' } })));
      await assert.rejects(followEndpoint(c, name, { intervalMs: 20 }), (error: unknown) => {
        assert.ok(isSmctError(error, 'ENDPOINT_FAILED'));
        assert.match(error.message, /is Failed: The primary container for production variant AllTraffic did not pass the ping health check/);
        return true;
      });
      const models = emulator.hosting.modelNames().length;
      await assert.rejects(
        deployEndpoint(c, loadTrainingJob(jobFile({ endpointName: name }))),
        new RegExp(
          `Endpoint ${name} is Failed \\(The primary container .*\\) and SageMaker cannot update a failed endpoint: delete it \\(smct delete ${name}\\)`,
        ),
      );
      assert.equal(emulator.hosting.modelNames().length, models, 'nothing is created for an endpoint that cannot take it');
      await deleteEndpoint(c, name);
    } finally {
      c.destroy();
    }
  });

  test('--from-job serves a completed training job’s model artifact', async () => {
    const c = clients();
    const jobName = unique('trained');
    const name = unique('fromjob');
    try {
      const trained = await trainedJob(emulator, jobName);
      assert.equal(trained.status, 'Completed');
      const deployed = await deployEndpoint(c, loadTrainingJob(jobFile({ endpointName: name })), { fromJob: jobName });
      assert.equal(deployed.requests.model.PrimaryContainer?.ModelDataUrl, trained.modelArtifacts);
      await followEndpoint(c, name, { intervalMs: 20 });
      await deleteEndpoint(c, name);
      await assert.rejects(
        deployEndpoint(c, loadTrainingJob(jobFile({ endpointName: unique('nojob') })), { fromJob: 'no-such-job' }),
        /No training job named no-such-job/,
      );
    } finally {
      c.destroy();
    }
  });

  test('a local model.tar.gz is uploaded under its content hash; the latest local run is refused with what to do', async () => {
    const name = unique('local');
    const c = clients();
    try {
      const file = jobFile({ endpointName: name, model: 'model.tar.gz' }, { 'model.tar.gz': 'packed model' });
      const deployed = await deployEndpoint(c, loadTrainingJob(file));
      const url = deployed.requests.model.PrimaryContainer?.ModelDataUrl ?? '';
      assert.match(url, new RegExp(`^s3://sagemaker-eu-west-1-${emulator.accountId}/smct/models/${name}/[0-9a-f]{64}/model\\.tar\\.gz$`));
      const key = url.replace(/^s3:\/\/[^/]+\//, '');
      assert.equal(emulator.s3.getObject(`sagemaker-eu-west-1-${emulator.accountId}`, key).bytes.toString(), 'packed model');
      await followEndpoint(c, name, { intervalMs: 20 });
      await deleteEndpoint(c, name);

      const noModel = path.join(path.dirname(jobFile({})), 'sagemaker-job.json');
      const json = JSON.parse(fs.readFileSync(noModel, 'utf8')) as { serving: Record<string, unknown> };
      delete json.serving.model;
      fs.writeFileSync(noModel, JSON.stringify(json));
      const before = emulator.requests.length;
      await assert.rejects(deployEndpoint(c, loadTrainingJob(noModel)), (error: unknown) => {
        assert.ok(isSmctError(error, 'REQUEST_INVALID'));
        assert.match(error.message, /pass --from-job <training job>.*s3:\/\/ URI or a local model\.tar\.gz/);
        return true;
      });
      assert.deepEqual(
        emulator.requests.slice(before).filter((request) => !/^(Describe|Get)/.test(request.operation)),
        [],
        'nothing is made or uploaded',
      );
    } finally {
      c.destroy();
    }
  });

  test('a job file the API would refuse is reported at its keys before any AWS call', async () => {
    const c = clients();
    try {
      const before = emulator.requests.length;
      // The schema refuses these in a job file; a job built by other code meets the same limits here.
      const job = loadTrainingJob(jobFile({}));
      const broken = { ...job, serving: { ...job.serving, endpointName: 'bad_name', startupHealthCheckSeconds: 30 } };
      await assert.rejects(deployEndpoint(c, broken), (error: unknown) => {
        assert.ok(isSmctError(error, 'JOB_FILE_INVALID'), String(error));
        assert.match(error.message, /`serving\.endpointName`: .*"bad_name"/);
        assert.match(error.message, /`serving\.startupHealthCheckTimeoutSeconds`: .*is 30; the least allowed is 60/);
        return true;
      });
      assert.equal(emulator.requests.length, before);
    } finally {
      c.destroy();
    }
  });
  // Last in this file: the refused request is one the emulator records as invalid, which the tests above assert there are none of.
  test('a deployment SageMaker refuses deletes the model it had made; an update refused leaves the endpoint serving as it was', async () => {
    const name = unique('refused');
    const c = clients();
    try {
      const warnings: string[] = [];
      // An instance type of the right shape that SageMaker does not have: CreateEndpointConfig is refused.
      const bad = loadTrainingJob(jobFile({ endpointName: name, instanceType: 'ml.nope.large' }));
      await assert.rejects(deployEndpoint(c, bad, { onWarning: (message) => warnings.push(message) }), (error: unknown) => {
        assert.ok(isSmctError(error, 'AWS_INVALID'), String(error));
        assert.match(error.message, /CreateEndpointConfig/);
        return true;
      });
      assert.deepEqual(warnings, []);
      assert.ok(!emulator.hosting.modelNames().some((model) => model.startsWith(`${name}-`)), 'the model it made is deleted');
      assert.ok(!emulator.hosting.configNames().some((config) => config.startsWith(`${name}-`)));
      assert.equal(await findEndpoint(c, name), undefined);

      const good = await deployEndpoint(c, loadTrainingJob(jobFile({ endpointName: name })));
      await followEndpoint(c, name, { intervalMs: 20 });
      await assert.rejects(deployEndpoint(c, bad));
      assert.deepEqual(
        emulator.hosting.modelNames().filter((model) => model.startsWith(`${name}-`)),
        [good.resourceName],
      );
      assert.deepEqual(
        emulator.hosting.configNames().filter((config) => config.startsWith(`${name}-`)),
        [good.resourceName],
      );
      const endpoint = await findEndpoint(c, name);
      assert.equal(endpoint?.EndpointStatus, 'InService');
      assert.equal(endpoint?.EndpointConfigName, good.resourceName);
      await deleteEndpoint(c, name);
    } finally {
      c.destroy();
    }
  });
});
