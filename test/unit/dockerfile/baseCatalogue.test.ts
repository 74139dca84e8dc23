import assert from 'node:assert/strict';
import { test } from 'node:test';
import { catalogueFacts, catalogueName, isOfficialImage } from '../../../core/src/dockerfile/baseCatalogue';

test("Docker Hub's official images are the same under their mirrors and full names", () => {
  for (const name of [
    'python',
    'docker.io/python',
    'docker.io/library/python',
    'library/python',
    'public.ecr.aws/docker/library/python',
    'mirror.gcr.io/library/python',
  ]) {
    assert.equal(catalogueName(name), 'python', name);
  }
  assert.equal(catalogueName('docker.io/nvidia/cuda'), 'nvidia/cuda');
  assert.equal(catalogueName('registry.example.com/python'), 'registry.example.com/python');
});

test('Docker Official Images, under any of their names, and images that are not', () => {
  for (const name of ['python', 'library/debian', 'docker.io/library/ubuntu', 'public.ecr.aws/docker/library/python', 'mirror.gcr.io/library/alpine']) {
    assert.ok(isOfficialImage(name), name);
  }
  for (const name of ['nvidia/cuda', 'registry.example.com/python', 'localhost:5000/python', 'public.ecr.aws/team/python', '']) {
    assert.ok(!isOfficialImage(name), name);
  }
});

test('an image the catalogue does not list is unknown, not guessed', () => {
  assert.equal(catalogueFacts('registry.example.com/python', '3.11'), undefined);
  assert.equal(catalogueFacts('team/trainer', '1'), undefined);
});

test('entries that differ by tag: TensorFlow GPU images from 2.12 start through NVIDIA’s entrypoint, older ones keep a CMD', () => {
  assert.deepEqual(catalogueFacts('tensorflow/tensorflow', '2.13.0-gpu')?.config.entrypoint, ['/opt/nvidia/nvidia_entrypoint.sh']);
  assert.deepEqual(catalogueFacts('tensorflow/tensorflow', '2.13.0-gpu-jupyter')?.config.entrypoint, ['/opt/nvidia/nvidia_entrypoint.sh']);
  assert.deepEqual(catalogueFacts('tensorflow/tensorflow', '2.4.1-gpu')?.config.entrypoint, []);
  assert.deepEqual(catalogueFacts('tensorflow/tensorflow', '2.13.0')?.config.cmd, ['/bin/bash']);
  assert.deepEqual(catalogueFacts('tensorflow/tensorflow', '2.13.0-jupyter')?.config.workdir, '/tf');
  assert.deepEqual(catalogueFacts('nvidia/cuda', '11.7.1-base-ubuntu20.04')?.config.entrypoint, []);
  assert.deepEqual(catalogueFacts('nvidia/cuda', undefined)?.config.cmd, ['/bin/bash'], 'no tag means latest, which NVIDIA does not publish');
});

test('every fact carries its source, a public https address', () => {
  const probes: [string, string | undefined][] = [
    ['python', '3.11'],
    ['ubuntu', '22.04'],
    ['debian', 'bookworm'],
    ['alpine', '3.20'],
    ['amazonlinux', '2023'],
    ['tensorflow/tensorflow', '2.13.0'],
    ['pytorch/pytorch', undefined],
    ['nvidia/cuda', '12.4.1-base-ubuntu22.04'],
    ['continuumio/miniconda3', undefined],
    ['condaforge/miniforge3', undefined],
    ['mambaorg/micromamba', '1.5.8'],
    ['nvcr.io/nvidia/tritonserver', '24.05-py3'],
    ['pytorch/torchserve', '0.11.0-cpu'],
    ['vllm/vllm-openai', 'v0.6.3'],
  ];
  for (const [repository, tag] of probes) {
    const facts = catalogueFacts(repository, tag);
    assert.ok(facts, repository);
    assert.equal(facts.origin.kind, 'catalogue');
    if (facts.origin.kind === 'catalogue') assert.match(facts.origin.source, /^https:\/\/\S+$/, repository);
    assert.ok(facts.config.platforms.includes('linux/amd64'), `${repository} runs on SageMaker's training instances`);
  }
});
