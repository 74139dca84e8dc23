import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TrainingInstanceType } from '@aws-sdk/client-sagemaker';
import { INSTANCE_HARDWARE, instanceHardware, sharedMemoryBytes } from '../../../core/src/local/instanceHardware';

const ENUM = Object.values(TrainingInstanceType) as string[];

test('every SageMaker training instance type in the SDK has hardware figures', () => {
  const missing = ENUM.filter((type) => !INSTANCE_HARDWARE.has(type));
  assert.deepEqual(missing, []);
});

test('the figures name no instance type SageMaker does not train on (no invented sizes)', () => {
  const extra = [...INSTANCE_HARDWARE.keys()].filter((type) => !ENUM.includes(type));
  assert.deepEqual(extra, []);
});

test('every entry is whole: positive figures, a source, a model name with accelerators only', () => {
  for (const [type, hw] of INSTANCE_HARDWARE) {
    assert.ok(hw.vcpus > 0 && hw.memoryGiB > 0, type);
    assert.match(hw.source, /^https:\/\/aws\.amazon\.com\/ec2\//, type);
    assert.equal(hw.accelerators > 0, hw.acceleratorKind !== 'none', type);
    assert.equal(hw.acceleratorModel !== undefined, hw.acceleratorKind !== 'none', type);
    assert.ok(Number.isInteger(hw.accelerators), type);
  }
});

test('NVIDIA GPU counts as AWS gives them', () => {
  const gpus = (type: string): [number, string] => {
    const hw = instanceHardware(type);
    assert.ok(hw, type);
    return [hw.accelerators, hw.acceleratorKind];
  };
  const expected: Record<string, number> = {
    'ml.p2.xlarge': 1,
    'ml.p2.8xlarge': 8,
    'ml.p2.16xlarge': 16,
    'ml.p3.2xlarge': 1,
    'ml.p3.8xlarge': 4,
    'ml.p3.16xlarge': 8,
    'ml.p3dn.24xlarge': 8,
    'ml.p4d.24xlarge': 8,
    'ml.p4de.24xlarge': 8,
    'ml.p5.4xlarge': 1,
    'ml.p5.48xlarge': 8,
    'ml.p6e-gb200.36xlarge': 4,
    'ml.g4dn.xlarge': 1,
    'ml.g4dn.12xlarge': 4,
    'ml.g4dn.16xlarge': 1,
    'ml.g5.xlarge': 1,
    'ml.g5.16xlarge': 1,
    'ml.g5.12xlarge': 4,
    'ml.g5.24xlarge': 4,
    'ml.g5.48xlarge': 8,
    'ml.g6.12xlarge': 4,
    'ml.g6e.48xlarge': 8,
    'ml.g7.12xlarge': 2,
    'ml.g7e.12xlarge': 2,
  };
  for (const [type, count] of Object.entries(expected)) assert.deepEqual(gpus(type), [count, 'nvidia-gpu'], type);
});

test('Trainium instances have Neuron devices, not NVIDIA GPUs; CPU instances have neither', () => {
  assert.deepEqual([instanceHardware('ml.trn1.2xlarge')?.acceleratorKind, instanceHardware('ml.trn1.2xlarge')?.accelerators], ['neuron', 1]);
  assert.equal(instanceHardware('ml.trn1.32xlarge')?.accelerators, 16);
  assert.equal(instanceHardware('ml.trn2.48xlarge')?.acceleratorKind, 'neuron');
  assert.equal(instanceHardware('ml.m5.large')?.acceleratorKind, 'none');
});

test('vCPUs and memory as AWS gives them', () => {
  const spot: Record<string, [number, number]> = {
    'ml.c4.xlarge': [4, 7.5],
    'ml.c5n.xlarge': [4, 10.5],
    'ml.c5.9xlarge': [36, 72],
    'ml.m4.10xlarge': [40, 160],
    'ml.m5.large': [2, 8],
    'ml.r5d.24xlarge': [96, 768],
    'ml.t3.medium': [2, 4],
    'ml.p3.2xlarge': [8, 61],
    'ml.p4d.24xlarge': [96, 1152],
    'ml.g5.xlarge': [4, 16],
    'ml.g5.48xlarge': [192, 768],
    'ml.g6e.xlarge': [4, 32],
    'ml.m8i.96xlarge': [384, 1536],
  };
  for (const [type, figures] of Object.entries(spot)) {
    const hw = instanceHardware(type);
    assert.deepEqual([hw?.vcpus, hw?.memoryGiB], figures, type);
  }
});

test('shared memory is half the instance memory, in whole bytes', () => {
  assert.equal(sharedMemoryBytes({ vcpus: 2, memoryGiB: 8, accelerators: 0, acceleratorKind: 'none', source: 'x' }), 4 * 1024 ** 3);
  for (const [type, hw] of INSTANCE_HARDWARE) assert.ok(Number.isInteger(sharedMemoryBytes(hw)), type);
});
