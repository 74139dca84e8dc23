import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import type { TrainingJob } from '../../../core/src/job/trainingJob';
import { checkpointStore } from '../../../core/src/local/checkpoints';
import { keepOutputOutOfContext } from '../../../core/src/local/outputFolder';
import { tempProject } from '../../helpers/tempDir';

function job(project: string, extra: Partial<TrainingJob> = {}): TrainingJob {
  return {
    file: path.join(project, 'sagemaker-job.json'),
    build: { dockerfile: path.join(project, 'Dockerfile'), context: project, buildArgs: {}, platform: 'linux/amd64' },
    ...extra,
  } as TrainingJob;
}

test('an output folder in the context gets a line in .dockerignore, made when missing', () => {
  const project = tempProject({ Dockerfile: 'FROM scratch\n' });
  assert.match(keepOutputOutOfContext(job(project), path.join(project, 'output')) ?? '', /^Added \/output to \.dockerignore/);
  assert.equal(fs.readFileSync(path.join(project, '.dockerignore'), 'utf8'), '# Local training runs (smct train --local) write here.\n/output\n');
  assert.equal(keepOutputOutOfContext(job(project), path.join(project, 'output')), undefined, 'added once');
});

test('a folder an existing pattern leaves out, or outside the context, needs nothing', () => {
  const project = tempProject({ Dockerfile: 'FROM scratch\n', '.dockerignore': 'runs/**\n*.tmp' });
  assert.equal(keepOutputOutOfContext(job(project), path.join(project, 'runs', 'local')), undefined);
  assert.equal(keepOutputOutOfContext(job(project), path.join(path.dirname(project), 'elsewhere')), undefined);
  assert.equal(keepOutputOutOfContext(job(project), project), undefined, 'the context itself cannot be left out');
  assert.equal(fs.readFileSync(path.join(project, '.dockerignore'), 'utf8'), 'runs/**\n*.tmp');
});

test('a line is added after a last line without a newline, and a negated pattern brings the folder back', () => {
  const project = tempProject({ Dockerfile: 'FROM scratch\n', '.dockerignore': 'out*\n!output' });
  assert.ok(keepOutputOutOfContext(job(project), path.join(project, 'output')));
  assert.equal(
    fs.readFileSync(path.join(project, '.dockerignore'), 'utf8'),
    'out*\n!output\n# Local training runs (smct train --local) write here.\n/output\n',
  );
});

test("BuildKit's Dockerfile-specific ignore file is the one that gets the line", () => {
  const project = tempProject({ 'docker/train.Dockerfile': 'FROM scratch\n', 'docker/train.Dockerfile.dockerignore': '*.md\n' });
  const withOwnIgnore = job(project, {
    build: { dockerfile: path.join(project, 'docker', 'train.Dockerfile'), context: project, buildArgs: {}, platform: 'linux/amd64' },
  });
  assert.match(keepOutputOutOfContext(withOwnIgnore, path.join(project, 'output')) ?? '', /^Added \/output to docker\/train\.Dockerfile\.dockerignore/);
  assert.equal(fs.existsSync(path.join(project, '.dockerignore')), false);
});

test('the checkpoint store mirrors the S3 URI under the output folder', () => {
  const project = tempProject({});
  const store = (s3Uri: string): string | undefined => checkpointStore(job(project, { checkpoints: { s3Uri, localPath: '/opt/ml/checkpoints' } }), '/out');
  assert.equal(store('s3://bucket/runs/ck/'), path.join('/out', 'checkpoints', 'bucket', 'runs', 'ck'));
  assert.equal(store('s3://bucket/../../etc/x'), path.join('/out', 'checkpoints', 'bucket', 'etc', 'x'), 'no way out of the store');
  assert.equal(checkpointStore(job(project), '/out'), undefined);
});

test('pattern characters in the folder name are escaped, so the line leaves out that folder only, and is recognised next time', () => {
  const project = tempProject({ Dockerfile: 'FROM scratch\n' });
  assert.ok(keepOutputOutOfContext(job(project), path.join(project, 'runs[1]*')));
  assert.equal(fs.readFileSync(path.join(project, '.dockerignore'), 'utf8'), '# Local training runs (smct train --local) write here.\n/runs\\[1\\]\\*\n');
  assert.equal(keepOutputOutOfContext(job(project), path.join(project, 'runs[1]*')), undefined, 'added once');
});

test('a folder name Docker would trim is not written, and the run says why', () => {
  const project = tempProject({ Dockerfile: 'FROM scratch\n' });
  assert.match(
    keepOutputOutOfContext(job(project), path.join(project, 'out ')) ?? '',
    /its name cannot be written in \.dockerignore: give the job another output folder\.$/,
  );
  assert.equal(fs.existsSync(path.join(project, '.dockerignore')), false);
});
