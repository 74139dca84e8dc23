import { ruleTable } from '../../helpers/lint';

ruleTable('SM304', [
  {
    name: 'apt-get install of nvidia-driver-535 is reported on the package',
    dockerfile: 'FROM ubuntu:22.04\nRUN apt-get update && apt-get install -y --no-install-recommends cuda-toolkit-12-2 nvidia-driver-535\n',
    expect: [{ line: 2, text: 'nvidia-driver-535' }],
  },
  { name: 'cuda-drivers is reported', dockerfile: 'FROM ubuntu:22.04\nRUN yum install -y cuda-drivers\n', expect: [{ line: 2, text: 'cuda-drivers' }] },
  {
    name: 'the NVIDIA .run installer is reported',
    dockerfile: 'FROM ubuntu:22.04\nRUN sh NVIDIA-Linux-x86_64-535.104.05.run --silent\n',
    expect: [{ line: 2, text: 'NVIDIA-Linux-x86_64-535.104.05.run' }],
  },
  { name: 'the CUDA toolkit alone is fine', dockerfile: 'FROM ubuntu:22.04\nRUN apt-get install -y cuda-toolkit-12-2 libcudnn8\n', expect: [] },
  { name: 'a driver name outside an install command is fine', dockerfile: 'FROM ubuntu:22.04\nRUN echo nvidia-driver-535 > /etc/note\n', expect: [] },
  {
    name: 'a driver named by a build argument is reported',
    dockerfile: 'FROM ubuntu:22.04\nARG DRIVER=nvidia-driver-535\nRUN apt-get install -y ${DRIVER}\n',
    expect: [{ line: 3, text: '${DRIVER}' }],
  },
]);
