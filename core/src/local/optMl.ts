import * as fs from 'node:fs';
import * as path from 'node:path';
import type { TrainingJob } from '../job/trainingJob';

/** The network interface name SageMaker reports; local containers have eth0. */
const NETWORK_INTERFACE = 'eth0';
const GROUP = 'homogeneousCluster';

export function hostNames(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `algo-${i + 1}`);
}

/**
 * Lays out one host's /opt/ml folder on the machine, as SageMaker does in the container:
 * input/config (hyperparameters, input data, resource and checkpoint config), model/,
 * output/, output/data/, checkpoints/. Returns the folder.
 */
export function writeHostFolder(root: string, job: TrainingJob, host: string, hosts: readonly string[]): string {
  const folder = path.join(root, host);
  for (const sub of ['input/config', 'input/data', 'model', 'output/data', 'checkpoints']) fs.mkdirSync(path.join(folder, sub), { recursive: true });
  const config = (name: string, value: unknown): void => fs.writeFileSync(path.join(folder, 'input', 'config', name), JSON.stringify(value));
  config('hyperparameters.json', job.hyperparameters);
  config(
    'inputdataconfig.json',
    Object.fromEntries(
      job.inputs.map((input) => [
        input.name,
        {
          ...(input.contentType !== undefined ? { ContentType: input.contentType } : {}),
          TrainingInputMode: input.inputMode,
          S3DistributionType: input.distribution,
          RecordWrapperType: input.recordWrapperType,
        },
      ]),
    ),
  );
  config('resourceconfig.json', {
    current_host: host,
    current_instance_type: job.instanceType,
    current_group_name: GROUP,
    hosts,
    instance_groups: [{ instance_group_name: GROUP, instance_type: job.instanceType, hosts }],
    network_interface_name: NETWORK_INTERFACE,
  });
  if (job.checkpoints) config('checkpointconfig.json', { LocalPath: job.checkpoints.localPath, S3Path: job.checkpoints.s3Uri });
  return folder;
}

/** The `docker create` volume arguments for one host's /opt/ml folders (the channels are prepareInputs'). */
export function hostMounts(folder: string, job: TrainingJob): string[] {
  const mounts = [
    `${path.join(folder, 'input', 'config')}:/opt/ml/input/config`,
    `${path.join(folder, 'model')}:/opt/ml/model`,
    `${path.join(folder, 'output')}:/opt/ml/output`,
  ];
  if (job.checkpoints) mounts.push(`${path.join(folder, 'checkpoints')}:${job.checkpoints.localPath.replace(/\/+$/, '')}`);
  return mounts.flatMap((mount) => ['-v', mount]);
}
