// examples/serving end to end with smct as users run it (bin/smct.js over the bundles): build,
// train locally, serve, invoke, batch transform; then deploy the trained model to the AWS
// emulator, whose endpoint runs the same image pulled from a real registry standing in for ECR.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import * as tar from 'tar';
import { registryMissing, startRegistry, type Registry } from '../helpers/registry';
import { startSmct, waitForOutput } from '../helpers/smctProcess';
import { dockerEndpointRunner, startAwsEmulator, type AwsEmulator } from '../aws/emulator';
import { exampleCopy, jobContainers, leftovers, pythonBaseMissing } from './dockerFixtures';

const OWN = `smct-test-serving-example-${randomBytes(4).toString('hex')}`;
const IMAGE = `${OWN}:latest`;

/** The line the example's "train" fitted, read from model.json inside model.tar.gz. */
interface Line {
  readonly a: number;
  readonly b: number;
}

function modelLine(archive: string): Line {
  let json = '';
  tar.list({
    file: archive,
    sync: true,
    onReadEntry: (entry) => {
      if (entry.path === 'model.json') entry.on('data', (chunk: Buffer) => (json += chunk.toString('utf8')));
      else entry.resume();
    },
  });
  return JSON.parse(json) as Line;
}

/** Each number in `text` (one a line) is a*x+b for the x on the same line of `inputs`. */
function assertPredictions(text: string, inputs: string, line: Line): void {
  const xs = inputs.split('\n').filter((x) => x.trim() !== '');
  const ys = text.split('\n').filter((y) => y.trim() !== '');
  assert.equal(ys.length, xs.length, text);
  xs.forEach((x, i) => assert.ok(Math.abs(Number(ys[i]) - (line.a * Number(x) + line.b)) < 1e-9, `${x} -> ${ys[i]}, not ${line.a} * x + ${line.b}`));
}

describe('examples/serving end to end with smct', { skip: pythonBaseMissing() ?? false }, () => {
  let folder: string;
  let model: string | undefined;
  let line: Line;
  const payload = (): string => fs.readFileSync(path.join(folder, 'payload.csv'), 'utf8');
  const smct = (args: string[], env: NodeJS.ProcessEnv = process.env) => startSmct(args, { cwd: folder, env });

  before(() => {
    const file = exampleCopy('serving');
    folder = path.dirname(file);
    const job = JSON.parse(fs.readFileSync(file, 'utf8'));
    fs.writeFileSync(file, JSON.stringify({ ...job, image: IMAGE, baseJobName: OWN }));
  });

  after(() => {
    spawnSync('docker', ['image', 'rm', '--force', IMAGE]);
    fs.rmSync(folder, { recursive: true, force: true });
  });

  test('smct build, then smct train --local: Completed, the fitted line in model.tar.gz', async () => {
    const built = await smct(['build']).done;
    assert.equal(built.code, 0, built.stderr);
    const trained = await smct(['train', '--local']).done;
    assert.equal(trained.code, 0, trained.stderr);
    assert.match(trained.stdout, new RegExp(`^Training job ${OWN}-\\S+: Completed$`, 'm'));
    model = /^Model artifacts: (.+model\.tar\.gz)$/m.exec(trained.stdout)?.[1];
    assert.ok(model && fs.existsSync(model), trained.stdout);
    line = modelLine(model);
    const printed = /trained on 200 rows: y = (\S+) \* x \+ (\S+)$/m.exec(trained.stdout);
    assert.ok(printed, trained.stdout);
    assert.equal(Number(printed[1]), Number(line.a.toFixed(3)));
    assert.equal(Number(printed[2]), Number(line.b.toFixed(3)));
  });

  test('smct serve --local on a free port; invoke with CSV and JSON gets the line’s predictions; transform --local beside it; Ctrl-C: 130, nothing left', async (t) => {
    if (!model) return t.skip('the training test did not produce a model');
    const serving = smct(['serve', '--local', '--port', '0']);
    try {
      const url = (await waitForOutput(() => serving.stdout, /InService at (http:\/\/127\.0\.0\.1:\d+) — Ctrl-C stops it/, serving.done))[1];
      // The example listens on SAGEMAKER_BIND_TO_PORT, which its label lets local serving set.
      assert.match(serving.stdout, new RegExp(`^\\[serve\\] serving y = ${line.a.toFixed(3)} \\* x \\+ ${line.b.toFixed(3)} on port 9081$`, 'm'));

      const csv = await smct(['invoke', '--url', url, '--body', 'payload.csv', '--content-type', 'text/csv']).done;
      assert.equal(csv.code, 0, csv.stderr);
      assertPredictions(csv.stdout, payload(), line);
      assert.match(csv.stderr, /^200, text\/csv, \d+ bytes/m);

      fs.writeFileSync(path.join(folder, 'payload.json'), JSON.stringify({ instances: [1, 2.5, -4] }));
      const json = await smct(['invoke', '--url', url, '--body', 'payload.json', '--content-type', 'application/json']).done;
      assert.equal(json.code, 0, json.stderr);
      const predictions = (JSON.parse(json.stdout) as { predictions: number[] }).predictions;
      assert.equal(predictions.length, 3);
      [1, 2.5, -4].forEach((x, i) => assert.ok(Math.abs(predictions[i] - (line.a * x + line.b)) < 1e-9, json.stdout));

      const transformed = await smct(['transform', '--local']).done;
      assert.equal(transformed.code, 0, transformed.stderr);
      // The example's /execution-parameters decides, as the job file sets none of them.
      assert.match(transformed.stdout, /^MaxConcurrentTransforms=2, MaxPayloadInMB=1, BatchStrategy=MULTI_RECORD$/m);
      assert.match(transformed.stdout, /^inputs\.csv: 200 records in 1 requests -> transform-output\/inputs\.csv\.out$/m);
      assert.match(transformed.stdout, /^Transform completed: 1 files, 200 records, 1 requests, 0 failures/m);
      const output = fs.readFileSync(path.join(folder, 'transform-output', 'inputs.csv.out'), 'utf8');
      assertPredictions(output, fs.readFileSync(path.join(folder, 'batch', 'inputs.csv'), 'utf8'), line);
      assert.equal(jobContainers(`serve-${OWN}`).length, 1, 'the transform’s container is gone; the served one stays');
    } finally {
      serving.child.kill('SIGINT');
    }
    const done = await serving.done;
    assert.equal(done.code, 130, done.stderr);
    assert.match(done.stdout, /^Stopped\.$/m);
    assert.deepEqual(leftovers(`serve-${OWN}`), { containers: '', networks: '', folders: [] });
  });

  describe('deployed to the AWS emulator', { skip: registryMissing() ?? false }, () => {
    let registry: Registry;
    let emulator: AwsEmulator;
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'smct-home-'));
    const env = (): NodeJS.ProcessEnv => ({
      ...process.env,
      ...emulator.env,
      HOME: home,
      AWS_CONFIG_FILE: '/nonexistent',
      AWS_SHARED_CREDENTIALS_FILE: '/nonexistent',
    });

    before(async () => {
      registry = await startRegistry();
      emulator = await startAwsEmulator({ registry, endpointRunner: dockerEndpointRunner({ stopGraceSeconds: 5 }) });
    });

    after(async () => {
      await emulator?.close();
      if (registry) {
        const tags = spawnSync('docker', ['image', 'ls', '--format', '{{.Repository}}:{{.Tag}}', `${registry.endpoint}/*`], { encoding: 'utf8' })
          .stdout.split('\n')
          .filter((tag) => tag && !tag.endsWith(':<none>'));
        if (tags.length > 0) spawnSync('docker', ['image', 'rm', '--force', ...tags]);
      }
      await registry?.close();
      fs.rmSync(home, { recursive: true, force: true });
    });

    test('smct deploy pushes the image and uploads the local run’s model.tar.gz; smct invoke reaches the real container; smct delete --yes removes it', async (t) => {
      if (!model) return t.skip('the training test did not produce a model');
      const name = `linear-serving-${randomBytes(3).toString('hex')}`;
      const file = path.join(folder, 'sagemaker-job.json');
      const job = JSON.parse(fs.readFileSync(file, 'utf8'));
      fs.writeFileSync(file, JSON.stringify({ ...job, serving: { ...job.serving, endpointName: name, model: path.relative(folder, model) } }));

      const deployed = await smct(['deploy', '--poll-interval', '0.1'], env()).done;
      assert.equal(deployed.code, 0, deployed.stderr + deployed.stdout);
      assert.match(deployed.stdout, new RegExp(`Endpoint ${name} is InService\\.\\n$`));
      const uploaded = emulator.requests.find((request) => request.operation === 'CreateModel')?.input as {
        PrimaryContainer: { Image: string; ModelDataUrl: string };
      };
      assert.ok(uploaded.PrimaryContainer.Image.startsWith(`${registry.endpoint}/`), uploaded.PrimaryContainer.Image);
      const [, bucket, key] = /^s3:\/\/([^/]+)\/(.+)$/.exec(uploaded.PrimaryContainer.ModelDataUrl) ?? [];
      assert.deepEqual(emulator.s3.getObject(bucket, key).bytes, fs.readFileSync(model), 'the local model.tar.gz, uploaded');
      assert.equal(jobContainers(`serve-${name}`, { running: true }).length, 1);

      const invoked = await smct(['invoke', name, '--body', 'payload.csv', '--content-type', 'text/csv'], env()).done;
      assert.equal(invoked.code, 0, invoked.stderr);
      assertPredictions(invoked.stdout, payload(), line);

      const deleted = await smct(['delete', name, '--yes'], env()).done;
      assert.equal(deleted.code, 0, deleted.stderr);
      await emulator.waitForEndpoint(name).catch(() => undefined);
      assert.deepEqual(jobContainers(`serve-${name}`), []);
      assert.deepEqual(emulator.invalidRequests(), []);
    });
  });
});
