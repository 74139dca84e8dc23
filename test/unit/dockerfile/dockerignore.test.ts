import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as path from 'node:path';
import { FileSystemContext, MemoryContext } from '../../../core/src/dockerfile/buildContext';
import { ImageFiles } from '../../../core/src/dockerfile/copies';
import { isIgnored, parseDockerignore, withDockerignore } from '../../../core/src/dockerfile/dockerignore';
import { DockerfileModel } from '../../../core/src/dockerfile/model';
import { lintDockerfile } from '../../../core/src/lint/linter';
import { lint } from '../../helpers/lint';
import { tempProject } from '../../helpers/tempDir';

test('.dockerignore patterns: comments, slashes, folders, ** and the last matching line', () => {
  const rules = parseDockerignore('# editor files\n/.git/\n*.md\n**/__pycache__\ndata\n!data/labels.csv\n\n');
  const ignored = (path: string): boolean => isIgnored(rules, path);
  assert.equal(ignored('.git/HEAD'), true, 'a folder pattern covers what is inside it');
  assert.equal(ignored('README.md'), true);
  assert.equal(ignored('docs/README.md'), false, 'a pattern without ** matches at the root only');
  assert.equal(ignored('src/pkg/__pycache__/a.pyc'), true);
  assert.equal(ignored('data/big.parquet'), true);
  assert.equal(ignored('data/labels.csv'), false, 'a later ! line brings a file back');
  assert.equal(ignored('train.py'), false);
});

test('the context without a .dockerignore is the context itself', () => {
  const context = new MemoryContext({ 'train.py': 'x' });
  assert.equal(withDockerignore(context), context);
});

test('COPY . never places the files .dockerignore leaves out, and lists only the others', () => {
  const files = {
    '.dockerignore': 'notebooks\n*.ipynb\nsecrets.env\ndata\n!data/vocab.txt\n',
    'train.py': 'x',
    'secrets.env': 'A=1',
    'analysis.ipynb': '{}',
    'notebooks/explore.py': 'x',
    'data/vocab.txt': 'a b',
    'data/corpus.txt': 'a b',
  };
  const model = new DockerfileModel('FROM python:3.12\nCOPY . /opt/ml/code/\n', { context: new MemoryContext(files) });
  const image = new ImageFiles(model);
  const listed = image
    .filesUnder('/opt/ml/code')
    .files.map((file) => file.imagePath)
    .sort();
  assert.deepEqual(listed, ['/opt/ml/code/.dockerignore', '/opt/ml/code/data/vocab.txt', '/opt/ml/code/train.py']);
  assert.equal(image.placementOf('/opt/ml/code/secrets.env'), undefined);
  assert.equal(image.placementOf('/opt/ml/code/data/vocab.txt')?.contextPath, 'data/vocab.txt');
});

test('a rule no longer sees a server file that .dockerignore leaves out of the context', () => {
  const dockerfile = '# smct kind=inference\nFROM python:3.12\nCOPY . /srv/\nEXPOSE 5000\n';
  const withFile = { 'nginx.conf': 'server { listen 8080; }\n', 'app.py': 'x' };
  assert.deepEqual(
    lint(dockerfile, { files: withFile }).filter((finding) => finding.rule === 'SM501'),
    [],
  );
  const ignored = lint(dockerfile, { files: { ...withFile, '.dockerignore': 'nginx.conf\n' } }).filter((finding) => finding.rule === 'SM501');
  assert.equal(ignored.length, 1);
});

test('the editor re-analyses when .dockerignore or a requirements file changes: both are among the files read', () => {
  const root = tempProject({ '.dockerignore': 'notes/\n', 'requirements.txt': 'sagemaker-training\n', 'fit.py': 'x' });
  const context = new FileSystemContext(root);
  lintDockerfile('FROM python:3.12\nCOPY requirements.txt /tmp/\nRUN pip install -r /tmp/requirements.txt\nCOPY fit.py /opt/ml/code/\n', { context });
  assert.ok(context.touched.has(path.join(root, '.dockerignore')));
  assert.ok(context.touched.has(path.join(root, 'requirements.txt')));
});
