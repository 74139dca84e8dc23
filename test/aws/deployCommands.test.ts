import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import {
  CreateEndpointCommand,
  CreateEndpointConfigCommand,
  CreateModelCommand,
  DeleteEndpointConfigCommand,
  DeleteModelCommand,
  SageMakerClient,
} from '@aws-sdk/client-sagemaker';
import { startSmct, type SmctRun } from '../helpers/smctProcess';
import { deleteCommand } from '../../cli/src/endpointCommands';
import { tempProject } from '../helpers/tempDir';
import { scriptedEndpointRunner, startAwsEmulator, type AwsEmulator } from './emulator';
import { trainedJob } from './trainedJob';

// smct deploy, endpoints and delete as a user runs them (bin/smct.js over the bundles), against
// the emulator; the endpoints' containers are in-process servers, no Docker.
describe('smct deploy, endpoints, delete', () => {
  let emulator: AwsEmulator;
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'smct-home-'));

  before(async () => {
    emulator = await startAwsEmulator({
      endpointRunner: scriptedEndpointRunner({ healthy: (endpoint) => endpoint.model.PrimaryContainer?.Environment?.NEVER_HEALTHY === undefined }),
      endpointHealthCheckMs: 300,
    });
    emulator.s3.createBucket('models', emulator.region);
    emulator.s3.putObject('models', 'm/model.tar.gz', Buffer.from('a model'));
  });

  after(async () => {
    await emulator?.close();
    fs.rmSync(home, { recursive: true, force: true });
  });

  const smct = (args: string[], cwd: string): Promise<SmctRun> =>
    startSmct(args, { cwd, env: { ...process.env, ...emulator.env, HOME: home, AWS_CONFIG_FILE: '/nonexistent', AWS_SHARED_CREDENTIALS_FILE: '/nonexistent' } })
      .done;

  function project(endpointName: string, serving: Record<string, unknown> = {}): string {
    return tempProject({
      'sagemaker-job.json': JSON.stringify({
        baseJobName: 'cli',
        image: `${emulator.accountId}.dkr.ecr.${emulator.region}.amazonaws.com/server:1`,
        roleArn: `arn:aws:iam::${emulator.accountId}:role/SageMaker`,
        serving: { model: 's3://models/m/model.tar.gz', endpointName, ...serving },
      }),
    });
  }

  test('deploy follows the endpoint to InService and says how it is billed; endpoints lists it; delete refuses off a terminal without --yes', async () => {
    const name = `cli-${randomBytes(3).toString('hex')}`;
    const folder = project(name);
    const deployed = await smct(['deploy', '--poll-interval', '0.05'], folder);
    assert.equal(deployed.code, 0, deployed.stderr);
    assert.match(deployed.stdout, new RegExp(`^Creating endpoint ${name}\\narn:aws:sagemaker:eu-west-1:${emulator.accountId}:endpoint/${name}\\n`));
    assert.match(deployed.stdout, new RegExp(`Endpoint ${name} is InService\\.\\n$`));
    assert.match(deployed.stderr, /billed per instance-hour for as long as it exists, invoked or not.*https:\/\/aws\.amazon\.com\/sagemaker\/pricing\//);
    assert.match(deployed.stderr, /Z Creating\n[\s\S]*Z InService\n/);

    const listed = await smct(['endpoints', '--name-contains', name], folder);
    assert.equal(listed.code, 0, listed.stderr);
    assert.match(listed.stdout, new RegExp(`^${name}\\s+InService\\s+\\d{4}-`));
    assert.match(listed.stderr, /serverless endpoint is billed per use/);

    const refused = await smct(['delete', name], folder);
    assert.equal(refused.code, 2);
    assert.equal(refused.stderr.trim().split('\n').length, 1, refused.stderr);
    assert.match(refused.stderr, /no terminal to ask on: pass --yes/);
    assert.equal(emulator.sageMakerEndpoint(name).status, 'InService');

    const deleted = await smct(['delete', name, '--yes'], folder);
    assert.equal(deleted.code, 0, deleted.stderr);
    assert.match(deleted.stdout, new RegExp(`^Deleted endpoint ${name}\\nDeleted endpoint configuration ${name}-\\S+\\nDeleted model ${name}-\\S+\\n$`));
    assert.deepEqual(emulator.invalidRequests(), []);
  });

  test('delete asks on a terminal, and an answer other than yes deletes nothing and calls no AWS', async () => {
    const asked: string[] = [];
    const errors: string[] = [];
    const before = emulator.requests.length;
    const code = await deleteCommand(
      ['shop'],
      { out: () => {}, err: (text) => errors.push(text) },
      {
        interactive: true,
        confirm: async (question) => {
          asked.push(question);
          return false;
        },
      },
    );
    assert.equal(code, 1);
    assert.deepEqual(asked, ['Delete endpoint shop, its configuration and its model? [y/N] ']);
    assert.deepEqual(errors, ['Nothing deleted.\n']);
    assert.equal(emulator.requests.length, before);
  });

  test('deploying again updates the endpoint, then deletes the configuration and model it replaced', async () => {
    const name = `cli-up-${randomBytes(3).toString('hex')}`;
    const first = await smct(['deploy', '--poll-interval', '0.05'], project(name));
    assert.equal(first.code, 0, first.stderr);
    const oldConfig = emulator.sageMakerEndpoint(name).configName;
    const second = await smct(['deploy', '--poll-interval', '0.05'], project(name, { environment: { MODEL_VERSION: '2' } }));
    assert.equal(second.code, 0, second.stderr);
    assert.match(second.stdout, new RegExp(`^Updating endpoint ${name}\\n`));
    assert.match(second.stderr, new RegExp(`Deleted the replaced endpoint configuration ${oldConfig}\\nDeleted the replaced model ${oldConfig}\\n`));
    assert.notEqual(emulator.sageMakerEndpoint(name).configName, oldConfig);
    assert.ok(!emulator.hosting.configNames().includes(oldConfig));
    assert.equal((await smct(['delete', name, '--yes'], project(name))).code, 0);
  });

  test('an update leaves the replaced configuration and model when smct did not make them, and says so', async () => {
    const name = `cli-sdk-${randomBytes(3).toString('hex')}`;
    // As the SageMaker Python SDK names them: after the image, shared by whoever deployed it.
    const shared = `server-${randomBytes(3).toString('hex')}-2026-01-01-00-00-00-000`;
    const sagemaker = new SageMakerClient(emulator.clientConfig());
    try {
      await sagemaker.send(
        new CreateModelCommand({
          ModelName: shared,
          PrimaryContainer: { Image: `${emulator.accountId}.dkr.ecr.${emulator.region}.amazonaws.com/server:1`, ModelDataUrl: 's3://models/m/model.tar.gz' },
          ExecutionRoleArn: `arn:aws:iam::${emulator.accountId}:role/SageMaker`,
        }),
      );
      await sagemaker.send(
        new CreateEndpointConfigCommand({
          EndpointConfigName: shared,
          ProductionVariants: [{ VariantName: 'AllTraffic', ModelName: shared, InstanceType: 'ml.m5.large', InitialInstanceCount: 1 }],
        }),
      );
      await sagemaker.send(new CreateEndpointCommand({ EndpointName: name, EndpointConfigName: shared }));
      await emulator.waitForEndpoint(name);
      const run = await smct(['deploy', '--poll-interval', '0.05'], project(name));
      assert.equal(run.code, 0, run.stderr);
      assert.doesNotMatch(run.stderr, /Deleted the replaced/);
      assert.match(run.stderr, new RegExp(`Left endpoint configuration ${shared} and its models \\(${shared}\\): smct did not make them`));
      assert.ok(emulator.hosting.configNames().includes(shared));
      assert.ok(emulator.hosting.modelNames().includes(shared));
      assert.equal((await smct(['delete', name, '--yes'], project(name))).code, 0);
      await sagemaker.send(new DeleteEndpointConfigCommand({ EndpointConfigName: shared }));
      await sagemaker.send(new DeleteModelCommand({ ModelName: shared }));
    } finally {
      sagemaker.destroy();
    }
  });

  test('an update SageMaker rolls back fails deploy and deletes the configuration and model it made; the old ones keep serving', async () => {
    const name = `cli-back-${randomBytes(3).toString('hex')}`;
    const first = await smct(['deploy', '--poll-interval', '0.05'], project(name));
    assert.equal(first.code, 0, first.stderr);
    const oldConfig = emulator.sageMakerEndpoint(name).configName;
    const run = await smct(['deploy', '--poll-interval', '0.05'], project(name, { environment: { NEVER_HEALTHY: '1' } }));
    assert.equal(run.code, 1, run.stderr);
    assert.match(run.stderr, /The update of endpoint .* failed and SageMaker kept serving/);
    const newConfig = new RegExp(`Deleted the rolled-back endpoint configuration (${name}-\\S+)\\nDeleted the rolled-back model \\1\\n`).exec(run.stderr);
    assert.ok(newConfig, run.stderr);
    assert.notEqual(newConfig[1], oldConfig);
    assert.deepEqual(
      emulator.hosting.configNames().filter((config) => config.startsWith(`${name}-`)),
      [oldConfig],
    );
    assert.deepEqual(
      emulator.hosting.modelNames().filter((model) => model.startsWith(`${name}-`)),
      [oldConfig],
    );
    assert.equal(emulator.sageMakerEndpoint(name).status, 'InService');
    assert.equal((await smct(['delete', name, '--yes'], project(name))).code, 0);
  });

  test('--from-job serves a completed training job’s artifact; --no-wait returns while it is Creating', async () => {
    const jobName = `cli-trained-${randomBytes(3).toString('hex')}`;
    const name = `cli-job-${randomBytes(3).toString('hex')}`;
    const trained = await trainedJob(emulator, jobName);
    const folder = project(name);
    const run = await smct(['deploy', '--from-job', jobName, '--no-wait'], folder);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stderr, new RegExp(`Serving the model of training job ${jobName}: ${trained.modelArtifacts}`));
    assert.match(run.stderr, /smct endpoints --region eu-west-1 shows its status/);
    assert.doesNotMatch(run.stdout, /InService/);
    const created = emulator.requests.find((request) => request.operation === 'CreateModel' && JSON.stringify(request.input).includes(name));
    assert.equal((created?.input as { PrimaryContainer: { ModelDataUrl: string } }).PrimaryContainer.ModelDataUrl, trained.modelArtifacts);
    await emulator.waitForEndpoint(name);
    assert.equal((await smct(['delete', name, '--yes'], folder)).code, 0);
  });

  test('an endpoint that fails its health check ends deploy with exit 1 and SageMaker’s FailureReason', async () => {
    const name = `cli-sick-${randomBytes(3).toString('hex')}`;
    const folder = project(name, { environment: { NEVER_HEALTHY: '1' } });
    const run = await smct(['deploy', '--poll-interval', '0.05'], folder);
    assert.equal(run.code, 1, run.stderr);
    assert.match(run.stderr, /Endpoint .* is Failed: The primary container for production variant AllTraffic did not pass the ping health check/);
    assert.doesNotMatch(run.stderr, /^\s+at .+\(.+:\d+:\d+\)$/m, 'no stack trace');
    assert.equal((await smct(['delete', name, '--yes'], folder)).code, 0);
  });
});
