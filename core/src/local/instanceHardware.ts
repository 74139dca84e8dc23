// The hardware of every instance type SageMaker trains on, so that a local run can give its
// container what the instance would: NVIDIA GPUs and a /dev/shm of the instance's size. Written out
// here, not read from the SDK: this half of the engine must not load it (a unit test checks that
// every member of the SDK's TrainingInstanceType enum has an entry).
//
// Figures are AWS's, per family: vCPUs and memory (GiB) from the EC2 instance type page named in
// `source` and the SageMaker AI pricing page (https://aws.amazon.com/sagemaker/ai/pricing/), which
// lists every ml. type with its vCPUs and memory; accelerator counts from the same EC2 pages,
// cross-checked against the instance table of AWS's own SageMaker HyperPod CLI
// (https://github.com/aws/sagemaker-hyperpod-cli, src/sagemaker/hyperpod/training/constants.py).

/** What accelerates an instance: NVIDIA GPUs, AWS Neuron devices (Trainium; not GPUs), or nothing. */
export type AcceleratorKind = 'none' | 'nvidia-gpu' | 'neuron';

export interface InstanceHardware {
  readonly vcpus: number;
  readonly memoryGiB: number;
  /** NVIDIA GPUs or Neuron devices (Trainium chips), per `acceleratorKind`; 0 for CPU instances. */
  readonly accelerators: number;
  readonly acceleratorKind: AcceleratorKind;
  /** The accelerator's name as AWS gives it ("NVIDIA A10G", "AWS Trainium"); absent for CPU instances. */
  readonly acceleratorModel?: string;
  /** The AWS page the figures come from. */
  readonly source: string;
}

/** [size, vCPUs, memory GiB, accelerators] */
type Size = readonly [string, number, number, number];

interface Family {
  readonly family: string;
  readonly source: string;
  readonly kind: AcceleratorKind;
  readonly model?: string;
  readonly sizes: readonly Size[];
}

const EC2 = 'https://aws.amazon.com/ec2/instance-types/';

/** CPU sizes whose memory is `perVcpu` GiB per vCPU, as every c/m/r family from the 5th generation on. */
function cpuSizes(perVcpu: number, sizes: readonly string[]): Size[] {
  return sizes.map((size) => {
    const vcpus = size === 'large' ? 2 : size === 'xlarge' ? 4 : 4 * Number(size.replace('xlarge', ''));
    return [size, vcpus, vcpus * perVcpu, 0] as const;
  });
}

const SIZES_6I = ['large', 'xlarge', '2xlarge', '4xlarge', '8xlarge', '12xlarge', '16xlarge', '24xlarge', '32xlarge'];
const SIZES_7I = ['large', 'xlarge', '2xlarge', '4xlarge', '8xlarge', '12xlarge', '16xlarge', '24xlarge', '48xlarge'];
const SIZES_8I = ['large', 'xlarge', '2xlarge', '4xlarge', '8xlarge', '12xlarge', '16xlarge', '24xlarge', '32xlarge', '48xlarge', '96xlarge'];
const SIZES_R5 = ['large', 'xlarge', '2xlarge', '4xlarge', '8xlarge', '12xlarge', '16xlarge', '24xlarge'];

const FAMILIES: readonly Family[] = [
  // CPU: compute optimised (2 GiB per vCPU; c4 and c5n have their own figures). SageMaker trains on
  // no c6i.large or c8i.large.
  {
    family: 'c4',
    source: 'https://aws.amazon.com/ec2/previous-generation/',
    kind: 'none',
    sizes: [
      ['xlarge', 4, 7.5, 0],
      ['2xlarge', 8, 15, 0],
      ['4xlarge', 16, 30, 0],
      ['8xlarge', 36, 60, 0],
    ],
  },
  {
    family: 'c5',
    source: `${EC2}c5/`,
    kind: 'none',
    sizes: [
      ['xlarge', 4, 8, 0],
      ['2xlarge', 8, 16, 0],
      ['4xlarge', 16, 32, 0],
      ['9xlarge', 36, 72, 0],
      ['18xlarge', 72, 144, 0],
    ],
  },
  {
    family: 'c5n',
    source: `${EC2}c5/`,
    kind: 'none',
    sizes: [
      ['xlarge', 4, 10.5, 0],
      ['2xlarge', 8, 21, 0],
      ['4xlarge', 16, 42, 0],
      ['9xlarge', 36, 96, 0],
      ['18xlarge', 72, 192, 0],
    ],
  },
  { family: 'c6i', source: `${EC2}c6i/`, kind: 'none', sizes: cpuSizes(2, SIZES_6I.slice(1)) },
  { family: 'c7i', source: `${EC2}c7i/`, kind: 'none', sizes: cpuSizes(2, SIZES_7I) },
  { family: 'c8i', source: `${EC2}c8i/`, kind: 'none', sizes: cpuSizes(2, SIZES_8I.slice(1)) },
  // CPU: general purpose (4 GiB per vCPU).
  {
    family: 'm4',
    source: 'https://aws.amazon.com/ec2/previous-generation/',
    kind: 'none',
    sizes: [
      ['xlarge', 4, 16, 0],
      ['2xlarge', 8, 32, 0],
      ['4xlarge', 16, 64, 0],
      ['10xlarge', 40, 160, 0],
      ['16xlarge', 64, 256, 0],
    ],
  },
  { family: 'm5', source: `${EC2}m5/`, kind: 'none', sizes: cpuSizes(4, ['large', 'xlarge', '2xlarge', '4xlarge', '12xlarge', '24xlarge']) },
  { family: 'm6i', source: `${EC2}m6i/`, kind: 'none', sizes: cpuSizes(4, SIZES_6I) },
  { family: 'm7i', source: `${EC2}m7i/`, kind: 'none', sizes: cpuSizes(4, SIZES_7I) },
  { family: 'm8i', source: `${EC2}m8i/`, kind: 'none', sizes: cpuSizes(4, SIZES_8I) },
  // CPU: memory optimised (8 GiB per vCPU).
  { family: 'r5', source: `${EC2}r5/`, kind: 'none', sizes: cpuSizes(8, SIZES_R5) },
  { family: 'r5d', source: `${EC2}r5/`, kind: 'none', sizes: cpuSizes(8, SIZES_R5) },
  { family: 'r6i', source: `${EC2}r6i/`, kind: 'none', sizes: cpuSizes(8, SIZES_6I) },
  { family: 'r7i', source: `${EC2}r7i/`, kind: 'none', sizes: cpuSizes(8, SIZES_7I) },
  { family: 'r8i', source: `${EC2}r8i/`, kind: 'none', sizes: cpuSizes(8, SIZES_8I) },
  // CPU: burstable.
  {
    family: 't3',
    source: `${EC2}t3/`,
    kind: 'none',
    sizes: [
      ['medium', 2, 4, 0],
      ['large', 2, 8, 0],
      ['xlarge', 4, 16, 0],
      ['2xlarge', 8, 32, 0],
    ],
  },
  // NVIDIA GPUs: the P family (training).
  {
    family: 'p2',
    source: `${EC2}p2/`,
    kind: 'nvidia-gpu',
    model: 'NVIDIA K80',
    sizes: [
      ['xlarge', 4, 61, 1],
      ['8xlarge', 32, 488, 8],
      ['16xlarge', 64, 732, 16],
    ],
  },
  {
    family: 'p3',
    source: `${EC2}p3/`,
    kind: 'nvidia-gpu',
    model: 'NVIDIA V100',
    sizes: [
      ['2xlarge', 8, 61, 1],
      ['8xlarge', 32, 244, 4],
      ['16xlarge', 64, 488, 8],
    ],
  },
  { family: 'p3dn', source: `${EC2}p3/`, kind: 'nvidia-gpu', model: 'NVIDIA V100 32 GB', sizes: [['24xlarge', 96, 768, 8]] },
  { family: 'p4d', source: `${EC2}p4/`, kind: 'nvidia-gpu', model: 'NVIDIA A100 40 GB', sizes: [['24xlarge', 96, 1152, 8]] },
  { family: 'p4de', source: `${EC2}p4/`, kind: 'nvidia-gpu', model: 'NVIDIA A100 80 GB', sizes: [['24xlarge', 96, 1152, 8]] },
  {
    family: 'p5',
    source: `${EC2}p5/`,
    kind: 'nvidia-gpu',
    model: 'NVIDIA H100',
    sizes: [
      ['4xlarge', 16, 256, 1],
      ['48xlarge', 192, 2048, 8],
    ],
  },
  { family: 'p5e', source: `${EC2}p5/`, kind: 'nvidia-gpu', model: 'NVIDIA H200', sizes: [['48xlarge', 192, 2048, 8]] },
  { family: 'p5en', source: `${EC2}p5/`, kind: 'nvidia-gpu', model: 'NVIDIA H200', sizes: [['48xlarge', 192, 2048, 8]] },
  { family: 'p6-b200', source: `${EC2}p6/`, kind: 'nvidia-gpu', model: 'NVIDIA B200', sizes: [['48xlarge', 192, 2048, 8]] },
  { family: 'p6-b300', source: `${EC2}p6/`, kind: 'nvidia-gpu', model: 'NVIDIA B300', sizes: [['48xlarge', 192, 4096, 8]] },
  // One instance of a P6e-GB200 UltraServer: 2 Grace CPUs (Arm) and 4 B200 GPUs.
  { family: 'p6e-gb200', source: `${EC2}p6/`, kind: 'nvidia-gpu', model: 'NVIDIA B200 (GB200)', sizes: [['36xlarge', 144, 960, 4]] },
  // NVIDIA GPUs: the G family. Every size below 12xlarge has one GPU; 12xlarge and 24xlarge have
  // four (two on g7 and g7e at 12xlarge), 48xlarge eight.
  {
    family: 'g4dn',
    source: `${EC2}g4/`,
    kind: 'nvidia-gpu',
    model: 'NVIDIA T4',
    sizes: [
      ['xlarge', 4, 16, 1],
      ['2xlarge', 8, 32, 1],
      ['4xlarge', 16, 64, 1],
      ['8xlarge', 32, 128, 1],
      ['12xlarge', 48, 192, 4],
      ['16xlarge', 64, 256, 1],
    ],
  },
  { family: 'g5', source: `${EC2}g5/`, kind: 'nvidia-gpu', model: 'NVIDIA A10G', sizes: gSizes(4) },
  { family: 'g6', source: `${EC2}g6/`, kind: 'nvidia-gpu', model: 'NVIDIA L4', sizes: gSizes(4) },
  { family: 'g6e', source: `${EC2}g6e/`, kind: 'nvidia-gpu', model: 'NVIDIA L40S', sizes: gSizes(8) },
  // g7: RTX PRO 4500 Blackwell Server Edition (32 GB). Not yet on a page the project's search could
  // read: counts and memory from third-party tables that quote describe-instance-types.
  {
    family: 'g7',
    source: `${EC2}g7/`,
    kind: 'nvidia-gpu',
    model: 'NVIDIA RTX PRO 4500 Blackwell',
    sizes: [
      ['2xlarge', 8, 32, 1],
      ['4xlarge', 16, 64, 1],
      ['8xlarge', 32, 128, 1],
      ['12xlarge', 48, 192, 2],
      ['24xlarge', 96, 384, 4],
      ['48xlarge', 192, 768, 8],
    ],
  },
  {
    family: 'g7e',
    source: `${EC2}g7e/`,
    kind: 'nvidia-gpu',
    model: 'NVIDIA RTX PRO 6000 Blackwell',
    sizes: [
      ['2xlarge', 8, 64, 1],
      ['4xlarge', 16, 128, 1],
      ['8xlarge', 32, 256, 1],
      ['12xlarge', 48, 512, 2],
      ['24xlarge', 96, 1024, 4],
      ['48xlarge', 192, 2048, 8],
    ],
  },
  // AWS Trainium: Neuron devices, which the NVIDIA runtime does not give and a GPU program does not use.
  {
    family: 'trn1',
    source: `${EC2}trn1/`,
    kind: 'neuron',
    model: 'AWS Trainium',
    sizes: [
      ['2xlarge', 8, 32, 1],
      ['32xlarge', 128, 512, 16],
    ],
  },
  { family: 'trn1n', source: `${EC2}trn1/`, kind: 'neuron', model: 'AWS Trainium', sizes: [['32xlarge', 128, 512, 16]] },
  { family: 'trn2', source: `${EC2}trn2/`, kind: 'neuron', model: 'AWS Trainium2', sizes: [['48xlarge', 192, 2048, 16]] },
];

/** The g5/g6/g6e layout: xlarge…16xlarge one GPU, 12xlarge and 24xlarge four, 48xlarge eight. */
function gSizes(memoryPerVcpu: number): Size[] {
  const gpus: Record<string, number> = { '12xlarge': 4, '24xlarge': 4, '48xlarge': 8 };
  return cpuSizes(memoryPerVcpu, ['xlarge', '2xlarge', '4xlarge', '8xlarge', '12xlarge', '16xlarge', '24xlarge', '48xlarge']).map(
    ([size, vcpus, memory]) => [size, vcpus, memory, gpus[size] ?? 1] as const,
  );
}

/** Every training instance type, by its SageMaker name ("ml.g5.xlarge"). */
export const INSTANCE_HARDWARE: ReadonlyMap<string, InstanceHardware> = new Map(
  FAMILIES.flatMap(({ family, source, kind, model, sizes }) =>
    sizes.map(([size, vcpus, memoryGiB, accelerators]): [string, InstanceHardware] => [
      `ml.${family}.${size}`,
      { vcpus, memoryGiB, accelerators, acceleratorKind: kind, ...(model ? { acceleratorModel: model } : {}), source },
    ]),
  ),
);

export function instanceHardware(instanceType: string): InstanceHardware | undefined {
  return INSTANCE_HARDWARE.get(instanceType);
}

/**
 * The /dev/shm a training container gets on this instance, in bytes. AN ASSUMPTION: SageMaker does
 * not document it for training jobs. We take the Linux default for a tmpfs, half the machine's
 * memory (https://www.kernel.org/doc/html/latest/filesystems/tmpfs.html: "The default is half of
 * your physical RAM without swap"); a SageMaker notebook instance was reported with just that
 * (32 GB on a 64 GiB ml.g4dn.4xlarge, https://github.com/aws/sagemaker-python-sdk/issues/937).
 * Docker's own default, 64 MB, is what makes PyTorch DataLoader workers die with "bus error"
 * locally while the same program works on SageMaker
 * (https://github.com/aws/sagemaker-python-sdk/issues/3331). A tmpfs size is a ceiling, not a
 * reservation: a larger figure than the local machine's memory costs nothing until used.
 */
export function sharedMemoryBytes(hardware: InstanceHardware): number {
  return (hardware.memoryGiB * 1024 ** 3) / 2;
}
