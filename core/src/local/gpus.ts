import { SmctError } from '../errors';
import { dockerOk } from './docker';
import { instanceHardware, sharedMemoryBytes, type InstanceHardware } from './instanceHardware';

export interface GpuPlanOptions {
  /** Run on the CPU even though the instance has GPUs (smct train --local --cpu). */
  readonly cpu?: boolean;
  /**
   * Give the container this many GPUs instead of all the instance's: for a machine with fewer GPUs
   * than the instance (one local GPU for an ml.p3.8xlarge job). From 1 to the instance's count.
   */
  readonly gpus?: number;
}

export interface GpuPlan {
  /** The NVIDIA GPUs each container gets. */
  readonly gpus: number;
  /** Added to `docker create` for every container of the job. */
  readonly args: readonly string[];
  /** One line to show before the job starts, when the run differs from SageMaker's. */
  readonly notice?: string;
}

/** The runtimes this Docker engine knows (`docker info`): "runc", and "nvidia" once the NVIDIA Container Toolkit is set up. */
export async function engineRuntimes(): Promise<string[]> {
  const output = await dockerOk(['info', '--format', '{{json .Runtimes}}']);
  const runtimes: unknown = JSON.parse(output.trim() || 'null');
  return runtimes && typeof runtimes === 'object' ? Object.keys(runtimes).sort() : [];
}

/**
 * What a local run of `instanceType` gives its containers. GPUs go by `--gpus <count>`, Docker's own
 * flag (since 19.03), rather than `--runtime nvidia` with NVIDIA_VISIBLE_DEVICES: Docker turns the
 * count into the first N devices and hands them to the NVIDIA Container Toolkit, overriding the
 * NVIDIA_VISIBLE_DEVICES=all that CUDA base images set, and the start fails at once when the machine
 * has fewer GPUs. An "nvidia" runtime in `docker info` is the sign that the toolkit is installed
 * (nvidia-ctk registers it), so without one the run is refused here instead of dying in Docker.
 * It is no proof of GPUs: Docker Desktop lists it from 4.34 on with no NVIDIA card at all
 * (https://github.com/docker/for-win/issues/14331). Those starts fail in Docker, and
 * gpuStartFailure turns its error into the same advice.
 * https://docs.docker.com/reference/cli/docker/container/run/#gpus
 * https://docs.nvidia.com/datacenter/cloud-native/container-toolkit/latest/docker-specialized.html
 *
 * Every known type also gets the instance's shared memory (see sharedMemoryBytes); a type smct does
 * not know gets Docker's defaults, as before.
 */
export function gpuPlan(instanceType: string, runtimes: readonly string[], options: GpuPlanOptions = {}): GpuPlan {
  if (options.cpu && options.gpus !== undefined) {
    throw new SmctError('USAGE', '--cpu and --gpus ask for different things: give one of them.');
  }
  const hardware = instanceHardware(instanceType);
  if (!hardware) {
    if (options.gpus !== undefined) {
      throw new SmctError('USAGE', `--gpus: smct does not know how many GPUs ${instanceType} has, so it cannot give part of them.`);
    }
    return { gpus: 0, args: [] };
  }
  const shm = ['--shm-size', String(sharedMemoryBytes(hardware))];
  if (hardware.acceleratorKind !== 'nvidia-gpu' && options.gpus !== undefined) {
    throw new SmctError('USAGE', `--gpus: ${instanceType} has no NVIDIA GPU; on SageMaker its program sees none.`);
  }
  if (hardware.acceleratorKind === 'none') return { gpus: 0, args: shm };
  if (hardware.acceleratorKind === 'neuron') return neuronPlan(instanceType, hardware, shm, options);
  if (options.cpu) return { gpus: 0, args: shm, notice: `running ${instanceType} on the CPU: the program sees no GPU` };
  const gpus = chosenGpus(instanceType, hardware, options.gpus);
  if (!runtimes.some((runtime) => /^nvidia/.test(runtime))) {
    const listed = runtimes.length ? runtimes.join(', ') : 'none';
    throw new SmctError(
      'ACCELERATOR_UNAVAILABLE',
      `${instanceType} has ${countOf(hardware.accelerators, 'NVIDIA GPU')}, but this Docker engine has no NVIDIA runtime (docker info lists ${listed}): install the NVIDIA Container Toolkit, or run on the CPU with --cpu`,
    );
  }
  const notice = gpus < hardware.accelerators ? `running ${instanceType} with ${gpus} of its ${hardware.accelerators} GPUs` : undefined;
  return { gpus, args: ['--gpus', String(gpus), ...shm], ...(notice ? { notice } : {}) };
}

/** Neuron devices are not GPUs and a local run does not pass them on: the CPU only, when asked. */
function neuronPlan(instanceType: string, hardware: InstanceHardware, shm: string[], options: GpuPlanOptions): GpuPlan {
  const devices = countOf(hardware.accelerators, `${hardware.acceleratorModel ?? 'AWS Neuron'} device`);
  if (!options.cpu) {
    throw new SmctError('ACCELERATOR_UNAVAILABLE', `${instanceType} has ${devices}, which local runs do not give a container: run on the CPU with --cpu`);
  }
  return { gpus: 0, args: shm, notice: `running ${instanceType} on the CPU: the program sees no Neuron device` };
}

function chosenGpus(instanceType: string, hardware: InstanceHardware, asked: number | undefined): number {
  if (asked === undefined) return hardware.accelerators;
  if (!Number.isInteger(asked) || asked < 1 || asked > hardware.accelerators) {
    throw new SmctError(
      'USAGE',
      `--gpus ${asked}: ${instanceType} has ${countOf(hardware.accelerators, 'GPU')}; give a whole number from 1 to ${hardware.accelerators}, or --cpu.`,
    );
  }
  return asked;
}

function countOf(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

/**
 * The one line to report when Docker could not start a container with a plan's GPUs (no toolkit
 * hook, no driver, fewer GPUs than asked), or undefined when `dockerError` is about something else.
 */
export function gpuStartFailure(instanceType: string, plan: GpuPlan, dockerError: string): string | undefined {
  if (plan.gpus === 0) return undefined;
  const line = dockerError.split('\n').find((text) => GPU_START_ERRORS.test(text));
  if (!line) return undefined;
  const cause = line.replace(/^(docker: )?Error response from daemon: /, '').trim();
  return `${instanceType}: Docker could not give the container ${countOf(plan.gpus, 'NVIDIA GPU')} (${cause}): check nvidia-smi and the NVIDIA Container Toolkit, give fewer with --gpus, or run on the CPU with --cpu`;
}

/** What Docker and the NVIDIA Container Toolkit say when GPUs cannot be given. */
const GPU_START_ERRORS = /could not select device driver|nvidia-container-cli|unknown device|no NVIDIA devices|nvidia-container-runtime/i;
