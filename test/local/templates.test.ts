// Every `smct init` template end to end with smct as users run it (bin/smct.js over the bundles), on
// the real Docker engine: init with serving, build (lint, docker build, check), train --local to a
// model.tar.gz whose content is checked, serve --local and invoke with CSV and JSON. On the plain
// Python template (the fastest), a stopped run leaves a checkpoint that the next run resumes from,
// and a broken data file fails the job with the program's failure reason.
//
// The templates build on the offline images of scripts/setup-framework-images.sh (Debian's
// scikit-learn, XGBoost and PyTorch). TensorFlow cannot be installed here: its template runs on an
// image this test makes, with test/fixtures/tensorflow-stand-in (Keras in NumPy) on the Python path.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
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
  readonly checkModel: (content: Buffer) => void;
}

const isZip = (content: Buffer): void => assert.equal(content.subarray(0, 2).toString('latin1'), 'PK', 'a zip archive');

const TEMPLATES: readonly Template[] = [
  {
    id: 'python',
    baseImage: PYTHON_BASE,
    modelFile: 'model.json',
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
    // joblib writes a pickle (protocol 2 and later start with 0x80).
    checkModel: (content) => assert.equal(content[0], 0x80, 'a pickle'),
  },
  {
    id: 'xgboost',
    baseImage: 'smct-debian-python-xgboost:bookworm',
    modelFile: 'model.json',
    checkModel: (content) => {
      const model = JSON.parse(content.toString('utf8')) as { learner: { gradient_booster: { model: { trees: unknown[] } } } };
      assert.equal(model.learner.gradient_booster.model.trees.length, 50, 'num_round trees');
    },
  },
  { id: 'pytorch', baseImage: 'smct-debian-python-torch:bookworm', modelFile: 'model.pt', checkModel: isZip },
  // The stand-in saves a NumPy archive, a zip as Keras's own .keras files are.
  { id: 'tensorflow', baseImage: TENSORFLOW_BASE, modelFile: 'model.keras', checkModel: isZip },
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

/** The job's name from "Training job NAME: STATUS", asserting the status. */
function jobName(run: SmctRun, status: string): string {
  const name = new RegExp(`^Training job (\\S+): ${status}$`, 'm').exec(run.stdout)?.[1];
  assert.ok(name, `no "Training job …: ${status}" in:\n${run.stdout}\n${run.stderr}`);
  return name;
}

describe('smct init templates end to end with smct, on the real Docker engine', { skip: dockerMissing() ?? false }, () => {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'smct-test-templates-'));
  const folders = new Map<string, string>();

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
      } finally {
        serving.child.kill('SIGINT');
      }
      const stopped = await serving.done;
      assert.equal(stopped.code, 130, stopped.stderr);
      assert.deepEqual(leftovers(name), { containers: '', networks: '', folders: [] });
      assert.deepEqual(leftovers(`serve-${name}`), { containers: '', networks: '', folders: [] });
    });
  }

  /** A copy of the python project's job file with `change` applied, written as `file`. */
  function jobVariant(folder: string, file: string, change: (job: Record<string, unknown>) => void): string {
    const job = JSON.parse(fs.readFileSync(path.join(folder, 'sagemaker-job.json'), 'utf8')) as Record<string, unknown>;
    change(job);
    fs.writeFileSync(path.join(folder, file), JSON.stringify(job, null, 2));
    return file;
  }

  test('python: Ctrl-C stops training with a checkpoint saved on SIGTERM, and the next run resumes from it', async (t: TestContext) => {
    const folder = folders.get('python');
    if (!folder) return t.skip('the python template’s project was not made');
    const checkpoints = { s3Uri: `s3://${OWN}/checkpoints/` };
    // sleep_per_step, the templates' test knob, makes the 200 epochs last 10 s: long enough to stop.
    const slow = jobVariant(folder, 'slow.json', (job) => {
      job.hyperparameters = { ...(job.hyperparameters as object), sleep_per_step: 0.05 };
      job.checkpoints = checkpoints;
    });
    const resume = jobVariant(folder, 'resume.json', (job) => (job.checkpoints = checkpoints));

    const first = smct(['train', '--local', '--job', slow], folder);
    await waitForOutput(() => first.stdout, /^\[algo-1\] epoch 20: loss/m, first.done);
    first.child.kill('SIGINT');
    const stopped = await first.done;
    assert.equal(stopped.code, 1, stopped.stderr);
    jobName(stopped, 'Stopped');
    assert.match(stopped.stdout, /^\[algo-1\] SIGTERM received: stopping after this step$/m);
    const epoch = /^\[algo-1\] Stopped at epoch (\d+); the checkpoint is saved$/m.exec(stopped.stdout)?.[1];
    assert.ok(epoch && Number(epoch) >= 20 && Number(epoch) < 200, stopped.stdout);
    assert.match(stopped.stdout, /^Checkpoints: 0 files \(0 bytes\) restored, 1 file \(\d+ bytes\) saved/m);

    const second = await smct(['train', '--local', '--job', resume], folder).done;
    assert.equal(second.code, 0, second.stdout + second.stderr);
    jobName(second, 'Completed');
    assert.match(second.stdout, new RegExp(`^\\[algo-1\\] Resumed from the checkpoint at epoch ${epoch}$`, 'm'));
    assert.match(second.stdout, /^\[algo-1\] validation accuracy: 0\.\d{4}$/m);
    assert.deepEqual(leftovers(`${OWN}-python`), { containers: '', networks: '', folders: [] });
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
