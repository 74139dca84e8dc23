import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import * as zlib from 'node:zlib';
import { describe, test } from 'node:test';
import { CloudWatchLogsClient, DescribeLogStreamsCommand, GetLogEventsCommand, type OutputLogEvent } from '@aws-sdk/client-cloudwatch-logs';
import { CreateRepositoryCommand, DescribeImagesCommand, DescribeRepositoriesCommand, ECRClient, GetAuthorizationTokenCommand } from '@aws-sdk/client-ecr';
import {
  AbortMultipartUploadCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import {
  CreateTrainingJobCommand,
  type CreateTrainingJobCommandInput,
  DescribeTrainingJobCommand,
  type DescribeTrainingJobCommandOutput,
  ListTrainingJobsCommand,
  ResourceLimitExceeded,
  SageMakerClient,
  StopTrainingJobCommand,
} from '@aws-sdk/client-sagemaker';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { Upload } from '@aws-sdk/lib-storage';
import * as tar from 'tar';
import { BUSYBOX_DOCKERFILE, dockerBuild, dockerMissing, trainingProject } from '../local/dockerFixtures';
import {
  type AwsEmulator,
  dockerRunner,
  type EmulatorOptions,
  findAwsModels,
  issuesError,
  javaPattern,
  loadModel,
  localJob,
  locateAwsModels,
  MIN_BOTOCORE,
  modelFilesIn,
  olderThan,
  type RunnerContext,
  scriptedRunner,
  SERVICES,
  type ServiceModel,
  startAwsEmulator,
  TRAINING_LOG_GROUP,
  translateJavaPattern,
  UntranslatablePatternError,
  validateInput,
  validateValue,
} from './emulator';

const BUCKET = 'smct-test-bucket';
const ROLE = 'arn:aws:iam::123456789012:role/SageMakerExecution';

interface Clients {
  sagemaker: SageMakerClient;
  s3: S3Client;
  ecr: ECRClient;
  logs: CloudWatchLogsClient;
  sts: STSClient;
}

/** The real SDK clients, configured explicitly (the environment route has a test of its own). */
function clientsFor(emulator: AwsEmulator, extra: { maxAttempts?: number } = {}): Clients {
  const config = { ...emulator.clientConfig(), ...extra };
  return {
    sagemaker: new SageMakerClient(config),
    s3: new S3Client(config),
    ecr: new ECRClient(config),
    logs: new CloudWatchLogsClient(config),
    sts: new STSClient(config),
  };
}

/** An emulator and its clients for one test, closed (and the clients destroyed) when the test ends. */
async function withEmulator(options: EmulatorOptions, body: (emulator: AwsEmulator, clients: Clients) => Promise<void>): Promise<void> {
  const emulator = await startAwsEmulator(options);
  const clients = clientsFor(emulator);
  try {
    await body(emulator, clients);
  } finally {
    for (const client of Object.values(clients)) client.destroy();
    await emulator.close();
  }
}

/** Polls until the probe gives something other than undefined or false; no fixed sleeps. */
async function until<T>(what: string, probe: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

type SdkError = Error & { $metadata?: { httpStatusCode?: number; attempts?: number } };

async function rejection(call: Promise<unknown>): Promise<SdkError> {
  try {
    await call;
  } catch (error) {
    return error as SdkError;
  }
  return assert.fail('expected the call to fail');
}

/** The SDK error a call fails with, checked by name (and message). */
async function failure(call: Promise<unknown>, name: string, message?: string | RegExp): Promise<SdkError> {
  try {
    await call;
  } catch (error) {
    const e = error as SdkError;
    assert.equal(e.name, name, `expected ${name}, got ${e.name}: ${e.message}`);
    if (typeof message === 'string') assert.equal(e.message, message);
    else if (message) assert.match(e.message, message);
    return e;
  }
  return assert.fail(`expected the call to fail with ${name}`);
}

function trainingRequest(name: string, overrides: Partial<CreateTrainingJobCommandInput> = {}): CreateTrainingJobCommandInput {
  return {
    TrainingJobName: name,
    RoleArn: ROLE,
    AlgorithmSpecification: { TrainingImage: '127.0.0.1:5000/trainer:1.0', TrainingInputMode: 'File' },
    HyperParameters: { epochs: '3', lr: '0.1' },
    Environment: { CUSTOM: 'yes' },
    InputDataConfig: [
      {
        ChannelName: 'training',
        ContentType: 'text/csv',
        DataSource: { S3DataSource: { S3DataType: 'S3Prefix', S3Uri: `s3://${BUCKET}/data/training`, S3DataDistributionType: 'FullyReplicated' } },
      },
    ],
    OutputDataConfig: { S3OutputPath: `s3://${BUCKET}/output` },
    ResourceConfig: { InstanceType: 'ml.m5.xlarge', InstanceCount: 1, VolumeSizeInGB: 30 },
    StoppingCondition: { MaxRuntimeInSeconds: 3600 },
    ...overrides,
  };
}

/** The bucket with the training channel's data, made through S3 as the product makes it. */
async function prepareBucket(clients: Clients): Promise<void> {
  await clients.s3.send(new CreateBucketCommand({ Bucket: BUCKET, CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' } }));
  await clients.s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'data/training/rows.csv', Body: 'x,y\n1,2\n' }));
  await clients.s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'data/training/more/rows2.csv', Body: 'x,y\n3,4\n' }));
}

async function describeJob(clients: Clients, name: string): Promise<DescribeTrainingJobCommandOutput> {
  return clients.sagemaker.send(new DescribeTrainingJobCommand({ TrainingJobName: name }));
}

async function finished(clients: Clients, name: string): Promise<DescribeTrainingJobCommandOutput> {
  return until(`${name} to end`, async () => {
    const job = await describeJob(clients, name);
    return job.TrainingJobStatus !== 'InProgress' && job.TrainingJobStatus !== 'Stopping' ? job : undefined;
  });
}

/** Every event of a stream, read forward a page at a time until the forward token comes back unchanged. */
async function readStream(clients: Clients, stream: string, limit = 2): Promise<{ events: OutputLogEvent[]; calls: number }> {
  const events: OutputLogEvent[] = [];
  let token: string | undefined;
  let calls = 0;
  for (;;) {
    const page = await clients.logs.send(
      new GetLogEventsCommand({ logGroupName: TRAINING_LOG_GROUP, logStreamName: stream, startFromHead: true, limit, nextToken: token }),
    );
    calls++;
    events.push(...(page.events ?? []));
    if (page.nextForwardToken === token) return { events, calls };
    token = page.nextForwardToken;
  }
}

async function bodyBytes(clients: Clients, key: string): Promise<Buffer> {
  const object = await clients.s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
  return Buffer.from(await (object.Body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray());
}

function archiveEntries(bytes: Buffer): string[] {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'smct-emulator-test-')), 'archive.tar.gz');
  try {
    fs.writeFileSync(file, bytes);
    const entries: string[] = [];
    tar.list({ file, sync: true, onReadEntry: (entry) => entries.push(entry.path) });
    return entries.sort();
  } finally {
    fs.rmSync(path.dirname(file), { recursive: true, force: true });
  }
}

/** Changes a SageMaker request's JSON body after the SDK serialized it: the SDK never sends unknown members or wrong types itself. */
function tamper(client: SageMakerClient, edit: (body: Record<string, Record<string, unknown>>) => void): void {
  client.middlewareStack.add(
    (next) => async (args) => {
      // The SDK's JSON body is a string or bytes, depending on its version.
      const request = args.request as { body?: unknown; headers: Record<string, string> };
      if (typeof request.body === 'string' || request.body instanceof Uint8Array) {
        const text = typeof request.body === 'string' ? request.body : new TextDecoder().decode(request.body);
        const body = JSON.parse(text) as Record<string, Record<string, unknown>>;
        edit(body);
        request.body = JSON.stringify(body);
        if (request.headers['content-length'] !== undefined) request.headers['content-length'] = String(Buffer.byteLength(request.body as string));
      }
      return next(args);
    },
    { step: 'build', priority: 'high', name: 'tamperForTest' },
  );
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

describe('the official models', () => {
  test('are botocore’s, found outside the repository', () => {
    const models = findAwsModels();
    for (const service of SERVICES) {
      assert.ok(fs.existsSync(models.files[service]), service);
      assert.ok(!path.resolve(models.files[service]).startsWith(path.resolve(__dirname, '..', '..', '..')), 'the models are not copied into the repository');
      assert.equal(loadModel(service, models).metadata.apiVersion, /(\d{4}-\d{2}-\d{2})/.exec(models.files[service])?.[1], service);
    }
  });

  test('SMCT_AWS_MODELS takes a botocore data folder (its newest version of each service) or a flat folder, gzipped or not', () => {
    const found = findAwsModels();
    const data = fs.mkdtempSync(path.join(os.tmpdir(), 'smct-models-data-'));
    const flat = fs.mkdtempSync(path.join(os.tmpdir(), 'smct-models-flat-'));
    try {
      for (const service of SERVICES) {
        const version = loadModel(service, found).metadata.apiVersion;
        const bytes = fs.readFileSync(found.files[service]);
        const text = found.files[service].endsWith('.gz') ? zlib.gunzipSync(bytes) : bytes;
        fs.mkdirSync(path.join(data, service, version), { recursive: true });
        fs.writeFileSync(path.join(data, service, version, 'service-2.json.gz'), zlib.gzipSync(text));
        // An older version folder, and a file that is not a model, are passed over.
        fs.mkdirSync(path.join(data, service, '1999-01-01'), { recursive: true });
        fs.writeFileSync(path.join(data, service, '1999-01-01', 'service-2.json'), '{}');
        fs.writeFileSync(path.join(flat, `${service}-${version}.service-2.json`), text);
        fs.writeFileSync(path.join(flat, `${service}-1999-01-01.service-2.json`), '{}');
      }
      for (const folder of [data, flat]) {
        const models = locateAwsModels({ fromEnv: folder, python: 'python3', setupFolder: '/nonexistent' });
        assert.equal(models.source, folder);
        for (const service of SERVICES) {
          assert.deepEqual(
            Object.keys(loadModel(service, models).operations).sort(),
            Object.keys(loadModel(service, found).operations).sort(),
            `${folder} ${service}`,
          );
        }
      }
      for (const name of fs.readdirSync(flat).filter((file) => file.startsWith('sts-'))) fs.rmSync(path.join(flat, name));
      assert.deepEqual(modelFilesIn(flat), { missing: ['sts'] });
      assert.throws(
        () => locateAwsModels({ fromEnv: flat, python: 'python3', setupFolder: '/nonexistent' }),
        /^Error: SMCT_AWS_MODELS=\S+ lacks the AWS models of sts: point it at a botocore data folder/,
      );
    } finally {
      fs.rmSync(data, { recursive: true, force: true });
      fs.rmSync(flat, { recursive: true, force: true });
    }
  });

  test('none at all is one line that says to run npm run setup, never a silent skip', () => {
    const nowhere = path.join(os.tmpdir(), 'no-such-models-folder');
    assert.throws(
      () => locateAwsModels({ python: path.join(nowhere, 'python3'), setupFolder: nowhere }),
      (error: Error) => {
        assert.doesNotMatch(error.message, /\n/);
        assert.match(
          error.message,
          /^The official AWS API models \(botocore's sagemaker, sagemaker-runtime, ecr, logs, s3, sts\) were not found: run `npm run setup`/,
        );
        assert.match(
          error.message,
          /or set SMCT_AWS_MODELS to a botocore data folder\. Looked in: .*python3's botocore \(.*\); .*no-such-models-folder \(no sagemaker, sagemaker-runtime, ecr, logs, s3, sts\)\.$/,
        );
        return true;
      },
    );
  });

  test('a botocore older than the tests need is one line that says so, and a newer one is taken', () => {
    const found = findAwsModels();
    const nowhere = path.join(os.tmpdir(), 'no-such-python', 'python3');
    const botocore = fs.mkdtempSync(path.join(os.tmpdir(), 'smct-botocore-'));
    try {
      for (const service of SERVICES) {
        const version = loadModel(service, found).metadata.apiVersion;
        fs.mkdirSync(path.join(botocore, 'data', service, version), { recursive: true });
        fs.symlinkSync(found.files[service], path.join(botocore, 'data', service, version, path.basename(found.files[service])));
      }
      const data = path.join(botocore, 'data');
      fs.writeFileSync(path.join(botocore, '__init__.py'), "__version__ = '1.29.27'\n");
      assert.throws(
        () => locateAwsModels({ python: nowhere, setupFolder: data }),
        new RegExp(
          `^Error: The AWS API models found are older than the tests need \\(botocore 1\\.29\\.27 in ${data}; the tests pass with botocore ${MIN_BOTOCORE.replace(/\./g, '\\.')}\\): run \`npm run setup\`[^\\n]*$`,
        ),
      );
      fs.writeFileSync(path.join(botocore, '__init__.py'), `__version__ = '${MIN_BOTOCORE}'\n`);
      assert.equal(locateAwsModels({ python: nowhere, setupFolder: data }).source, data);
      assert.equal(olderThan('1.29.27+repack', '1.43.11'), true);
      assert.equal(olderThan('1.43.11', '1.43.11'), false);
      assert.equal(olderThan('1.100.0', '1.43.11'), false);
    } finally {
      fs.rmSync(botocore, { recursive: true, force: true });
    }
  });

  test('every pattern of the five models translates from Java, and means what Java means', () => {
    let count = 0;
    for (const service of SERVICES) {
      for (const [name, shape] of Object.entries(loadModel(service).shapes)) {
        if (shape.pattern === undefined) continue;
        count++;
        assert.doesNotThrow(() => javaPattern(shape.pattern as string), `${service} ${name}`);
      }
    }
    assert.ok(count > 400, `${count} patterns`);
    // Java matches the whole value.
    assert.equal(javaPattern('[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}').test('abc_1'), false);
    assert.equal(javaPattern('[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}').test('abc-1'), true);
    // \p{L} needs the u flag; \p{Alnum} is ASCII in Java; escaped punctuation is the character.
    assert.equal(javaPattern('[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*').test('Zürich 2024'), true);
    assert.equal(javaPattern('arn:[\\p{Alnum}\\-]+:x').test('arn:aws-cn:x'), true);
    assert.equal(javaPattern('arn:[\\p{Alnum}\\-]+:x').test('arn:awsé:x'), false);
    assert.equal(javaPattern('[a-zA-Z0-9\\ \\_\\.]+').test('a b_c.d'), true);
    // A `-` after a class escape is the character itself.
    assert.equal(javaPattern('[\\w-_]*').test('log-group_1'), true);
    assert.equal(javaPattern('[\\w-_]*').test('a.b'), false);
    // A quantified end anchor (`${1,128}`) is the anchor to Java.
    assert.equal(javaPattern('([\\p{L}\\p{Z}\\p{N}_.:\\/=+\\-@]*)${1,128}').test('key:value'), true);
    // A surrogate pair range is the supplementary planes in both languages.
    assert.equal(javaPattern('[\\u0020-\\uD7FF\\uE000-\\uFFFD\\uD800\\uDC00-\\uDBFF\\uDFFF\\t]*').test('emoji 😀'), true);
  });

  test('a pattern that cannot be translated is reported, never passed over', () => {
    assert.throws(() => translateJavaPattern('[a-z&&[^e]]'), UntranslatablePatternError);
    assert.throws(() => javaPattern('(?i)abc'), /cannot be translated/);
    const model = {
      metadata: { protocol: 'json', apiVersion: 'x' },
      operations: {},
      shapes: { Input: { type: 'structure', members: { Name: { shape: 'Name' } } }, Name: { type: 'string', pattern: '(?i)abc' } },
    } as unknown as ServiceModel;
    const issues = validateValue(model, 'Input', { Name: 'ABC' }, '');
    assert.equal(issues.length, 1);
    assert.equal(issues[0].kind, 'model');
    assert.equal(issuesError(issues)?.code, 'InternalFailure');
  });

  test("the validator's messages are AWS's: member paths in camelCase, list items as N.member, several errors counted", () => {
    const sagemaker = loadModel('sagemaker');
    const request = trainingRequest('abc_1', {
      InputDataConfig: [{ ChannelName: 'bad channel', DataSource: {} }],
      Environment: { '1BAD': 'x' },
    }) as unknown as Record<string, unknown>;
    const error = issuesError(validateInput(sagemaker, 'CreateTrainingJob', request));
    assert.equal(error?.code, 'ValidationException');
    assert.match(error?.message ?? '', /^3 validation errors detected: /);
    assert.ok(
      error?.message.includes(
        "Value 'abc_1' at 'trainingJobName' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}; ",
      ),
      error?.message,
    );
    assert.ok(error?.message.includes("Value 'bad channel' at 'inputDataConfig.1.member.channelName' failed to satisfy constraint"), error?.message);
    assert.ok(
      error?.message.includes(
        "at 'environment' failed to satisfy constraint: Map keys must satisfy constraint: [Member must satisfy regular expression pattern",
      ),
      error?.message,
    );
    const wrongType = issuesError(validateInput(sagemaker, 'DescribeTrainingJob', { TrainingJobName: 7 }));
    assert.equal(wrongType?.code, 'SerializationException');
    assert.match(wrongType?.message ?? '', /'trainingJobName'.*expected a string, got the number 7/);
    assert.deepEqual(validateInput(loadModel('sts'), 'GetCallerIdentity', {}), []);
  });
});

describe('SageMaker training jobs', () => {
  test('the SDK reaches every service through the environment alone (AWS_ENDPOINT_URL), and only with the emulator key', async () => {
    const emulator = await startAwsEmulator();
    const saved = { ...process.env };
    Object.assign(process.env, emulator.env);
    const clients = {
      sts: new STSClient({}),
      s3: new S3Client({}),
      sagemaker: new SageMakerClient({}),
      ecr: new ECRClient({}),
      logs: new CloudWatchLogsClient({}),
    };
    try {
      assert.match(emulator.env.AWS_ENDPOINT_URL, /^http:\/\/127\.0\.0\.1:\d+$/);
      assert.equal((await clients.sts.send(new GetCallerIdentityCommand({}))).Account, '123456789012');
      await clients.s3.send(new CreateBucketCommand({ Bucket: BUCKET, CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' } }));
      assert.equal((await clients.sagemaker.send(new ListTrainingJobsCommand({}))).TrainingJobSummaries?.length, 0);
      assert.deepEqual((await clients.ecr.send(new DescribeRepositoriesCommand({}))).repositories, []);
      await failure(
        clients.logs.send(new DescribeLogStreamsCommand({ logGroupName: TRAINING_LOG_GROUP })),
        'ResourceNotFoundException',
        'The specified log group does not exist.',
      );
      // The bucket is in the path: the SDK uses path-style addressing for an IP endpoint.
      const put = emulator.requests.find((request) => request.operation === 'CreateBucket');
      assert.deepEqual(put?.input, { Bucket: BUCKET, CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' } });
      assert.deepEqual(
        emulator.requests.map((request) => `${request.service}:${request.operation}`),
        ['sts:GetCallerIdentity', 's3:CreateBucket', 'sagemaker:ListTrainingJobs', 'ecr:DescribeRepositories', 'logs:DescribeLogStreams'],
      );
      assert.deepEqual(emulator.invalidRequests(), []);
    } finally {
      process.env = saved;
      for (const client of Object.values(clients)) client.destroy();
      await emulator.close();
    }
  });

  test('a valid CreateTrainingJob is accepted and Describe answers its fields back, with the ARN and times', async () => {
    await withEmulator({}, async (emulator, clients) => {
      await prepareBucket(clients);
      const request = trainingRequest('smct-valid-1', { Tags: [{ Key: 'team', Value: 'ml' }] });
      const created = await clients.sagemaker.send(new CreateTrainingJobCommand(request));
      assert.equal(created.TrainingJobArn, 'arn:aws:sagemaker:eu-west-1:123456789012:training-job/smct-valid-1');
      const job = await describeJob(clients, 'smct-valid-1');
      assert.equal(job.TrainingJobName, 'smct-valid-1');
      assert.deepEqual(job.HyperParameters, request.HyperParameters);
      assert.deepEqual(job.Environment, request.Environment);
      assert.deepEqual(job.AlgorithmSpecification, request.AlgorithmSpecification);
      assert.deepEqual(job.ResourceConfig, request.ResourceConfig);
      assert.deepEqual(job.InputDataConfig, request.InputDataConfig);
      assert.equal(job.RoleArn, ROLE);
      assert.ok(job.CreationTime instanceof Date && Math.abs(job.CreationTime.getTime() - Date.now()) < 60_000, 'CreationTime is a Date, from epoch seconds');
      assert.equal(job.EnableManagedSpotTraining, false);
      assert.equal((job as unknown as Record<string, unknown>).Tags, undefined, 'Describe does not answer Tags');
      const recorded = emulator.requests.find((entry) => entry.operation === 'CreateTrainingJob');
      assert.equal(recorded?.valid, true, recorded?.issues.join('; '));
      await finished(clients, 'smct-valid-1');
      assert.deepEqual(emulator.invalidRequests(), []);
    });
  });

  test('invalid CreateTrainingJob requests are refused with ValidationException naming the member', async () => {
    await withEmulator({}, async (emulator, clients) => {
      const refuse = (request: CreateTrainingJobCommandInput, name: string, message: string | RegExp) =>
        failure(clients.sagemaker.send(new CreateTrainingJobCommand(request)), name, message);
      await refuse(
        trainingRequest('abc_1'),
        'ValidationException',
        "1 validation error detected: Value 'abc_1' at 'trainingJobName' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}",
      );
      const many = Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`hp${i}`, String(i)]));
      await refuse(
        trainingRequest('too-many', { HyperParameters: many }),
        'ValidationException',
        /^1 validation error detected: Value '\{hp0=0, .*hp100=100\}' at 'hyperParameters' failed to satisfy constraint: Member must have length less than or equal to 100$/,
      );
      await refuse(
        trainingRequest('bad-type', { ResourceConfig: { InstanceType: 'ml.x9.huge' as never, InstanceCount: 1, VolumeSizeInGB: 30 } }),
        'ValidationException',
        /Value 'ml\.x9\.huge' at 'resourceConfig\.instanceType' failed to satisfy constraint: Member must satisfy enum value set: \[ml\.m4\.xlarge, /,
      );
      await refuse(
        trainingRequest('no-role', { RoleArn: undefined }),
        'ValidationException',
        "1 validation error detected: Value null at 'roleArn' failed to satisfy constraint: Member must not be null",
      );
      await refuse(
        trainingRequest('two-errors', { RoleArn: 'role', StoppingCondition: { MaxRuntimeInSeconds: 0 } }),
        'ValidationException',
        /^3 validation errors detected: .*'roleArn'.*; .*'stoppingCondition\.maxRuntimeInSeconds' failed to satisfy constraint: Member must have value greater than or equal to 1$/,
      );
      // The SDK sends only the members it knows: a typo reaches the wire from a hand-made request, as here.
      tamper(clients.sagemaker, (body) => {
        if ((body.TrainingJobName as unknown as string) === 'typo') body.AlgorithmSpecification.TrainingImag = 'x';
        if ((body.TrainingJobName as unknown as string) === 'wrong-type') body.ResourceConfig.InstanceCount = '2';
      });
      await refuse(
        trainingRequest('typo'),
        'ValidationException',
        /Value 'x' at 'algorithmSpecification\.trainingImag' .*TrainingImag is not a member of AlgorithmSpecification/,
      );
      await refuse(trainingRequest('wrong-type'), 'SerializationException', /'resourceConfig\.instanceCount'.*expected a 32-bit integer, got the string "2"/);
      await refuse(trainingRequest('no-stopping', { StoppingCondition: undefined }), 'ValidationException', /Value null at 'stoppingCondition'/);
      await refuse(
        trainingRequest('spot', { EnableManagedSpotTraining: true }),
        'ValidationException',
        'Invalid MaxWaitTimeInSeconds. It must be present and be greater than or equal to MaxRuntimeInSeconds',
      );
      const invalid = emulator.invalidRequests().map((entry) => (entry.input as { TrainingJobName: string }).TrainingJobName);
      // Older models require StoppingCondition themselves; newer ones leave it to the service, as the emulator does.
      const sagemaker = loadModel('sagemaker');
      const stoppingRequired = sagemaker.shapes[sagemaker.operations.CreateTrainingJob.input?.shape ?? ''].required?.includes('StoppingCondition');
      assert.deepEqual(invalid, ['abc_1', 'too-many', 'bad-type', 'no-role', 'two-errors', 'typo', 'wrong-type', ...(stoppingRequired ? ['no-stopping'] : [])]);
      assert.equal(emulator.sagemaker.allJobs().length, 0, 'no refused job was created');
    });
  });

  test('a job with two hosts goes through SageMaker statuses, writes one log stream per host and uploads its model', async () => {
    const lines = (host: string) => [`${host} starting`, `${host} epoch 1`, `${host} epoch 2`, `${host} epoch 3`, `${host} done`];
    const seen: string[] = [];
    const runner = scriptedRunner({ lines, delayMs: 2, modelFiles: { 'model.txt': 'weights' } });
    // A runner of the test's own, to see the downloaded channel.
    const inspecting = async (job: Parameters<typeof runner>[0], context: RunnerContext) => {
      seen.push(...(fs.readdirSync(context.inputs.training, { recursive: true }) as string[]).map((name) => name.split(path.sep).join('/')).sort());
      return runner(job, context);
    };
    await withEmulator({ runner: inspecting }, async (emulator, clients) => {
      await prepareBucket(clients);
      const request = trainingRequest('smct-two-hosts', {
        ResourceConfig: { InstanceType: 'ml.m5.xlarge', InstanceCount: 2, VolumeSizeInGB: 30 },
        EnableManagedSpotTraining: true,
        StoppingCondition: { MaxRuntimeInSeconds: 3600, MaxWaitTimeInSeconds: 7200 },
      });
      await clients.sagemaker.send(new CreateTrainingJobCommand(request));
      const job = await finished(clients, 'smct-two-hosts');
      assert.equal(job.TrainingJobStatus, 'Completed', job.FailureReason);
      assert.equal(job.SecondaryStatus, 'Completed');
      assert.deepEqual(seen, ['more', 'more/rows2.csv', 'rows.csv']);
      const transitions = job.SecondaryStatusTransitions ?? [];
      assert.deepEqual(
        transitions.map((entry) => [entry.Status, entry.StatusMessage]),
        [
          ['Starting', 'Starting the training job'],
          ['LaunchingMLInstances', 'Launching requested ML instances'],
          ['PreparingTrainingStack', 'Preparing the instances for training'],
          ['Downloading', 'Downloading input data'],
          ['DownloadingTrainingImage', 'Downloading the training image'],
          ['Training', 'Training image download completed. Training in progress.'],
          ['Uploading', 'Uploading generated training model'],
          ['Completed', 'Training job completed'],
        ],
      );
      for (const [i, entry] of transitions.entries()) {
        assert.ok(entry.StartTime instanceof Date && entry.EndTime instanceof Date, `${entry.Status} has a start and an end`);
        assert.ok((entry.StartTime as Date) <= (entry.EndTime as Date));
        if (i > 0) assert.equal(transitions[i - 1].EndTime?.getTime(), entry.StartTime?.getTime(), 'each status ends when the next starts');
      }
      assert.ok(job.TrainingStartTime && job.TrainingEndTime && job.TrainingStartTime <= job.TrainingEndTime);
      assert.ok((job.BillableTimeInSeconds as number) < (job.TrainingTimeInSeconds as number), 'spot training bills less than it trains');
      assert.equal(job.ModelArtifacts?.S3ModelArtifacts, `s3://${BUCKET}/output/smct-two-hosts/output/model.tar.gz`);
      assert.deepEqual(archiveEntries(await bodyBytes(clients, 'output/smct-two-hosts/output/model.tar.gz')), ['model.txt']);

      // One stream per host, paged one at a time.
      const names: string[] = [];
      let token: string | undefined;
      let pages = 0;
      do {
        const page = await clients.logs.send(
          new DescribeLogStreamsCommand({ logGroupName: TRAINING_LOG_GROUP, logStreamNamePrefix: 'smct-two-hosts/', limit: 1, nextToken: token }),
        );
        pages++;
        names.push(...(page.logStreams ?? []).map((stream) => stream.logStreamName as string));
        token = page.nextToken;
      } while (token);
      assert.equal(pages, 2);
      assert.equal(names.length, 2);
      assert.match(names[0], /^smct-two-hosts\/algo-1-\d{10}$/);
      assert.match(names[1], /^smct-two-hosts\/algo-2-\d{10}$/);
      for (const [i, name] of names.entries()) {
        const { events, calls } = await readStream(clients, name, 2);
        assert.deepEqual(
          events.map((event) => event.message),
          lines(`algo-${i + 1}`),
        );
        assert.equal(calls, 4, '3 pages of at most 2 events, then the same forward token');
        assert.ok(
          events.every((event) => (event.timestamp as number) > 1e12),
          'timestamps in milliseconds',
        );
      }
      // Without startFromHead the latest events come first; the backward token reads the ones before.
      const latest = await clients.logs.send(new GetLogEventsCommand({ logGroupName: TRAINING_LOG_GROUP, logStreamName: names[0], limit: 2 }));
      assert.deepEqual(
        latest.events?.map((event) => event.message),
        ['algo-1 epoch 3', 'algo-1 done'],
      );
      assert.equal(latest.nextForwardToken, 'f/5');
      assert.equal(latest.nextBackwardToken, 'b/3');
      const before = await clients.logs.send(
        new GetLogEventsCommand({ logGroupName: TRAINING_LOG_GROUP, logStreamName: names[0], limit: 2, nextToken: latest.nextBackwardToken }),
      );
      assert.deepEqual(
        before.events?.map((event) => event.message),
        ['algo-1 epoch 1', 'algo-1 epoch 2'],
      );
      const byTime = await clients.logs.send(new DescribeLogStreamsCommand({ logGroupName: TRAINING_LOG_GROUP, orderBy: 'LastEventTime', descending: true }));
      assert.equal(byTime.logStreams?.length, 2);
      await failure(
        clients.logs.send(new DescribeLogStreamsCommand({ logGroupName: TRAINING_LOG_GROUP, orderBy: 'LastEventTime', logStreamNamePrefix: 'smct' })),
        'InvalidParameterException',
        'Cannot order by LastEventTime with a logStreamNamePrefix.',
      );
      await failure(
        clients.logs.send(new GetLogEventsCommand({ logGroupName: TRAINING_LOG_GROUP, logStreamName: 'smct-two-hosts/algo-9-1' })),
        'ResourceNotFoundException',
        'The specified log stream does not exist.',
      );
      assert.deepEqual(emulator.invalidRequests(), []);
    });
  });

  test('a failing algorithm fails the job with its reason; a channel without objects fails it with SageMaker ClientError', async () => {
    await withEmulator({ runner: scriptedRunner({ failureReason: 'AlgorithmError: , exit code: 3' }) }, async (_emulator, clients) => {
      await prepareBucket(clients);
      await clients.sagemaker.send(new CreateTrainingJobCommand(trainingRequest('smct-fails')));
      const failed = await finished(clients, 'smct-fails');
      assert.equal(failed.TrainingJobStatus, 'Failed');
      assert.equal(failed.SecondaryStatus, 'Failed');
      assert.equal(failed.FailureReason, 'AlgorithmError: , exit code: 3');
      assert.equal(failed.ModelArtifacts, undefined);
      const empty = trainingRequest('smct-no-data', {
        InputDataConfig: [{ ChannelName: 'training', DataSource: { S3DataSource: { S3DataType: 'S3Prefix', S3Uri: `s3://${BUCKET}/nothing/here` } } }],
      });
      await clients.sagemaker.send(new CreateTrainingJobCommand(empty));
      const noData = await finished(clients, 'smct-no-data');
      assert.equal(noData.TrainingJobStatus, 'Failed');
      assert.match(
        noData.FailureReason ?? '',
        /^ClientError: No S3 objects found under S3 URL "s3:\/\/smct-test-bucket\/nothing\/here" given in input data source/,
      );
      assert.deepEqual(
        noData.SecondaryStatusTransitions?.map((entry) => entry.Status),
        ['Starting', 'LaunchingMLInstances', 'PreparingTrainingStack', 'Downloading', 'Failed'],
      );
    });
  });

  test('StopTrainingJob stops a running job (Stopping, then Stopped); stopping it again, or an unknown job, is refused', async () => {
    await withEmulator({ runner: scriptedRunner({ untilStopped: true, modelFiles: { 'checkpoint.txt': 'partial' } }) }, async (emulator, clients) => {
      await prepareBucket(clients);
      await clients.sagemaker.send(
        new CreateTrainingJobCommand(trainingRequest('smct-stop', { ResourceConfig: { InstanceType: 'ml.m5.xlarge', InstanceCount: 2, VolumeSizeInGB: 30 } })),
      );
      await until('Training', async () => (await describeJob(clients, 'smct-stop')).SecondaryStatus === 'Training');
      await clients.sagemaker.send(new StopTrainingJobCommand({ TrainingJobName: 'smct-stop' }));
      const stopping = await describeJob(clients, 'smct-stop');
      assert.ok(['Stopping', 'Stopped'].includes(stopping.TrainingJobStatus as string), stopping.TrainingJobStatus);
      const stopped = await finished(clients, 'smct-stop');
      assert.equal(stopped.TrainingJobStatus, 'Stopped');
      assert.equal(stopped.SecondaryStatus, 'Stopped');
      assert.deepEqual(
        stopped.SecondaryStatusTransitions?.slice(-3).map((entry) => [entry.Status, entry.StatusMessage]),
        [
          ['Training', 'Training image download completed. Training in progress.'],
          ['Stopping', 'Stopping the training job'],
          ['Stopped', 'Training job stopped'],
        ],
      );
      assert.equal(stopped.ModelArtifacts?.S3ModelArtifacts, `s3://${BUCKET}/output/smct-stop/output/model.tar.gz`, "a stopped job's model is saved");
      const streams = emulator.logs.streamNames(TRAINING_LOG_GROUP);
      assert.equal(streams.length, 2);
      for (const stream of streams) assert.equal(emulator.logs.events(TRAINING_LOG_GROUP, stream).at(-1)?.message, 'Received SIGTERM: stopping');
      await failure(
        clients.sagemaker.send(new StopTrainingJobCommand({ TrainingJobName: 'smct-stop' })),
        'ValidationException',
        'The request was rejected because the training job is in status Stopped.',
      );
      await failure(
        clients.sagemaker.send(new StopTrainingJobCommand({ TrainingJobName: 'smct-nope' })),
        'ValidationException',
        'Requested resource not found.',
      );
      await failure(
        clients.sagemaker.send(new DescribeTrainingJobCommand({ TrainingJobName: 'smct-nope' })),
        'ValidationException',
        'Requested resource not found.',
      );
      await failure(
        clients.sagemaker.send(new CreateTrainingJobCommand(trainingRequest('SMCT-STOP'))),
        'ResourceInUse',
        'Training job names must be unique within an AWS account and region, and a training job with this name already exists (arn:aws:sagemaker:eu-west-1:123456789012:training-job/smct-stop)',
      );
    });
  });

  test('a job that outlives MaxRuntimeInSeconds is stopped with MaxRuntimeExceeded', async () => {
    await withEmulator({ runner: scriptedRunner({ untilStopped: true }) }, async (_emulator, clients) => {
      await prepareBucket(clients);
      await clients.sagemaker.send(new CreateTrainingJobCommand(trainingRequest('smct-timeout', { StoppingCondition: { MaxRuntimeInSeconds: 1 } })));
      const job = await finished(clients, 'smct-timeout');
      assert.equal(job.TrainingJobStatus, 'Stopped');
      assert.equal(job.SecondaryStatus, 'MaxRuntimeExceeded');
    });
  });

  test('ListTrainingJobs filters, sorts and pages with real NextTokens', async () => {
    await withEmulator({ runner: scriptedRunner({ lines: [] }), transitionDelayMs: 0 }, async (_emulator, clients) => {
      await prepareBucket(clients);
      const names = ['job-c', 'job-a', 'other-e', 'job-b', 'job-d'];
      for (const name of names) await clients.sagemaker.send(new CreateTrainingJobCommand(trainingRequest(name)));
      for (const name of names) await finished(clients, name);
      const pageSizes: number[] = [];
      const listed: string[] = [];
      let token: string | undefined;
      do {
        const page = await clients.sagemaker.send(new ListTrainingJobsCommand({ MaxResults: 2, NextToken: token }));
        pageSizes.push(page.TrainingJobSummaries?.length ?? 0);
        listed.push(...(page.TrainingJobSummaries ?? []).map((summary) => summary.TrainingJobName as string));
        token = page.NextToken;
      } while (token);
      assert.deepEqual(pageSizes, [2, 2, 1]);
      assert.deepEqual(listed, names, 'CreationTime, Ascending by default');
      const byName = await clients.sagemaker.send(new ListTrainingJobsCommand({ SortBy: 'Name', SortOrder: 'Descending', NameContains: 'JOB-' }));
      assert.deepEqual(
        byName.TrainingJobSummaries?.map((summary) => summary.TrainingJobName),
        ['job-d', 'job-c', 'job-b', 'job-a'],
      );
      const summary = byName.TrainingJobSummaries?.[0];
      assert.equal(summary?.TrainingJobStatus, 'Completed');
      assert.equal(summary?.TrainingJobArn, 'arn:aws:sagemaker:eu-west-1:123456789012:training-job/job-d');
      assert.ok(summary?.CreationTime instanceof Date && summary.TrainingEndTime instanceof Date);
      const completed = await clients.sagemaker.send(new ListTrainingJobsCommand({ StatusEquals: 'Completed', MaxResults: 100 }));
      assert.equal(completed.TrainingJobSummaries?.length, 5);
      const inProgress = await clients.sagemaker.send(new ListTrainingJobsCommand({ StatusEquals: 'InProgress' }));
      assert.equal(inProgress.TrainingJobSummaries?.length, 0);
      const later = await clients.sagemaker.send(new ListTrainingJobsCommand({ CreationTimeAfter: new Date(Date.now() + 60_000) }));
      assert.equal(later.TrainingJobSummaries?.length, 0);
      await failure(clients.sagemaker.send(new ListTrainingJobsCommand({ MaxResults: 101 })), 'ValidationException', /'maxResults'.*less than or equal to 100/);
    });
  });
});

describe('S3', () => {
  test('buckets: created with the region as LocationConstraint, refused twice, named by the rules; HeadBucket finds them', async () => {
    await withEmulator({}, async (emulator, clients) => {
      await failure(clients.s3.send(new HeadBucketCommand({ Bucket: BUCKET })), 'NotFound');
      // (The SDK itself adds the client's region as LocationConstraint when none is given.)
      await failure(
        clients.s3.send(new CreateBucketCommand({ Bucket: BUCKET, CreateBucketConfiguration: { LocationConstraint: 'us-west-2' } })),
        'IllegalLocationConstraintException',
        'The us-west-2 location constraint is incompatible for the region specific endpoint this request was sent to.',
      );
      await clients.s3.send(new CreateBucketCommand({ Bucket: BUCKET, CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' } }));
      const again = await failure(
        clients.s3.send(new CreateBucketCommand({ Bucket: BUCKET, CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' } })),
        'BucketAlreadyOwnedByYou',
      );
      assert.equal(again.$metadata?.httpStatusCode, 409);
      await failure(
        clients.s3.send(new CreateBucketCommand({ Bucket: 'Bad_Bucket', CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' } })),
        'InvalidBucketName',
      );
      const head = await clients.s3.send(new HeadBucketCommand({ Bucket: BUCKET }));
      assert.equal(head.BucketRegion, 'eu-west-1');
      emulator.s3.foreign.add('someone-elses-bucket');
      // A HEAD answer has no body: the SDK knows the 403 by its status only, as the product checks it.
      const forbidden = await rejection(clients.s3.send(new HeadBucketCommand({ Bucket: 'someone-elses-bucket' })));
      assert.equal(forbidden.$metadata?.httpStatusCode, 403);
      assert.deepEqual(
        emulator.invalidRequests().map((request) => request.issues[0]),
        [
          'The specified bucket is not valid. Bucket names can consist only of lowercase letters, numbers, dots and hyphens, and must begin and end with a letter or number: Bad_Bucket',
        ],
      );
    });
  });

  test('us-east-1 takes no LocationConstraint, and keeps answering 200 to a bucket one owns already', async () => {
    await withEmulator({ region: 'us-east-1' }, async (emulator, clients) => {
      await clients.s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
      await clients.s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
      // The model's enum of constraints has no us-east-1: the validation of S3's REST input refuses it.
      await failure(
        clients.s3.send(new CreateBucketCommand({ Bucket: 'other-bucket', CreateBucketConfiguration: { LocationConstraint: 'us-east-1' as never } })),
        'InvalidArgument',
        /^1 validation error detected: Value 'us-east-1' at 'createBucketConfiguration\.locationConstraint' failed to satisfy constraint: Member must satisfy enum value set/,
      );
      assert.equal((await clients.s3.send(new HeadBucketCommand({ Bucket: BUCKET }))).BucketRegion, 'us-east-1');
      assert.equal(emulator.invalidRequests().length, 1);
    });
  });

  test('objects: small and streamed (aws-chunked with a trailing checksum) and multipart (lib-storage, over 5 MB) round-trip byte for byte', async () => {
    await withEmulator({}, async (emulator, clients) => {
      await clients.s3.send(new CreateBucketCommand({ Bucket: BUCKET, CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' } }));
      await clients.s3.send(
        new PutObjectCommand({ Bucket: BUCKET, Key: 'small/hello.txt', Body: 'hello world', ContentType: 'text/plain', Metadata: { origin: 'test' } }),
      );
      const streamed = Buffer.from('streamed body of unknown length\n'.repeat(100));
      await clients.s3.send(
        new PutObjectCommand({ Bucket: BUCKET, Key: 'small/streamed.txt', Body: Readable.from([streamed]), ContentLength: streamed.length }),
      );
      const chunked = emulator.requests.at(-1);
      assert.equal(chunked?.operation, 'PutObject');
      assert.ok(emulator.s3.getObject(BUCKET, 'small/streamed.txt').bytes.equals(streamed), 'the aws-chunked framing is removed');
      const big = Buffer.alloc(12 * 1024 * 1024 + 123);
      for (let i = 0; i < big.length; i++) big[i] = (i * 7919) % 251;
      await new Upload({ client: clients.s3, params: { Bucket: BUCKET, Key: 'big/buffer.bin', Body: big } }).done();
      await new Upload({
        client: clients.s3,
        params: { Bucket: BUCKET, Key: 'big/stream.bin', Body: Readable.from([big.subarray(0, 7_000_000), big.subarray(7_000_000)]) },
      }).done();
      assert.ok((await bodyBytes(clients, 'big/buffer.bin')).equals(big));
      assert.ok((await bodyBytes(clients, 'big/stream.bin')).equals(big));
      assert.ok((await bodyBytes(clients, 'small/streamed.txt')).equals(streamed));
      const small = await clients.s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'small/hello.txt' }));
      assert.equal(await small.Body?.transformToString(), 'hello world');
      assert.equal(small.ContentType, 'text/plain');
      assert.deepEqual(small.Metadata, { origin: 'test' });
      assert.equal(small.ChecksumCRC32, 'DUoRhQ==', 'the checksum the SDK computed is kept and checked on the way back');
      const head = await clients.s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'big/buffer.bin' }));
      assert.equal(head.ContentLength, big.length);
      assert.match(head.ETag ?? '', /^"[0-9a-f]{32}-3"$/);
      const range = await clients.s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'small/hello.txt', Range: 'bytes=6-' }));
      assert.equal(await range.Body?.transformToString(), 'world');
      const operations = new Set(emulator.requests.map((request) => request.operation));
      for (const operation of ['CreateMultipartUpload', 'UploadPart', 'CompleteMultipartUpload']) assert.ok(operations.has(operation), operation);
      assert.deepEqual(emulator.invalidRequests(), []);
    });
  });

  test('If-Match: GetObject and HeadObject answer the object whose ETag is named, and 412 PreconditionFailed to another', async () => {
    await withEmulator({}, async (_emulator, clients) => {
      await clients.s3.send(new CreateBucketCommand({ Bucket: BUCKET, CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' } }));
      const put = await clients.s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'match/a.txt', Body: 'first' }));
      const got = await clients.s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'match/a.txt', IfMatch: put.ETag }));
      assert.equal(await got.Body?.transformToString(), 'first');
      await clients.s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'match/a.txt', IfMatch: '*' }));
      await clients.s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'match/a.txt', Body: 'second' }));
      const stale = await failure(
        clients.s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'match/a.txt', IfMatch: put.ETag })),
        'PreconditionFailed',
        'At least one of the pre-conditions you specified did not hold',
      );
      assert.equal(stale.$metadata?.httpStatusCode, 412);
      const head = await rejection(clients.s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'match/a.txt', IfMatch: put.ETag })));
      assert.equal(head.$metadata?.httpStatusCode, 412);
    });
  });

  test('bytes that do not match their checksum are refused; missing keys, buckets and uploads are S3 errors', async () => {
    await withEmulator({}, async (_emulator, clients) => {
      await clients.s3.send(new CreateBucketCommand({ Bucket: BUCKET, CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' } }));
      await failure(
        clients.s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'bad.txt', Body: 'hello world', ChecksumCRC32: 'AAAAAA==' })),
        'BadDigest',
        'The CRC32 you specified did not match the calculated checksum.',
      );
      const missing = await failure(
        clients.s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'bad.txt' })),
        'NoSuchKey',
        'The specified key does not exist.',
      );
      assert.equal(missing.$metadata?.httpStatusCode, 404);
      await failure(clients.s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'bad.txt' })), 'NotFound');
      await failure(clients.s3.send(new GetObjectCommand({ Bucket: 'no-such-bucket', Key: 'x' })), 'NoSuchBucket', 'The specified bucket does not exist');
      const { UploadId } = await clients.s3.send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: 'aborted.bin' }));
      await clients.s3.send(new AbortMultipartUploadCommand({ Bucket: BUCKET, Key: 'aborted.bin', UploadId }));
      await failure(clients.s3.send(new UploadPartCommand({ Bucket: BUCKET, Key: 'aborted.bin', UploadId, PartNumber: 1, Body: 'x' })), 'NoSuchUpload');
    });
  });

  test('ListObjectsV2 pages with continuation tokens and groups common prefixes', async () => {
    await withEmulator({}, async (_emulator, clients) => {
      await clients.s3.send(new CreateBucketCommand({ Bucket: BUCKET, CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' } }));
      const keys = ['data/a.csv', 'data/b.csv', 'data/sub/c.csv', 'data/sub/d.csv', 'data/z.csv', 'other/e.csv'];
      for (const key of keys) await clients.s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: key }));
      const listed: string[] = [];
      let token: string | undefined;
      let pages = 0;
      do {
        const page = await clients.s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'data/', MaxKeys: 2, ContinuationToken: token }));
        pages++;
        listed.push(...(page.Contents ?? []).map((object) => object.Key as string));
        assert.equal(page.IsTruncated, page.NextContinuationToken !== undefined);
        token = page.NextContinuationToken;
      } while (token);
      assert.equal(pages, 3);
      assert.deepEqual(listed, keys.slice(0, 5));
      const grouped = await clients.s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'data/', Delimiter: '/' }));
      assert.deepEqual(
        grouped.Contents?.map((object) => object.Key),
        ['data/a.csv', 'data/b.csv', 'data/z.csv'],
      );
      assert.deepEqual(
        grouped.CommonPrefixes?.map((prefix) => prefix.Prefix),
        ['data/sub/'],
      );
      assert.equal(grouped.KeyCount, 4);
      assert.equal(grouped.Contents?.[0].Size, 'data/a.csv'.length);
    });
  });
});

describe('ECR, STS and faults', () => {
  test('ECR repositories: created once, described, missing ones refused', async () => {
    await withEmulator({ registry: { endpoint: '127.0.0.1:5999', username: 'AWS', password: 'pw' } }, async (_emulator, clients) => {
      const created = await clients.ecr.send(new CreateRepositoryCommand({ repositoryName: 'smct/trainer' }));
      assert.equal(created.repository?.repositoryUri, '127.0.0.1:5999/smct/trainer');
      assert.equal(created.repository?.repositoryArn, 'arn:aws:ecr:eu-west-1:123456789012:repository/smct/trainer');
      await failure(
        clients.ecr.send(new CreateRepositoryCommand({ repositoryName: 'smct/trainer' })),
        'RepositoryAlreadyExistsException',
        "The repository with name 'smct/trainer' already exists in the registry with id '123456789012'",
      );
      const described = await clients.ecr.send(new DescribeRepositoriesCommand({ repositoryNames: ['smct/trainer'] }));
      assert.equal(described.repositories?.[0].repositoryName, 'smct/trainer');
      await failure(
        clients.ecr.send(new DescribeRepositoriesCommand({ repositoryNames: ['missing'] })),
        'RepositoryNotFoundException',
        "The repository with name 'missing' does not exist in the registry with id '123456789012'",
      );
      await failure(
        clients.ecr.send(new CreateRepositoryCommand({ repositoryName: 'Bad Name' })),
        'ValidationException',
        /'repositoryName' failed to satisfy constraint/,
      );
      const token = await clients.ecr.send(new GetAuthorizationTokenCommand({}));
      const data = token.authorizationData?.[0];
      assert.equal(Buffer.from(data?.authorizationToken ?? '', 'base64').toString(), 'AWS:pw');
      assert.equal(data?.proxyEndpoint, 'http://127.0.0.1:5999');
      assert.ok(data?.expiresAt && Math.abs(data.expiresAt.getTime() - Date.now() - 12 * 3600_000) < 60_000, 'valid 12 hours');
    });
  });

  test('ECR DescribeImages asks the registry for the manifest, with basic auth, and reports a missing image as ImageNotFoundException', async () => {
    const digest = `sha256:${'ab'.repeat(32)}`;
    const manifest = JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
      config: { mediaType: 'application/vnd.docker.container.image.v1+json', size: 100, digest: `sha256:${'cd'.repeat(32)}` },
      layers: [{ mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip', size: 1000, digest: `sha256:${'ef'.repeat(32)}` }],
    });
    const seen: { url?: string; authorization?: string; accept?: string }[] = [];
    const registry = http.createServer((request, response) => {
      seen.push({ url: request.url, authorization: request.headers.authorization, accept: request.headers.accept });
      if (request.headers.authorization !== `Basic ${Buffer.from('AWS:secret').toString('base64')}`) {
        response.writeHead(401).end();
      } else if (request.url === '/v2/smct/trainer/manifests/1.0' || request.url === `/v2/smct/trainer/manifests/${encodeURIComponent(digest)}`) {
        response.writeHead(200, { 'content-type': 'application/vnd.docker.distribution.manifest.v2+json', 'docker-content-digest': digest }).end(manifest);
      } else if (request.url === '/v2/smct/trainer/tags/list') {
        response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ name: 'smct/trainer', tags: ['1.0'] }));
      } else {
        response.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ errors: [{ code: 'MANIFEST_UNKNOWN' }] }));
      }
    });
    await new Promise<void>((resolve) => registry.listen(0, '127.0.0.1', resolve));
    const endpoint = `127.0.0.1:${(registry.address() as net.AddressInfo).port}`;
    try {
      await withEmulator({ registry: { endpoint, username: 'AWS', password: 'secret' } }, async (_emulator, clients) => {
        await clients.ecr.send(new CreateRepositoryCommand({ repositoryName: 'smct/trainer' }));
        const images = await clients.ecr.send(new DescribeImagesCommand({ repositoryName: 'smct/trainer', imageIds: [{ imageTag: '1.0' }] }));
        assert.equal(images.imageDetails?.[0].imageDigest, digest);
        assert.deepEqual(images.imageDetails?.[0].imageTags, ['1.0']);
        assert.equal(images.imageDetails?.[0].imageSizeInBytes, 1100);
        assert.match(seen[0].accept ?? '', /application\/vnd\.docker\.distribution\.manifest\.v2\+json/);
        assert.match(seen[0].accept ?? '', /application\/vnd\.oci\.image\.manifest\.v1\+json/);
        const byDigest = await clients.ecr.send(new DescribeImagesCommand({ repositoryName: 'smct/trainer', imageIds: [{ imageDigest: digest }] }));
        assert.equal(byDigest.imageDetails?.[0].imageDigest, digest);
        const all = await clients.ecr.send(new DescribeImagesCommand({ repositoryName: 'smct/trainer' }));
        assert.deepEqual(
          all.imageDetails?.map((detail) => detail.imageTags),
          [['1.0']],
        );
        await failure(
          clients.ecr.send(new DescribeImagesCommand({ repositoryName: 'smct/trainer', imageIds: [{ imageTag: 'never-pushed' }] })),
          'ImageNotFoundException',
          "The image with imageId {imageDigest:'null', imageTag:'never-pushed'} does not exist within the repository with name 'smct/trainer' in the registry with id '123456789012'",
        );
        await failure(clients.ecr.send(new DescribeImagesCommand({ repositoryName: 'not-created' })), 'RepositoryNotFoundException');
      });
    } finally {
      await new Promise((resolve) => registry.close(resolve));
    }
  });

  test('without a registry, the authorization token names the emulator itself, whose /v2/ says there is no registry', async () => {
    await withEmulator({}, async (emulator, clients) => {
      const token = await clients.ecr.send(new GetAuthorizationTokenCommand({}));
      assert.equal(token.authorizationData?.[0].proxyEndpoint, emulator.endpoint);
      const answer = await fetch(`${emulator.endpoint}/v2/`);
      assert.equal(answer.status, 503);
      assert.match(await answer.text(), /UNAVAILABLE.*started without a registry/);
      await clients.ecr.send(new CreateRepositoryCommand({ repositoryName: 'trainer' }));
      await failure(clients.ecr.send(new DescribeImagesCommand({ repositoryName: 'trainer', imageIds: [{ imageTag: 'latest' }] })), 'ImageNotFoundException');
    });
  });

  test('STS GetCallerIdentity answers the configured account; a foreign key or none at all is refused by every service', async () => {
    await withEmulator({ accountId: '210987654321' }, async (emulator) => {
      const sts = new STSClient(emulator.clientConfig());
      const identity = await sts.send(new GetCallerIdentityCommand({}));
      assert.equal(identity.Account, '210987654321');
      assert.equal(identity.Arn, 'arn:aws:iam::210987654321:user/smct-emulator');
      assert.ok(identity.UserId);
      assert.ok(identity.$metadata.requestId, 'the request id reaches $metadata');
      sts.destroy();
      const stranger = new AwsEmulatorStranger(emulator);
      try {
        await failure(
          stranger.clients.sts.send(new GetCallerIdentityCommand({})),
          'InvalidClientTokenId',
          'The security token included in the request is invalid.',
        );
        await failure(
          stranger.clients.sagemaker.send(new ListTrainingJobsCommand({})),
          'UnrecognizedClientException',
          'The security token included in the request is invalid.',
        );
        await failure(stranger.clients.logs.send(new DescribeLogStreamsCommand({ logGroupName: 'x' })), 'UnrecognizedClientException');
        await failure(stranger.clients.ecr.send(new DescribeRepositoriesCommand({})), 'UnrecognizedClientException');
        await failure(stranger.clients.s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'x' })), 'InvalidAccessKeyId');
      } finally {
        stranger.destroy();
      }
      const unsigned = await fetch(emulator.endpoint, {
        method: 'POST',
        headers: { 'x-amz-target': 'SageMaker.ListTrainingJobs', 'content-type': 'application/x-amz-json-1.1' },
        body: '{}',
      });
      assert.equal(unsigned.status, 400);
      assert.equal(unsigned.headers.get('x-amzn-errortype'), 'UnrecognizedClientException');
    });
  });

  test('injected faults: throttling is retried by the SDK, access denied and quota errors surface with their names', async () => {
    await withEmulator({}, async (emulator, clients) => {
      await prepareBucket(clients);
      await clients.sagemaker.send(new CreateTrainingJobCommand(trainingRequest('smct-faults')));
      await finished(clients, 'smct-faults');
      const stream = emulator.logs.streamNames(TRAINING_LOG_GROUP)[0];
      emulator.failNext({ operation: 'GetLogEvents', code: 'ThrottlingException', message: 'Rate exceeded', status: 400, times: 2 });
      const events = await clients.logs.send(new GetLogEventsCommand({ logGroupName: TRAINING_LOG_GROUP, logStreamName: stream, startFromHead: true }));
      assert.equal(events.$metadata.attempts, 3, 'two throttled attempts, then the answer');
      assert.ok((events.events?.length ?? 0) > 0);
      emulator.failNext({ operation: 'GetLogEvents', code: 'ThrottlingException', times: 5 });
      const single = new CloudWatchLogsClient({ ...emulator.clientConfig(), maxAttempts: 1 });
      await failure(single.send(new GetLogEventsCommand({ logGroupName: TRAINING_LOG_GROUP, logStreamName: stream })), 'ThrottlingException', 'Rate exceeded');
      single.destroy();
      emulator.failNext({ operation: 'CreateTrainingJob', code: 'AccessDeniedException' });
      await failure(
        clients.sagemaker.send(new CreateTrainingJobCommand(trainingRequest('smct-denied'))),
        'AccessDeniedException',
        /is not authorized to perform: sagemaker:CreateTrainingJob/,
      );
      emulator.failNext({ operation: 'CreateTrainingJob', code: 'ResourceLimitExceeded' });
      const quota = await failure(
        clients.sagemaker.send(new CreateTrainingJobCommand(trainingRequest('smct-quota'))),
        'ResourceLimitExceeded',
        /account-level service limit/,
      );
      assert.ok(quota instanceof ResourceLimitExceeded, 'a modelled SageMaker error arrives as its class');
      emulator.failNext({ service: 's3', operation: 'PutObject', code: 'AccessDenied' });
      const denied = await failure(clients.s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'x', Body: 'x' })), 'AccessDenied');
      assert.equal(denied.$metadata?.httpStatusCode, 403);
      assert.equal(emulator.sagemaker.allJobs().length, 1, 'the refused calls created nothing');
    });
  });

  test('expired credentials are refused by every service with its own code, until they are renewed', async () => {
    await withEmulator({}, async (emulator, clients) => {
      emulator.expireCredentials(true);
      const expired = 'The security token included in the request is expired';
      await failure(clients.sagemaker.send(new ListTrainingJobsCommand({})), 'ExpiredTokenException', expired);
      await failure(clients.ecr.send(new DescribeRepositoriesCommand({})), 'ExpiredTokenException', expired);
      await failure(clients.logs.send(new DescribeLogStreamsCommand({ logGroupName: 'x' })), 'ExpiredTokenException', expired);
      await failure(clients.sts.send(new GetCallerIdentityCommand({})), 'ExpiredToken', expired);
      await failure(clients.s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'x' })), 'ExpiredToken');
      emulator.expireCredentials(false);
      assert.equal((await clients.sts.send(new GetCallerIdentityCommand({}))).Account, '123456789012');
    });
  });
});

/** SDK clients signing with a key the emulator does not know. */
class AwsEmulatorStranger {
  readonly clients: Clients;
  constructor(emulator: AwsEmulator) {
    const config = {
      ...emulator.clientConfig(),
      credentials: { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' },
      maxAttempts: 1,
    };
    this.clients = {
      sagemaker: new SageMakerClient(config),
      s3: new S3Client(config),
      ecr: new ECRClient(config),
      logs: new CloudWatchLogsClient(config),
      sts: new STSClient(config),
    };
  }
  destroy(): void {
    for (const client of Object.values(this.clients)) client.destroy();
  }
}

describe('the emulator process and its end', () => {
  test('close() stops running jobs, waits for them and removes its folders; the port is closed', async () => {
    const emulator = await startAwsEmulator({ runner: scriptedRunner({ untilStopped: true }) });
    const clients = clientsFor(emulator);
    await prepareBucket(clients);
    await clients.sagemaker.send(new CreateTrainingJobCommand(trainingRequest('smct-closing')));
    await until('Training', () => emulator.trainingJob('smct-closing').secondaryStatus === 'Training');
    assert.ok(fs.existsSync(emulator.tempDir));
    for (const client of Object.values(clients)) client.destroy();
    await emulator.close();
    assert.equal(emulator.trainingJob('smct-closing').status, 'Stopped');
    assert.equal(fs.existsSync(emulator.tempDir), false);
    await assert.rejects(fetch(`${emulator.endpoint}/`), /fetch failed/);
    await emulator.close();
  });

  test('main.js prints its environment as one JSON line, serves it, and stops on SIGTERM', async () => {
    const child = spawn(process.execPath, [path.join(__dirname, 'emulator', 'main.js'), '--account-id', '210987654321', '--region', 'us-east-1'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      let stdout = '';
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
      const line = await until('the environment line', () => (stdout.includes('\n') ? stdout.split('\n')[0] : undefined));
      const env = JSON.parse(line) as Record<string, string>;
      assert.equal(env.AWS_REGION, 'us-east-1');
      const sts = new STSClient({
        endpoint: env.AWS_ENDPOINT_URL,
        region: env.AWS_REGION,
        credentials: { accessKeyId: env.AWS_ACCESS_KEY_ID, secretAccessKey: env.AWS_SECRET_ACCESS_KEY },
      });
      assert.equal((await sts.send(new GetCallerIdentityCommand({}))).Account, '210987654321');
      sts.destroy();
      const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      assert.equal(await exited, 0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
    const refused = spawnSync(process.execPath, [path.join(__dirname, 'emulator', 'main.js'), '--registry', '127.0.0.1:5000'], { encoding: 'utf8' });
    assert.equal(refused.status, 2);
    assert.match(refused.stderr, /--registry and --registry-password-file go together/);
  });
});

describe('dockerRunner', () => {
  test('maps the CreateTrainingJob request onto the local runner job, reading the downloaded channels', () => {
    const request = trainingRequest('smct-mapped', {
      ResourceConfig: { InstanceType: 'ml.c5.xlarge', InstanceCount: 2, VolumeSizeInGB: 50 },
      AlgorithmSpecification: {
        TrainingImage: 'img:1',
        TrainingInputMode: 'File',
        ContainerEntrypoint: ['python', 'train.py'],
        ContainerArguments: ['--fast'],
      },
      CheckpointConfig: { S3Uri: `s3://${BUCKET}/checkpoints` },
      Tags: [{ Key: 'team', Value: 'ml' }],
    }) as never;
    const context = { workDir: '/tmp/work', inputs: { training: '/tmp/work/input/training' } } as unknown as RunnerContext;
    const job = localJob({ name: 'smct-mapped', arn: 'arn', region: 'eu-west-1', accountId: '123456789012', request, hosts: ['algo-1', 'algo-2'] }, context, {
      stopTimeoutSeconds: 5,
    });
    assert.equal(job.image, 'img:1');
    assert.equal(job.instanceCount, 2);
    assert.equal(job.instanceType, 'ml.c5.xlarge');
    assert.deepEqual(job.inputs, [
      {
        name: 'training',
        source: { kind: 'local', path: '/tmp/work/input/training' },
        contentType: 'text/csv',
        inputMode: 'File',
        distribution: 'FullyReplicated',
        s3DataType: 'S3Prefix',
        recordWrapperType: 'None',
      },
    ]);
    assert.deepEqual(job.hyperparameters, { epochs: '3', lr: '0.1' });
    assert.deepEqual(job.environment, { CUSTOM: 'yes' });
    assert.deepEqual(job.containerEntrypoint, ['python', 'train.py']);
    assert.deepEqual(job.containerArguments, ['--fast']);
    assert.equal(job.stopTimeoutSeconds, 5);
    assert.equal(job.maxRuntimeSeconds, 3600);
    assert.deepEqual(job.checkpoints, { s3Uri: `s3://${BUCKET}/checkpoints`, localPath: '/opt/ml/checkpoints/' });
    assert.deepEqual(job.tags, { team: 'ml' });
    assert.equal(job.output.local, '/tmp/work/local-output');
  });

  test('an image outside the registry fails the job as SageMaker would, without running anything', async () => {
    await withEmulator({ runner: dockerRunner(), registry: { endpoint: '127.0.0.1:5999', password: 'pw' } }, async (_emulator, clients) => {
      await prepareBucket(clients);
      const request = trainingRequest('smct-elsewhere', {
        AlgorithmSpecification: { TrainingImage: 'docker.io/library/python:3.12', TrainingInputMode: 'File' },
      });
      await clients.sagemaker.send(new CreateTrainingJobCommand(request));
      const job = await finished(clients, 'smct-elsewhere');
      assert.equal(job.TrainingJobStatus, 'Failed');
      assert.match(job.FailureReason ?? '', /^ClientError: The training image docker\.io\/library\/python:3\.12 is not in the registry 127\.0\.0\.1:5999/);
    });
  });

  test('runs the image for real: channels from S3 in /opt/ml/input/data, logs in CloudWatch, model.tar.gz in S3', { timeout: 180_000 }, async (t) => {
    const missing = dockerMissing();
    if (missing) {
      t.skip(missing);
      return;
    }
    const image = 'smct-emulator-test:latest';
    dockerBuild(trainingProject(BUSYBOX_DOCKERFILE), image);
    await withEmulator({ runner: dockerRunner({ pull: false, stopTimeoutSeconds: 2 }) }, async (emulator, clients) => {
      await prepareBucket(clients);
      const request = trainingRequest('smct-docker', {
        AlgorithmSpecification: { TrainingImage: image, TrainingInputMode: 'File' },
        HyperParameters: { mode: 'ok' },
      });
      await clients.sagemaker.send(new CreateTrainingJobCommand(request));
      const job = await finished(clients, 'smct-docker');
      const stream = emulator.logs.streamNames(TRAINING_LOG_GROUP)[0];
      const lines = (await readStream(clients, stream, 10000)).events.map((event) => event.message);
      assert.equal(job.TrainingJobStatus, 'Completed', `${job.FailureReason}\n${lines.join('\n')}`);
      assert.match(stream, /^smct-docker\/algo-1-\d+$/);
      assert.ok(lines.includes('TRAINING_JOB_NAME=smct-docker'), lines.join('\n'));
      assert.ok(lines.includes('CUSTOM=yes'));
      assert.ok(lines.includes('TREE /opt/ml/input/data/training/rows.csv'));
      assert.ok(lines.includes('TREE /opt/ml/input/data/training/more/rows2.csv'));
      assert.ok(lines.includes('DONE'));
      assert.deepEqual(archiveEntries(await bodyBytes(clients, 'output/smct-docker/output/model.tar.gz')), ['model-algo-1.txt']);
      assert.deepEqual(archiveEntries(await bodyBytes(clients, 'output/smct-docker/output/output.tar.gz')), ['metrics.txt']);
    });
    const ours = spawnSync('docker', ['ps', '--all', '--quiet', '--filter', `label=smct.pid=${process.pid}`], { encoding: 'utf8' });
    assert.equal(ours.stdout.trim(), '', 'no container of this process is left');
  });

  test('an image that cannot be pulled fails the job with a ClientError, and the Docker login leaves nothing behind', { timeout: 60_000 }, async (t) => {
    const missing = dockerMissing();
    if (missing) {
      t.skip(missing);
      return;
    }
    const endpoint = `127.0.0.1:${await freePort()}`;
    // Only this process's: other processes' pulls beside it are none of its business.
    const ownConfigs = (): string[] => fs.readdirSync(os.tmpdir()).filter((name) => name.startsWith(`smct-emulator-docker-${process.pid}-`));
    await withEmulator({ runner: dockerRunner(), registry: { endpoint, username: 'AWS', password: 'never-on-argv' } }, async (_emulator, clients) => {
      await prepareBucket(clients);
      await clients.sagemaker.send(
        new CreateTrainingJobCommand(
          trainingRequest('smct-unpulled', { AlgorithmSpecification: { TrainingImage: `${endpoint}/trainer:never-pushed`, TrainingInputMode: 'File' } }),
        ),
      );
      const job = await finished(clients, 'smct-unpulled');
      assert.equal(job.TrainingJobStatus, 'Failed');
      assert.match(job.FailureReason ?? '', new RegExp(`^ClientError: Could not log in to the registry ${endpoint.replace(/\./g, '\\.')}`));
      assert.equal(job.SecondaryStatus, 'Failed');
      assert.ok(!job.SecondaryStatusTransitions?.some((entry) => entry.Status === 'Training'), 'the algorithm never started');
    });
    assert.deepEqual(ownConfigs(), []);
  });
});
