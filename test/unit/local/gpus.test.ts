import assert from 'node:assert/strict';
import { test } from 'node:test';
import { gpuPlan, gpuStartFailure } from '../../../core/src/local/gpus';

const GiB = 1024 ** 3;
const PLAIN = ['io.containerd.runc.v2', 'runc'];
const NVIDIA = ['io.containerd.runc.v2', 'nvidia', 'runc'];

/** The SmctError a call throws: its code and message. */
function refusal(call: () => unknown): { code: string; message: string } {
  try {
    call();
  } catch (error) {
    const { code, message } = error as { code: string; message: string };
    return { code, message };
  }
  assert.fail('no error');
}

test('a GPU instance with the NVIDIA runtime gets all its GPUs and its shared memory', () => {
  assert.deepEqual(gpuPlan('ml.g5.xlarge', NVIDIA), { gpus: 1, args: ['--gpus', '1', '--shm-size', String(8 * GiB)] });
  assert.deepEqual(gpuPlan('ml.p3.8xlarge', NVIDIA), { gpus: 4, args: ['--gpus', '4', '--shm-size', String(122 * GiB)] });
});

test('any runtime the toolkit registers counts (nvidia-cdi, nvidia-legacy)', () => {
  assert.equal(gpuPlan('ml.g5.xlarge', ['nvidia-cdi', 'runc']).gpus, 1);
});

test('a GPU instance without the NVIDIA runtime is refused in one line naming the fix', () => {
  const { code, message } = refusal(() => gpuPlan('ml.g5.xlarge', PLAIN));
  assert.equal(code, 'ACCELERATOR_UNAVAILABLE');
  assert.equal(
    message,
    'ml.g5.xlarge has 1 NVIDIA GPU, but this Docker engine has no NVIDIA runtime (docker info lists io.containerd.runc.v2, runc): install the NVIDIA Container Toolkit, or run on the CPU with --cpu',
  );
  assert.match(refusal(() => gpuPlan('ml.p3.8xlarge', [])).message, /^ml\.p3\.8xlarge has 4 NVIDIA GPUs, .*\(docker info lists none\)/);
});

test('--cpu runs a GPU instance on the CPU, with shared memory and a notice', () => {
  const plan = gpuPlan('ml.g5.xlarge', PLAIN, { cpu: true });
  assert.deepEqual(plan, { gpus: 0, args: ['--shm-size', String(8 * GiB)], notice: 'running ml.g5.xlarge on the CPU: the program sees no GPU' });
  assert.deepEqual(gpuPlan('ml.g5.xlarge', NVIDIA, { cpu: true }).args, ['--shm-size', String(8 * GiB)]);
});

test('a CPU instance gets its shared memory only, runtime or not, --cpu or not', () => {
  const expected = { gpus: 0, args: ['--shm-size', String(4 * GiB)] };
  assert.deepEqual(gpuPlan('ml.m5.large', PLAIN), expected);
  assert.deepEqual(gpuPlan('ml.m5.large', NVIDIA), expected);
  assert.deepEqual(gpuPlan('ml.m5.large', PLAIN, { cpu: true }), expected);
  assert.deepEqual(gpuPlan('ml.c4.xlarge', PLAIN).args, ['--shm-size', String(3.75 * GiB)]);
});

test('an instance type smct does not know gets no arguments and no error', () => {
  assert.deepEqual(gpuPlan('ml.x99.huge', PLAIN), { gpus: 0, args: [] });
  assert.deepEqual(gpuPlan('ml.x99.huge', NVIDIA, { cpu: true }), { gpus: 0, args: [] });
});

test('Trainium: refused without --cpu (Neuron devices are not passed on), the CPU with it', () => {
  const { code, message } = refusal(() => gpuPlan('ml.trn1.32xlarge', NVIDIA));
  assert.equal(code, 'ACCELERATOR_UNAVAILABLE');
  assert.equal(message, 'ml.trn1.32xlarge has 16 AWS Trainium devices, which local runs do not give a container: run on the CPU with --cpu');
  assert.deepEqual(gpuPlan('ml.trn1.2xlarge', PLAIN, { cpu: true }), {
    gpus: 0,
    args: ['--shm-size', String(16 * GiB)],
    notice: 'running ml.trn1.2xlarge on the CPU: the program sees no Neuron device',
  });
});

test('--gpus gives fewer GPUs than the instance has, and says so', () => {
  assert.deepEqual(gpuPlan('ml.p3.8xlarge', NVIDIA, { gpus: 1 }), {
    gpus: 1,
    args: ['--gpus', '1', '--shm-size', String(122 * GiB)],
    notice: 'running ml.p3.8xlarge with 1 of its 4 GPUs',
  });
  assert.deepEqual(gpuPlan('ml.p3.8xlarge', NVIDIA, { gpus: 4 }).notice, undefined);
  assert.equal(refusal(() => gpuPlan('ml.p3.8xlarge', PLAIN, { gpus: 1 })).code, 'ACCELERATOR_UNAVAILABLE');
});

test('--gpus outside 1..count, on a type without NVIDIA GPUs, on an unknown type, or with --cpu is a usage error', () => {
  for (const [type, options] of [
    ['ml.p3.8xlarge', { gpus: 5 }],
    ['ml.p3.8xlarge', { gpus: 0 }],
    ['ml.p3.8xlarge', { gpus: 1.5 }],
    ['ml.m5.large', { gpus: 1 }],
    ['ml.trn1.2xlarge', { gpus: 1 }],
    ['ml.x99.huge', { gpus: 1 }],
    ['ml.g5.xlarge', { gpus: 1, cpu: true }],
  ] as const) {
    assert.equal(refusal(() => gpuPlan(type, NVIDIA, options)).code, 'USAGE', `${type} ${JSON.stringify(options)}`);
  }
  assert.equal(
    refusal(() => gpuPlan('ml.p3.8xlarge', NVIDIA, { gpus: 5 })).message,
    '--gpus 5: ml.p3.8xlarge has 4 GPUs; give a whole number from 1 to 4, or --cpu.',
  );
});

test("Docker's GPU start errors become one line with the fixes; other errors and CPU plans are left alone", () => {
  const plan = gpuPlan('ml.p3.8xlarge', NVIDIA);
  assert.equal(
    gpuStartFailure('ml.p3.8xlarge', plan, 'Error response from daemon: could not select device driver "" with capabilities: [[gpu]]\n'),
    'ml.p3.8xlarge: Docker could not give the container 4 NVIDIA GPUs (could not select device driver "" with capabilities: [[gpu]]): check nvidia-smi and the NVIDIA Container Toolkit, give fewer with --gpus, or run on the CPU with --cpu',
  );
  assert.match(
    gpuStartFailure(
      'ml.p3.8xlarge',
      plan,
      'docker: Error response from daemon: failed to create task: nvidia-container-cli: device error: 3: unknown device: unknown.',
    ) ?? '',
    /^ml\.p3\.8xlarge: Docker could not give the container 4 NVIDIA GPUs \(failed to create task: nvidia-container-cli: device error/,
  );
  assert.equal(gpuStartFailure('ml.p3.8xlarge', plan, 'Error response from daemon: No such image: x'), undefined);
  assert.equal(gpuStartFailure('ml.p3.8xlarge', gpuPlan('ml.p3.8xlarge', PLAIN, { cpu: true }), 'could not select device driver'), undefined);
});
