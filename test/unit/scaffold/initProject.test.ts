import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { FileSystemContext } from '../../../core/src/dockerfile/buildContext';
import { isSmctError } from '../../../core/src/errors';
import { jobFileProblems } from '../../../core/src/job/sageMakerChecks';
import { loadTrainingJob } from '../../../core/src/job/trainingJob';
import { lintDockerfile } from '../../../core/src/lint/linter';
import { initProject } from '../../../core/src/scaffold/initProject';
import { PROJECT_TEMPLATES } from '../../../core/src/scaffold/projectTemplates';
import { writeProject } from '../../../core/src/scaffold/projectWriter';
import { tempProject } from '../../helpers/tempDir';

/** Everything under `folder`, relative and '/'-separated, sorted: what a refusal must leave as it was. */
function listing(folder: string): string[] {
  if (!fs.existsSync(folder)) return [];
  return (fs.readdirSync(folder, { recursive: true }) as string[]).map((name) => name.split(path.sep).join('/')).sort();
}

const PROGRAMS = ['program/contract.py', 'program/inference.py', 'program/train'];
const DATA = ['data/train/train.csv', 'data/validation/validation.csv'];

for (const template of PROJECT_TEMPLATES) {
  for (const serving of [false, true]) {
    test(`init ${template.id}${serving ? ' with serving' : ''}: every file, lint clean, a valid job file`, async () => {
      const folder = path.join(tempProject({}), `${template.id}-job`);
      const result = await initProject({ folder, template: template.id, serving });

      const expected = ['.dockerignore', '.gitignore', 'Dockerfile', 'README.md', 'sagemaker-job.json', ...DATA, ...PROGRAMS];
      if (template.frameworkModule !== undefined) expected.push('requirements.txt');
      if (serving) expected.push('program/serve');
      assert.deepEqual(result.files, expected.sort());
      assert.deepEqual(
        listing(folder).filter((name) => fs.statSync(path.join(folder, name)).isFile()),
        expected.sort(),
      );
      assert.equal(result.name, `${template.id}-job`);
      for (const program of ['program/train', ...(serving ? ['program/serve'] : [])]) {
        assert.equal(fs.statSync(path.join(folder, program)).mode & 0o777, 0o755, `${program} is executable`);
        assert.match(fs.readFileSync(path.join(folder, program), 'utf8'), /^#!\/usr\/bin\/env python3\n/, `${program} has an LF #! line`);
      }

      const dockerfile = fs.readFileSync(path.join(folder, 'Dockerfile'), 'utf8');
      const findings = lintDockerfile(dockerfile, { context: new FileSystemContext(folder) }).findings;
      assert.deepEqual(
        findings.filter((finding) => finding.severity !== 'info').map((finding) => `${finding.rule} ${finding.message}`),
        [],
      );
      const jobText = fs.readFileSync(path.join(folder, 'sagemaker-job.json'), 'utf8');
      assert.deepEqual(jobFileProblems(jobText, { file: 'sagemaker-job.json' }), []);
      const job = loadTrainingJob(path.join(folder, 'sagemaker-job.json'));
      assert.equal(job.image, `${template.id}-job:latest`);
      assert.deepEqual(
        job.inputs.map((channel) => channel.name),
        ['train', 'validation'],
      );
      assert.equal(serving, dockerfile.includes('LABEL com.amazonaws.sagemaker.capabilities.accept-bind-to-port=true'));
      assert.equal(template.frameworkModule !== undefined, dockerfile.includes(`import ${template.frameworkModule}`));
    });
  }
}

test('init writes the base image and the role it is given, and names the job after --name', async () => {
  const folder = path.join(tempProject({}), 'anything');
  const roleArn = 'arn:aws:iam::123456789012:role/Trainer';
  const result = await initProject({ folder, template: 'xgboost', baseImage: 'registry.example.com:5000/ml/python:3.11-slim', roleArn, name: 'churn-model' });
  assert.equal(result.name, 'churn-model');
  assert.match(fs.readFileSync(path.join(folder, 'Dockerfile'), 'utf8'), /^ARG BASE_IMAGE=registry\.example\.com:5000\/ml\/python:3\.11-slim$/m);
  const job = JSON.parse(fs.readFileSync(path.join(folder, 'sagemaker-job.json'), 'utf8')) as Record<string, unknown>;
  assert.equal(job.roleArn, roleArn);
  assert.equal(job.baseJobName, 'churn-model');
  assert.equal(job.image, 'churn-model:latest');
});

test('the name made from the folder is a valid job and image name', async () => {
  const parent = tempProject({});
  assert.equal((await initProject({ folder: path.join(parent, 'My Churn_Model v2'), template: 'python' })).name, 'my-churn-model-v2');
  assert.equal((await initProject({ folder: path.join(parent, `${'x'.repeat(70)}-y`), template: 'python' })).name, 'x'.repeat(63));
  await assert.rejects(
    initProject({ folder: path.join(parent, '___'), template: 'python' }),
    (error) => isSmctError(error, 'USAGE') && /--name/.test(error.message),
  );
  assert.deepEqual(listing(path.join(parent, '___')), []);
});

const refusedValues: { name: string; options: Record<string, string>; message: RegExp }[] = [
  {
    name: 'an unknown template lists the ones there are',
    options: { template: 'sklearn' },
    message: /no template "sklearn": choose one of scikit-learn, xgboost, pytorch, tensorflow, python/,
  },
  { name: 'a name that ends with a hyphen', options: { template: 'python', name: 'job-' }, message: /--name "job-" is not usable/ },
  { name: 'a name with capitals (it names the image too)', options: { template: 'python', name: 'MyJob' }, message: /--name "MyJob" is not usable/ },
  {
    name: 'a base image with a space',
    options: { template: 'python', baseImage: 'python:3.11 AS x' },
    message: /--base-image "python:3.11 AS x" is not an image reference/,
  },
  { name: 'a base image with a line break', options: { template: 'python', baseImage: 'python\nRUN rm -rf /' }, message: /is not an image reference/ },
  { name: 'a base image with a variable', options: { template: 'python', baseImage: '${EVIL}' }, message: /is not an image reference/ },
  {
    name: 'a role that is not a role ARN',
    options: { template: 'python', roleArn: 'arn:aws:iam::1234:user/me' },
    message: /--role ".*" is not an IAM role ARN/,
  },
];

for (const { name, options, message } of refusedValues) {
  test(`init refuses ${name}, and writes nothing`, async () => {
    const folder = path.join(tempProject({}), 'job');
    await assert.rejects(initProject({ folder, template: 'python', ...options }), (error) => isSmctError(error, 'USAGE') && message.test(error.message));
    assert.equal(fs.existsSync(folder), false);
  });
}

test('init refuses to overwrite a file, names it, and writes nothing', async () => {
  const folder = tempProject({ 'program/train': 'my own program\n', 'notes.txt': 'mine\n' });
  const before = listing(folder);
  await assert.rejects(
    initProject({ folder, template: 'scikit-learn' }),
    (error) => isSmctError(error, 'INIT_EXISTS') && /Not overwriting program\/train in .*: nothing was written/.test(error.message),
  );
  assert.deepEqual(listing(folder), before);
  assert.equal(fs.readFileSync(path.join(folder, 'program/train'), 'utf8'), 'my own program\n');
});

test('init counts the files in the way after naming five', async () => {
  const folder = path.join(tempProject({}), 'job');
  await initProject({ folder, template: 'python' });
  await assert.rejects(
    initProject({ folder, template: 'python' }),
    (error) => isSmctError(error, 'INIT_EXISTS') && /Not overwriting (\S+, ){4}\S+ and \d+ more in /.test(error.message),
  );
});

test('init refuses a folder whose way is blocked by a file, or a folder that is a file', async () => {
  const parent = tempProject({ 'job/program': 'a file where the program folder goes\n', 'plain-file': 'x\n' });
  await assert.rejects(
    initProject({ folder: path.join(parent, 'job'), template: 'python' }),
    (error) => isSmctError(error, 'INIT_EXISTS') && /program\/contract\.py/.test(error.message),
  );
  await assert.rejects(
    initProject({ folder: path.join(parent, 'plain-file'), template: 'python' }),
    (error) => isSmctError(error, 'INIT_EXISTS') && /is not a folder/.test(error.message),
  );
  assert.deepEqual(listing(parent), ['job', 'job/program', 'plain-file']);
});

test('init under a file says what is in the way, and leaves nothing', async () => {
  const parent = tempProject({ 'a-file': 'x\n' });
  await assert.rejects(
    initProject({ folder: path.join(parent, 'a-file', 'job'), template: 'python' }),
    (error) => isSmctError(error, 'INIT_FAILED') && /\(ENOTDIR\): nothing was left there\. A link or a file is in the folder's path/.test(error.message),
  );
  assert.deepEqual(listing(parent), ['a-file']);
});

test('init into an existing folder keeps what is there', async () => {
  const folder = tempProject({ '.git/HEAD': 'ref: refs/heads/main\n' });
  await initProject({ folder, template: 'python' });
  assert.equal(fs.readFileSync(path.join(folder, '.git/HEAD'), 'utf8'), 'ref: refs/heads/main\n');
  assert.ok(fs.existsSync(path.join(folder, 'program/train')));
});

test('a write that fails half way removes every file and folder it made', () => {
  const parent = tempProject({});
  const folder = path.join(parent, 'job');
  // The second file of the same path fails as a file that appeared meanwhile would.
  const files = [
    { path: 'a/b/one.txt', content: 'one' },
    { path: 'two.txt', content: 'two' },
    { path: 'a/b/one.txt', content: 'again' },
  ];
  assert.throws(
    () => writeProject(folder, files),
    (error) => isSmctError(error, 'INIT_EXISTS') && /appeared .*nothing was left there/.test(error.message),
  );
  assert.deepEqual(listing(parent), []);
});

test('init writes into a folder reached through a link, but never through a link inside the project', async () => {
  const parent = tempProject({ 'elsewhere/keep.txt': 'mine\n', 'real/.keep': '' });
  fs.symlinkSync(path.join(parent, 'real'), path.join(parent, 'linked'));
  await initProject({ folder: path.join(parent, 'linked'), template: 'python' });
  assert.ok(fs.existsSync(path.join(parent, 'real', 'program', 'train')));

  const project = path.join(parent, 'job');
  fs.mkdirSync(project);
  fs.symlinkSync(path.join(parent, 'elsewhere'), path.join(project, 'program'));
  await assert.rejects(
    initProject({ folder: project, template: 'python' }),
    (error) => isSmctError(error, 'INIT_EXISTS') && /program\/contract\.py/.test(error.message),
  );
  assert.deepEqual(fs.readdirSync(path.join(parent, 'elsewhere')), ['keep.txt']);
});
