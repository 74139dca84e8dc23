import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MemoryContext } from '../../../core/src/dockerfile/buildContext';
import { ImageFiles } from '../../../core/src/dockerfile/copies';
import { DockerfileModel } from '../../../core/src/dockerfile/model';
import { pipInstalls } from '../../../core/src/dockerfile/pip';
import { covered, type ContextFiles } from '../../helpers/lint';

/** Each installed package as "name @ the text its range covers". */
function installs(dockerfile: string, files: ContextFiles = {}): string[] {
  const model = new DockerfileModel(dockerfile, { context: new MemoryContext(files) });
  return pipInstalls(model, new ImageFiles(model)).map((found) => `${found.name} @ ${covered(dockerfile, found.range)}`);
}

test('a requirements file copied into the image is read, with its -r includes relative to it', () => {
  const dockerfile = 'FROM python:3.12\nCOPY reqs/ /tmp/reqs/\nRUN pip install --no-cache-dir -r /tmp/reqs/main.txt\n';
  const files = {
    'reqs/main.txt': '# training\npandas==2.2.2  # data\n-r extra.txt\n-c pins.txt\n',
    'reqs/extra.txt': 'sagemaker-training>=4.7 ; python_version >= "3.8"\n',
    'reqs/pins.txt': 'numpy<2\n',
  };
  assert.deepEqual(installs(dockerfile, files), ['pandas @ /tmp/reqs/main.txt', 'sagemaker-training @ /tmp/reqs/main.txt']);
});

test('the requirements file is found from the WORKDIR and from a cd inside the RUN', () => {
  const dockerfile =
    'FROM python:3.12\nWORKDIR /app\nCOPY requirements.txt .\nCOPY job/ /job/\nRUN pip install -r requirements.txt && cd /job && pip3 install --requirement=needs.txt\n';
  const files = { 'requirements.txt': 'flask\n', 'job/needs.txt': 'sagemaker_training\n' };
  assert.deepEqual(installs(dockerfile, files), ['flask @ requirements.txt', 'sagemaker-training @ --requirement=needs.txt']);
});

test('a requirements file that is not copied into the image names nothing', () => {
  assert.deepEqual(installs('FROM python:3.12\nRUN pip install -r requirements.txt\n', { 'requirements.txt': 'sagemaker-training\n' }), []);
});

test('pip install of a local project reads pyproject.toml dependencies, not its build requirements', () => {
  const dockerfile = 'FROM python:3.12\nCOPY . /src\nRUN pip install /src\n';
  const files = {
    'pyproject.toml':
      '[build-system]\nrequires = ["setuptools>=68"]\n\n[project]\nname = "my-job"\ndependencies = [\n  "sagemaker-training==4.8.1",\n  \'scikit-learn\',\n]\n\n[project.optional-dependencies]\ndev = ["pytest"]\n',
  };
  assert.deepEqual(installs(dockerfile, files), ['src @ /src', 'sagemaker-training @ /src', 'scikit-learn @ /src', 'pytest @ /src']);
});

test('pip install -e . reads setup.py install_requires, and the requirements.txt that setup.py reads', () => {
  const dockerfile = 'FROM python:3.12\nWORKDIR /opt/job\nCOPY . .\nRUN pip install -e .\n';
  const files = {
    'setup.py': 'from setuptools import setup\nreqs = open("requirements.txt").read().split()\nsetup(name="job", install_requires=["boto3>=1.28"] + reqs)\n',
    'requirements.txt': 'sagemaker-containers\n',
  };
  assert.deepEqual(installs(dockerfile, files), ['boto3 @ .', 'sagemaker-containers @ .']);
});

test('setup.cfg install_requires lines are read', () => {
  const dockerfile = 'FROM python:3.12\nCOPY lib /lib\nRUN pip install ./lib\n';
  const files = { 'lib/setup.cfg': '[metadata]\nname = lib\n\n[options]\ninstall_requires =\n    sagemaker-training\n    numpy>=1.26\npackages = find:\n' };
  assert.deepEqual(installs(dockerfile, files), ['lib @ ./lib', 'sagemaker-training @ ./lib', 'numpy @ ./lib']);
});

test('a conda environment file names its conda packages and its pip section', () => {
  const dockerfile = 'FROM continuumio/miniconda3\nCOPY env.yaml /tmp/\nRUN conda env create -f /tmp/env.yaml && conda clean -afy\n';
  const files = {
    'env.yaml':
      'name: job\nchannels:\n  - conda-forge\ndependencies:\n  - python=3.11\n  - conda-forge::pandas\n  - pip\n  - pip:\n    - sagemaker-training==4.8.1\n',
  };
  assert.deepEqual(installs(dockerfile, files), [
    'python @ /tmp/env.yaml',
    'pandas @ /tmp/env.yaml',
    'pip @ /tmp/env.yaml',
    'sagemaker-training @ /tmp/env.yaml',
  ]);
});

test('conda, mamba and micromamba installs name their packages and spec files, skipping option values', () => {
  const dockerfile =
    'FROM mambaorg/micromamba\nCOPY specs.txt /specs.txt\nRUN mamba install -y -c conda-forge -n base xgboost=2.0 && micromamba install --file /specs.txt && conda create -p /env python=3.10\n';
  const files = { 'specs.txt': '# pinned\nsagemaker-inference\n' };
  assert.deepEqual(installs(dockerfile, files), ['xgboost @ xgboost=2.0', 'sagemaker-inference @ /specs.txt', 'python @ python=3.10']);
});
