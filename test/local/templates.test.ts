// Every `smct init` template end to end with smct as users run it (bin/smct.js over the bundles), on
// the real Docker engine: init with serving, build (lint, docker build, check), train --local to a
// model.tar.gz whose content is checked, serve --local and invoke with CSV and JSON. On every
// template, a stopped run leaves a checkpoint and the model so far, the next run resumes from the
// checkpoint and completes, and the one after trains from the start. On the plain Python template
// (the fastest): two instances (only algo-1 trains), serve's answers to bad requests and its exit on
// SIGTERM, unknown arguments, a Pipe-mode validation channel and a broken data file (failure
// reasons); on XGBoost, a hyperparameter out of range.
//
// The templates build on the offline images of scripts/setup-framework-images.sh (Debian's
// scikit-learn, XGBoost and PyTorch). TensorFlow cannot be installed here: its template runs on an
// image this test makes, with test/fixtures/tensorflow-stand-in (Keras in NumPy) on the Python path.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test, type TestContext } from 'node:test';
import * as tar from 'tar';
import { startSmct, waitForOutput, type SmctRun } from '../helpers/smctProcess';
import { dockerMissing, leftovers, PYTHON_BASE } from './dockerFixtures';

const ROOT = path.resolve(__dirname, '../../..');
const OWN = `smct-test-templates-${randomBytes(4).toString('hex')}`;
/** The image with the TensorFlow stand-in, made by this test and removed at its end. */
const TENSORFLOW_BASE = `${OWN}-tensorflow-base:bookworm`;
/** The validation accuracy every template reaches on the sample data (they score 0.89 to 0.93). */
const MIN_ACCURACY = 0.8;

interface Template {
  readonly id: string;
  readonly baseImage: string;
  /** The one file the template's train writes into /opt/ml/model, checked by `checkModel`. */
  readonly modelFile: string;
  /** Checks the model file; `steps`: the epochs, rounds or trees trained (the full count when not given). */
  readonly checkModel: (content: Buffer, steps?: number) => void;
  /** The epochs, rounds or trees of a full training, and a first progress line printed after a checkpoint. */
  readonly steps: number;
  readonly progress: RegExp;
  /** The test knob that makes training slow enough to be stopped after that line. */
  readonly sleepPerStep: number;
}

const isZip = (content: Buffer): void => assert.equal(content.subarray(0, 2).toString('latin1'), 'PK', 'a zip archive');

const TEMPLATES: readonly Template[] = [
  {
    id: 'python',
    baseImage: PYTHON_BASE,
    modelFile: 'model.json',
    steps: 200,
    progress: /^\[algo-1\] epoch 20: loss/m,
    sleepPerStep: 0.05,
    checkModel: (content) => {
      const model = JSON.parse(content.toString('utf8')) as { weights: number[]; bias: number };
      assert.equal(model.weights.length, 4, 'one weight per feature');
      assert.ok(model.weights.every(Number.isFinite) && Number.isFinite(model.bias), content.toString('utf8'));
    },
  },
  {
    id: 'scikit-learn',
    baseImage: 'smct-debian-python-sklearn:bookworm',
    modelFile: 'model.joblib',
    steps: 100,
    progress: /^\[algo-1\] 20 trees$/m,
    sleepPerStep: 1,
    // joblib writes a pickle (protocol 2 and later start with 0x80).
    checkModel: (content) => assert.equal(content[0], 0x80, 'a pickle'),
  },
  {
    id: 'xgboost',
    baseImage: 'smct-debian-python-xgboost:bookworm',
    modelFile: 'model.json',
    steps: 50,
    progress: /^\[algo-1\] \[0\]\s+train-error/m,
    sleepPerStep: 0.2,
    checkModel: (content, steps = 50) => {
      const model = JSON.parse(content.toString('utf8')) as { learner: { gradient_booster: { model: { trees: unknown[] } } } };
      assert.equal(model.learner.gradient_booster.model.trees.length, steps, 'one tree per round');
    },
  },
  {
    id: 'pytorch',
    baseImage: 'smct-debian-python-torch:bookworm',
    modelFile: 'model.pt',
    steps: 20,
    progress: /^\[algo-1\] epoch 1: loss/m,
    sleepPerStep: 0.5,
    checkModel: isZip,
  },
  // The stand-in saves a NumPy archive, a zip as Keras's own .keras files are.
  {
    id: 'tensorflow',
    baseImage: TENSORFLOW_BASE,
    modelFile: 'model.keras',
    steps: 20,
    progress: /^\[algo-1\] epoch 1: loss/m,
    sleepPerStep: 0.5,
    checkModel: isZip,
  },
];

/** The files of a model.tar.gz, by name. */
function archiveFiles(archive: string): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  tar.list({
    file: archive,
    sync: true,
    onReadEntry: (entry) => {
      const chunks: Buffer[] = [];
      entry.on('data', (chunk: Buffer) => chunks.push(chunk));
      entry.on('end', () => entry.type === 'File' && files.set(entry.path.replace(/^\.\//, ''), Buffer.concat(chunks)));
    },
  });
  return files;
}

function imageMissing(image: string): boolean {
  return spawnSync('docker', ['image', 'inspect', image], { stdio: 'ignore' }).status !== 0;
}

/** Polls GET /ping until it answers 200 (serve loads the model first), for up to 30 s. */
async function waitForPing(url: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const status = await fetch(`${url}/ping`).then(
      (response) => response.status,
      () => 0,
    );
    if (status === 200) return;
    assert.ok(Date.now() < deadline, `${url}/ping did not answer 200 within 30 s`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Sends `request` as it is to 127.0.0.1:`port` and resolves with the whole answer once the server closes. */
function rawRequest(port: number, request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const socket = net.connect(port, '127.0.0.1', () => socket.end(request));
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    socket.on('error', reject);
  });
}

/** The job's name from "Training job NAME: STATUS", asserting the status. */
function jobName(run: SmctRun, status: string): string {
  const name = new RegExp(`^Training job (\\S+): ${status}$`, 'm').exec(run.stdout)?.[1];
  assert.ok(name, `no "Training job …: ${status}" in:\n${run.stdout}\n${run.stderr}`);
  return name;
}

describe('smct init templates end to end with smct, on the real Docker engine', { skip: dockerMissing() ?? false }, () => {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'smct-test-templates-'));
  const folders = new Map<string, string>();
  /** Each template's model.tar.gz from its first training. */
  const models = new Map<string, string>();

  before(() => {
    // FROM the scikit-learn image, which has NumPy; ENV PYTHONPATH passes to the template's image.
    if (imageMissing('smct-debian-python-sklearn:bookworm')) return;
    const context = path.join(work, 'tensorflow-base');
    fs.cpSync(path.join(ROOT, 'test', 'fixtures', 'tensorflow-stand-in'), context, { recursive: true });
    fs.writeFileSync(
      path.join(context, 'Dockerfile'),
      'FROM smct-debian-python-sklearn:bookworm\nCOPY tensorflow /opt/tensorflow-stand-in/tensorflow\nENV PYTHONPATH=/opt/tensorflow-stand-in\n',
    );
    const built = spawnSync('docker', ['build', '-q', '-t', TENSORFLOW_BASE, context], { encoding: 'utf8' });
    assert.equal(built.status, 0, built.stderr);
  });

  after(() => {
    const images = TEMPLATES.map((template) => `${OWN}-${template.id}:latest`);
    spawnSync('docker', ['image', 'rm', '--force', ...images, TENSORFLOW_BASE], { stdio: 'ignore' });
    fs.rmSync(work, { recursive: true, force: true });
  });

  const smct = (args: string[], cwd: string) => startSmct(args, { cwd, env: process.env });

  /** Runs smct, reporting how long it took (the file's time budget is measured so). */
  async function timed(t: TestContext, label: string, run: () => Promise<SmctRun>): Promise<SmctRun> {
    const start = Date.now();
    const result = await run();
    t.diagnostic(`${label}: ${((Date.now() - start) / 1000).toFixed(1)} s`);
    return result;
  }

  for (const template of TEMPLATES) {
    const name = `${OWN}-${template.id}`;

    test(`${template.id}: init, build, train --local to a model, serve and invoke`, async (t: TestContext) => {
      if (imageMissing(template.baseImage)) return t.skip(`${template.baseImage} is missing: run scripts/setup-framework-images.sh`);
      const init = await smct(['init', template.id, '--template', template.id, '--serving', '--base-image', template.baseImage, '--name', name], work).done;
      assert.equal(init.code, 0, init.stderr);
      const folder = path.join(work, template.id);
      folders.set(template.id, folder);

      // Generated projects lint clean: not even an info finding.
      const linted = await smct(['lint', 'Dockerfile'], folder).done;
      assert.equal(linted.stdout, 'No SageMaker problems found in 1 file.\n', linted.stderr);

      const built = await timed(t, `${template.id} build`, () => smct(['build'], folder).done);
      assert.equal(built.code, 0, built.stdout + built.stderr);
      assert.match(built.stdout, new RegExp(`^No SageMaker problems found in ${name}:latest`, 'm'));

      const trained = await timed(t, `${template.id} train`, () => smct(['train', '--local'], folder).done);
      assert.equal(trained.code, 0, trained.stdout + trained.stderr);
      jobName(trained, 'Completed');
      // The job file's hyperparameters (the engine's) are the ones train reads (the template's).
      assert.doesNotMatch(trained.stdout, /Ignoring the unknown hyperparameter/);
      const accuracy = /^\[algo-1\] validation accuracy: (\d\.\d{4})$/m.exec(trained.stdout);
      assert.ok(accuracy, trained.stdout);
      assert.ok(Number(accuracy[1]) >= MIN_ACCURACY, `validation accuracy ${accuracy[1]} < ${MIN_ACCURACY}`);
      const model = /^Model artifacts: (.+model\.tar\.gz)$/m.exec(trained.stdout)?.[1];
      assert.ok(model, trained.stdout);
      models.set(template.id, model);
      const files = archiveFiles(model);
      assert.deepEqual([...files.keys()], [template.modelFile], 'model.tar.gz holds the model, nothing else');
      template.checkModel(files.get(template.modelFile) ?? Buffer.alloc(0));

      // The first validation rows without their label: the payload a client sends.
      const rows = fs
        .readFileSync(path.join(folder, 'data', 'validation', 'validation.csv'), 'utf8')
        .split('\n')
        .slice(0, 20)
        .map((line) => line.split(','));
      fs.writeFileSync(path.join(folder, 'payload.csv'), rows.map((row) => row.slice(1).join(',') + '\n').join(''));
      fs.writeFileSync(path.join(folder, 'payload.json'), JSON.stringify({ instances: rows.map((row) => row.slice(1).map(Number)) }));

      const serving = smct(['serve', '--local', '--port', '0', '--model', model], folder);
      try {
        const url = (await waitForOutput(() => serving.stdout, /InService at (http:\/\/127\.0\.0\.1:\d+) — Ctrl-C stops it/, serving.done))[1];
        const csv = await smct(['invoke', '--url', url, '--body', 'payload.csv', '--content-type', 'text/csv'], folder).done;
        assert.equal(csv.code, 0, csv.stderr);
        assert.match(csv.stderr, /^200, text\/csv, /m);
        const probabilities = csv.stdout.trim().split('\n').map(Number);
        assert.equal(probabilities.length, rows.length, csv.stdout);
        assert.ok(
          probabilities.every((p) => p >= 0 && p <= 1),
          `probabilities in [0, 1]: ${csv.stdout}`,
        );
        const right = probabilities.filter((p, i) => p > 0.5 === (rows[i][0] === '1')).length;
        assert.ok(right >= 15, `the served model is the trained one: ${right} of 20 right`);

        const json = await smct(['invoke', '--url', url, '--body', 'payload.json', '--content-type', 'application/json'], folder).done;
        assert.equal(json.code, 0, json.stderr);
        const predictions = (JSON.parse(json.stdout) as { predictions: number[] }).predictions;
        predictions.forEach((p, i) => assert.ok(Math.abs(p - probabilities[i]) < 1e-6, `JSON and CSV agree: ${json.stdout}`));
        assert.equal(predictions.length, rows.length);

        // inference.predict refuses rows of the wrong width: serve answers 400 with its reason.
        const narrow = await fetch(`${url}/invocations`, { method: 'POST', headers: { 'Content-Type': 'text/csv' }, body: '1,2,3\n' });
        const reason = await narrow.text();
        assert.equal(narrow.status, 400, reason);
        assert.match(reason, /^Bad request: .*\b3\b.*\n$/);
      } finally {
        serving.child.kill('SIGINT');
      }
      const stopped = await serving.done;
      assert.equal(stopped.code, 130, stopped.stderr);
      assert.deepEqual(leftovers(name), { containers: '', networks: '', folders: [] });
      assert.deepEqual(leftovers(`serve-${name}`), { containers: '', networks: '', folders: [] });
    });
  }

  /** A copy of a project's job file with `change` applied, written as `file`. */
  function jobVariant(folder: string, file: string, change: (job: Record<string, unknown>) => void): string {
    const job = JSON.parse(fs.readFileSync(path.join(folder, 'sagemaker-job.json'), 'utf8')) as Record<string, unknown>;
    change(job);
    fs.writeFileSync(path.join(folder, file), JSON.stringify(job, null, 2));
    return file;
  }

  for (const template of TEMPLATES) {
    test(`${template.id}: Ctrl-C saves a checkpoint and the model so far, the next job resumes and completes, the one after trains from the start`, async (t: TestContext) => {
      const folder = folders.get(template.id);
      if (!folder) return t.skip(`the ${template.id} template’s project was not made`);
      const checkpoints = { s3Uri: `s3://${OWN}/${template.id}/checkpoints/` };
      // sleep_per_step, the templates' test knob, makes training last long enough to be stopped.
      const slow = jobVariant(folder, 'slow.json', (job) => {
        job.hyperparameters = { ...(job.hyperparameters as object), sleep_per_step: template.sleepPerStep };
        job.checkpoints = checkpoints;
      });
      const again = jobVariant(folder, 'again.json', (job) => (job.checkpoints = checkpoints));

      const first = smct(['train', '--local', '--job', slow], folder);
      await waitForOutput(() => first.stdout, template.progress, first.done);
      first.child.kill('SIGINT');
      const stopped = await timed(t, `${template.id} stopped run`, () => first.done);
      assert.equal(stopped.code, 1, stopped.stdout + stopped.stderr);
      jobName(stopped, 'Stopped');
      assert.match(stopped.stdout, /^\[algo-1\] SIGTERM received: stopping after this step$/m);
      const step = /^\[algo-1\] Stopped \D*(\d+)\D*; the checkpoint and the model are saved$/m.exec(stopped.stdout)?.[1];
      assert.ok(step && Number(step) > 0 && Number(step) < template.steps, stopped.stdout);
      assert.match(stopped.stdout, /^Checkpoints: 0 files \(0 bytes\) restored, [1-9]\d* files? \(.+\) saved/m);
      // StopTrainingJob and the max runtime give 120 s to save the model: model.tar.gz has it.
      const model = /^Model artifacts: (.+model\.tar\.gz)$/m.exec(stopped.stdout)?.[1];
      assert.ok(model, stopped.stdout);
      const files = archiveFiles(model);
      assert.deepEqual([...files.keys()], [template.modelFile], 'the stopped job’s model.tar.gz holds the model so far');
      template.checkModel(files.get(template.modelFile) ?? Buffer.alloc(0), Number(step));

      const resumed = await timed(t, `${template.id} resumed run`, () => smct(['train', '--local', '--job', again], folder).done);
      assert.equal(resumed.code, 0, resumed.stdout + resumed.stderr);
      jobName(resumed, 'Completed');
      assert.equal(/^\[algo-1\] Resumed from the checkpoint \D*(\d+)/m.exec(resumed.stdout)?.[1], step, resumed.stdout);
      assert.match(resumed.stdout, /^\[algo-1\] validation accuracy: 0\.\d{4}$/m);

      // The completed job deleted its checkpoints: a later job trains anew, with its own data and hyperparameters.
      const next = await timed(t, `${template.id} next run`, () => smct(['train', '--local', '--job', again], folder).done);
      assert.equal(next.code, 0, next.stdout + next.stderr);
      jobName(next, 'Completed');
      assert.match(next.stdout, /^Checkpoints: 0 files \(0 bytes\) restored/m);
      assert.doesNotMatch(next.stdout, /Resumed from the checkpoint/);
      assert.match(next.stdout, /^\[algo-1\] validation accuracy: 0\.\d{4}$/m);
      assert.deepEqual(leftovers(`${OWN}-${template.id}`), { containers: '', networks: '', folders: [] });
    });
  }

  test('python: with instanceCount 2, algo-1 trains and algo-2 says it has nothing to do', async (t: TestContext) => {
    const folder = folders.get('python');
    if (!folder) return t.skip('the python template’s project was not made');
    const two = jobVariant(folder, 'two.json', (job) => ((job.resources as Record<string, unknown>).instanceCount = 2));

    const trained = await timed(t, 'python on two instances', () => smct(['train', '--local', '--job', two], folder).done);
    assert.equal(trained.code, 0, trained.stdout + trained.stderr);
    jobName(trained, 'Completed');
    assert.match(
      trained.stdout,
      /^\[algo-2\] algo-2: this program trains on one instance; nothing to do here — set instanceCount to 1 or make training distributed$/m,
    );
    assert.deepEqual(
      trained.stdout.split('\n').filter((line) => line.startsWith('[algo-2]')),
      ['[algo-2] algo-2: this program trains on one instance; nothing to do here — set instanceCount to 1 or make training distributed'],
      'algo-2 prints that one line and trains nothing',
    );
    assert.match(trained.stdout, /^\[algo-1\] validation accuracy: 0\.\d{4}$/m);
    const model = /^Model artifacts: (.+model\.tar\.gz)$/m.exec(trained.stdout)?.[1];
    assert.ok(model, trained.stdout);
    assert.deepEqual([...archiveFiles(model).keys()], ['model.json'], 'one model file, algo-1’s');
    assert.deepEqual(leftovers(`${OWN}-python`), { containers: '', networks: '', folders: [] });
  });

  test('python: serve answers bad requests with 400, 415 and 406, and exits 0 on SIGTERM', async (t: TestContext) => {
    const folder = folders.get('python');
    const archive = models.get('python');
    if (!folder || !archive) return t.skip('the python template’s project was not made');
    const modelDir = path.join(work, 'python-model');
    fs.mkdirSync(modelDir);
    await tar.extract({ file: archive, cwd: modelDir });
    const container = `${OWN}-serve-python`;
    const run = spawnSync(
      'docker',
      ['run', '-d', '--name', container, '-p', '127.0.0.1::8080', '-v', `${modelDir}:/opt/ml/model`, `${OWN}-python:latest`, 'serve'],
      {
        encoding: 'utf8',
      },
    );
    assert.equal(run.status, 0, run.stderr);
    try {
      const port = /:(\d+)$/m.exec(spawnSync('docker', ['port', container, '8080'], { encoding: 'utf8' }).stdout)?.[1];
      assert.ok(port, 'the published port');
      const url = `http://127.0.0.1:${port}`;
      await waitForPing(url);
      const post = async (body: string | Buffer, headers: Record<string, string>): Promise<{ status: number; text: string }> => {
        const response = await fetch(`${url}/invocations`, { method: 'POST', headers, body });
        return { status: response.status, text: await response.text() };
      };
      const csv = { 'Content-Type': 'text/csv' };
      const json = { 'Content-Type': 'application/json' };

      assert.equal((await post('0.1,0.2,0.3,0.4\n', csv)).status, 200);
      const notUtf8 = await post(Buffer.from([0x31, 0x2c, 0xff, 0xfe, 0x0a]), csv);
      assert.deepEqual([notUtf8.status, /^Bad request: the body is not UTF-8 text/.test(notUtf8.text)], [400, true], notUtf8.text);
      for (const [body, headers] of [
        ['nan,0.2,0.3,0.4\n', csv],
        ['inf,0.2,0.3,0.4\n', csv],
        ['{"instances": [[NaN, 0.2, 0.3, 0.4]]}', json],
        ['{"instances": [[1e400, 0.2, 0.3, 0.4]]}', json],
      ] as const) {
        const answer = await post(body, headers);
        assert.deepEqual([answer.status, /^Bad request: .*finite numbers/.test(answer.text)], [400, true], `${body}: ${answer.text}`);
      }
      const narrow = await post('{"instances": [[0.1, 0.2, 0.3]]}', json);
      assert.deepEqual(narrow, { status: 400, text: 'Bad request: expected 4 features, got 3\n' });
      // fetch always sends a right Content-Length: a raw request sends a wrong one.
      const badLength = await rawRequest(Number(port), 'POST /invocations HTTP/1.0\r\nContent-Type: text/csv\r\nContent-Length: abc\r\n\r\n');
      assert.match(badLength, /^HTTP\/1\.0 400 [^]*\r\n\r\nBad request: Content-Length 'abc' is not a number of bytes\n$/);
      const plain = await post('0.1,0.2,0.3,0.4\n', { 'Content-Type': 'text/plain' });
      assert.deepEqual([plain.status, plain.text], [415, "Content-Type 'text/plain' is not supported: use text/csv or application/json\n"]);
      const protobuf = await post('0.1,0.2,0.3,0.4\n', { ...csv, Accept: 'application/x-protobuf' });
      assert.deepEqual([protobuf.status, protobuf.text], [406, "Accept 'application/x-protobuf' is not supported: use text/csv or application/json\n"]);

      // docker stop sends SIGTERM, as SageMaker does: serve shuts down and exits 0 (not 143, killed by it).
      assert.equal(spawnSync('docker', ['stop', '--time', '10', container], { encoding: 'utf8' }).status, 0);
      const state = spawnSync('docker', ['inspect', '--format', '{{.State.ExitCode}}', container], { encoding: 'utf8' });
      assert.equal(state.stdout.trim(), '0', spawnSync('docker', ['logs', container], { encoding: 'utf8' }).stderr);
    } finally {
      spawnSync('docker', ['rm', '--force', container], { stdio: 'ignore' });
    }
  });

  test('xgboost: a hyperparameter out of range fails the job with a FailureReason naming it', async (t: TestContext) => {
    const folder = folders.get('xgboost');
    if (!folder) return t.skip('the xgboost template’s project was not made');
    const zero = jobVariant(folder, 'zero.json', (job) => {
      job.hyperparameters = { ...(job.hyperparameters as object), checkpoint_every: 0 };
    });

    const failed = await timed(t, 'xgboost checkpoint_every 0', () => smct(['train', '--local', '--job', zero], folder).done);
    assert.equal(failed.code, 1, failed.stdout + failed.stderr);
    jobName(failed, 'Failed');
    assert.match(failed.stdout, /^FailureReason: AlgorithmError: ValueError: hyperparameter 'checkpoint_every' must be greater than 0, not 0$/m);
    assert.deepEqual(leftovers(`${OWN}-xgboost`), { containers: '', networks: '', folders: [] });
  });

  test('python: a validation channel in Pipe mode fails the job, naming the channel', async (t: TestContext) => {
    const folder = folders.get('python');
    if (!folder) return t.skip('the python template’s project was not made');
    const pipe = jobVariant(folder, 'pipe.json', (job) => {
      (job.inputs as Record<string, unknown>).validation = { source: 'data/validation', contentType: 'text/csv', inputMode: 'Pipe' };
    });

    const failed = await timed(t, 'python validation in Pipe mode', () => smct(['train', '--local', '--job', pipe], folder).done);
    assert.equal(failed.code, 1, failed.stdout + failed.stderr);
    jobName(failed, 'Failed');
    assert.match(
      failed.stdout,
      /^FailureReason: AlgorithmError: ValueError: the 'validation' channel is in Pipe mode, but this program reads files: use File mode for it$/m,
    );
    assert.deepEqual(leftovers(`${OWN}-python`), { containers: '', networks: '', folders: [] });
  });

  test('python: train and serve refuse an argument other than their name; train writes why in the failure file', async (t: TestContext) => {
    if (!folders.has('python')) return t.skip('the python template’s project was not made');
    const output = path.join(work, 'unknown-argument-output');
    fs.mkdirSync(output);
    const image = `${OWN}-python:latest`;
    const train = spawnSync('docker', ['run', '--rm', '--name', `${OWN}-train-extra`, '-v', `${output}:/opt/ml/output`, image, 'train', 'extra'], {
      encoding: 'utf8',
    });
    assert.equal(train.status, 1, train.stdout + train.stderr);
    const failure = fs.readFileSync(path.join(output, 'failure'), 'utf8');
    assert.equal(failure.split('\n')[0], "ValueError: unknown argument 'extra': SageMaker runs this program as 'train'", failure);

    const serve = spawnSync('docker', ['run', '--rm', '--name', `${OWN}-serve-extra`, image, 'serve', 'extra'], { encoding: 'utf8' });
    assert.equal(serve.status, 1, serve.stdout + serve.stderr);
    assert.equal(serve.stderr, "unknown argument 'extra': SageMaker runs this program as 'serve'\n");
  });

  test('python: a broken data file fails the job, and the failure file’s first line is its FailureReason', async (t: TestContext) => {
    const folder = folders.get('python');
    if (!folder) return t.skip('the python template’s project was not made');
    fs.mkdirSync(path.join(folder, 'broken'));
    fs.writeFileSync(path.join(folder, 'broken', 'train.csv'), '1,0.1,0.2,0.3,0.4\n0,abc,1,2,3\n');
    const broken = jobVariant(folder, 'broken.json', (job) => {
      (job.inputs as Record<string, unknown>).train = { source: 'broken', contentType: 'text/csv' };
    });

    const failed = await smct(['train', '--local', '--job', broken], folder).done;
    assert.equal(failed.code, 1, failed.stderr);
    jobName(failed, 'Failed');
    assert.match(
      failed.stdout,
      /^FailureReason: AlgorithmError: ValueError: \/opt\/ml\/input\/data\/train\/train\.csv line 2: expected numbers, got '0,abc,1,2,3'$/m,
    );
    assert.deepEqual(leftovers(`${OWN}-python`), { containers: '', networks: '', folders: [] });
  });
});
