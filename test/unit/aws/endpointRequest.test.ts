import assert from 'node:assert/strict';
import * as path from 'node:path';
import { test } from 'node:test';
import { checkEndpointRequests, ENDPOINT_LIMITS, endpointRequests, endpointResourceName, updateEndpointRequest } from '../../../core/src/aws/endpointRequest';
import { loadTrainingJob, type TrainingJob } from '../../../core/src/job/trainingJob';
import { tempProject } from '../../helpers/tempDir';
import { loadModel, type ServiceModel, type Shape } from '../../aws/emulator/models';
import { validateInput } from '../../aws/emulator/modelValidator';

const model: ServiceModel = loadModel('sagemaker');
const ROLE = 'arn:aws:iam::123456789012:role/SageMaker';
const IMAGE = '123456789012.dkr.ecr.eu-west-1.amazonaws.com/server@sha256:' + 'a'.repeat(64);

function job(serving: Record<string, unknown>, extra: Record<string, unknown> = {}): TrainingJob {
  const folder = tempProject({
    'sagemaker-job.json': JSON.stringify({
      baseJobName: 'unit',
      image: 'server:1',
      roleArn: ROLE,
      serving: { model: 's3://b/m/model.tar.gz', ...serving },
      ...extra,
    }),
  });
  return loadTrainingJob(path.join(folder, 'sagemaker-job.json'));
}

const placed = (name = 'shop-2026-01-01-00-00-00-000') => ({ resourceName: name, image: IMAGE, modelDataUrl: 's3://b/m/model.tar.gz', roleArn: ROLE });

/** Each request as the official model sees it: no issue at all. */
function assertValid(requests: ReturnType<typeof endpointRequests>): void {
  assert.deepEqual(validateInput(model, 'CreateModel', requests.model), []);
  assert.deepEqual(validateInput(model, 'CreateEndpointConfig', requests.config), []);
  assert.deepEqual(validateInput(model, 'CreateEndpoint', requests.endpoint), []);
  assert.deepEqual(validateInput(model, 'UpdateEndpoint', updateEndpointRequest(requests)), []);
}

test('a real-time endpoint: one AllTraffic variant of the instance type and count, the environment, the role, the tags', () => {
  const requests = endpointRequests(
    job({ endpointName: 'shop', instanceType: 'ml.c5.xlarge', instanceCount: 2, environment: { WORKERS: '2' } }, { tags: { team: 'ml' } }),
    placed(),
  );
  const tags = [{ Key: 'team', Value: 'ml' }];
  assert.deepEqual(requests.model, {
    ModelName: 'shop-2026-01-01-00-00-00-000',
    PrimaryContainer: { Image: IMAGE, ModelDataUrl: 's3://b/m/model.tar.gz', Environment: { WORKERS: '2' } },
    ExecutionRoleArn: ROLE,
    Tags: tags,
  });
  assert.deepEqual(requests.config, {
    EndpointConfigName: 'shop-2026-01-01-00-00-00-000',
    ProductionVariants: [{ VariantName: 'AllTraffic', ModelName: 'shop-2026-01-01-00-00-00-000', InstanceType: 'ml.c5.xlarge', InitialInstanceCount: 2 }],
    Tags: tags,
  });
  assert.deepEqual(requests.endpoint, { EndpointName: 'shop', EndpointConfigName: 'shop-2026-01-01-00-00-00-000', Tags: tags });
  assert.deepEqual(updateEndpointRequest(requests), { EndpointName: 'shop', EndpointConfigName: 'shop-2026-01-01-00-00-00-000' });
  assertValid(requests);
  assert.deepEqual(checkEndpointRequests(requests), []);
});

test('the health-check window is sent when it is not the default; a serverless variant takes its config instead, and no window', () => {
  const slow = endpointRequests(job({ endpointName: 'slow', startupHealthCheckTimeoutSeconds: 900 }), placed());
  assert.equal(slow.config.ProductionVariants?.[0].ContainerStartupHealthCheckTimeoutInSeconds, 900);
  const usual = endpointRequests(job({ endpointName: 'usual' }), placed());
  assert.equal(usual.config.ProductionVariants?.[0].ContainerStartupHealthCheckTimeoutInSeconds, undefined);
  const serverless = endpointRequests(job({ endpointName: 'cheap', serverless: { memorySizeInMB: 2048 }, startupHealthCheckTimeoutSeconds: 900 }), placed());
  assert.deepEqual(serverless.config.ProductionVariants, [
    { VariantName: 'AllTraffic', ModelName: 'shop-2026-01-01-00-00-00-000', ServerlessConfig: { MemorySizeInMB: 2048, MaxConcurrency: 5 } },
  ]);
  assertValid(slow);
  assertValid(serverless);
});

test('a multi-model endpoint says so in its container', () => {
  const requests = endpointRequests(job({ endpointName: 'many', mode: 'MultiModel', model: 's3://b/models/' }), {
    ...placed(),
    modelDataUrl: 's3://b/models/',
  });
  assert.equal(requests.model.PrimaryContainer?.Mode, 'MultiModel');
  assertValid(requests);
});

test('model and configuration names are the endpoint’s with a UTC stamp, within 63 characters', () => {
  assert.equal(endpointResourceName('shop', new Date('2026-03-04T05:06:07.089Z')), 'shop-2026-03-04-05-06-07-089');
  const long = endpointResourceName('e'.repeat(63), new Date('2026-03-04T05:06:07.089Z'));
  assert.equal(long.length, 63);
  assert.match(long, /^e+-2026-03-04-05-06-07-089$/);
});

test('limits are reported at the job file’s keys', () => {
  const built = job({ endpointName: 'shop' });
  const broken: TrainingJob = { ...built, serving: { ...built.serving, startupHealthCheckSeconds: 4000, environment: { 'BAD-KEY': 'x' } } };
  const problems = checkEndpointRequests(endpointRequests(broken, placed()));
  assert.deepEqual(
    problems.map((problem) => problem.path.join('.')),
    ['serving.environment.BAD-KEY', 'serving.startupHealthCheckTimeoutSeconds'],
  );
  assert.match(problems[1].message, /ContainerStartupHealthCheckTimeoutInSeconds is 4000; the most allowed is 3600/);
});

/** The shape at a limit's path (`model.…`, `config.…`, `endpoint.…`), walked in the official model. */
function shapeAt(limitPath: string): Shape {
  const [request, ...rest] = limitPath.split('.');
  const operation = { model: 'CreateModel', config: 'CreateEndpointConfig', endpoint: 'CreateEndpoint' }[request] ?? '';
  let shape = model.shapes[model.operations[operation].input?.shape ?? ''];
  for (const step of rest.join('.').match(/\.?[A-Za-z0-9]+|\[\]|\{key\}|\{value\}/g) ?? []) {
    const ref = step === '[]' ? shape.member : step === '{key}' ? shape.key : step === '{value}' ? shape.value : shape.members?.[step.replace(/^\./, '')];
    assert.ok(ref, `${limitPath}: no ${step} in the model`);
    shape = model.shapes[ref.shape];
  }
  return shape;
}

const unanchored = (pattern: string | undefined): string | undefined => pattern?.replace(/^\^/, '').replace(/\$$/, '');

test('every endpoint limit is the official model’s', () => {
  for (const limit of ENDPOINT_LIMITS) {
    const shape = shapeAt(limit.path);
    assert.equal(limit.max, shape.max, `${limit.path} max`);
    assert.equal(limit.min ?? 0, shape.min ?? 0, `${limit.path} min`);
    assert.equal(unanchored(limit.pattern), unanchored(shape.pattern), `${limit.path} pattern`);
  }
});
