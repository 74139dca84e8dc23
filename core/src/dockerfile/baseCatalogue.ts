import type { BaseFacts } from './baseFacts';
import { DOCKER_DEFAULT_PATH, type ImageConfig } from '../image/imageConfig';

/**
 * The public images custom SageMaker containers start from, and what each hands to SageMaker's
 * `docker run IMAGE train|serve`. Every entry names its source: the image's own Dockerfile in its
 * public repository. An image not listed here is unknown, and the rules do not guess what it holds.
 */
interface CatalogueEntry {
  /** Repositories as written on Docker Hub (`python`, `nvidia/cuda`) or with their registry (`nvcr.io/nvidia/pytorch`). */
  readonly repositories: readonly string[];
  /** When set, the entry covers only the tags it matches (the first matching entry of a repository wins). */
  readonly tags?: RegExp;
  readonly entrypoint?: readonly string[];
  readonly cmd?: readonly string[];
  /** PATH folders the image puts before Docker's default PATH. */
  readonly pathPrefix?: readonly string[];
  readonly user?: string;
  readonly workdir?: string;
  readonly platforms: readonly string[];
  /** Programs the image provides for SageMaker's `train` / `serve` (for most images: neither). */
  readonly programs?: { readonly train?: boolean; readonly serve?: boolean };
  /** The ENTRYPOINT executes its arguments (`exec "$@"`, `tini --`), so the verb is looked up on PATH. */
  readonly entrypointRunsArguments?: boolean;
  /** The ENTRYPOINT takes options of its own, and fails on SageMaker's `train`/`serve` argument. */
  readonly entrypointRejectsArguments?: boolean;
  readonly source: string;
}

const AMD64_ARM64 = ['linux/amd64', 'linux/arm64'];
const MANY_PLATFORMS = ['linux/amd64', 'linux/arm64', 'linux/arm/v7', 'linux/386', 'linux/ppc64le', 'linux/s390x'];
/**
 * NVIDIA's images start through this script, which runs the scripts of /opt/nvidia/entrypoint.d and
 * then `exec "$@"` (https://gitlab.com/nvidia/container-images/cuda/-/blob/master/entrypoint/nvidia_entrypoint.sh).
 */
const NVIDIA_ENTRYPOINT = ['/opt/nvidia/nvidia_entrypoint.sh'];
const CUDA_PATH = ['/usr/local/nvidia/bin', '/usr/local/cuda/bin'];
const CONDA_PATH = ['/opt/conda/bin'];

const CATALOGUE: readonly CatalogueEntry[] = [
  {
    repositories: ['python'],
    cmd: ['python3'],
    pathPrefix: ['/usr/local/bin'],
    platforms: MANY_PLATFORMS,
    source: 'https://github.com/docker-library/python/blob/master/3.12/slim-bookworm/Dockerfile',
  },
  {
    repositories: ['ubuntu', 'ubuntu/ubuntu'],
    cmd: ['/bin/bash'],
    platforms: ['linux/amd64', 'linux/arm64', 'linux/arm/v7', 'linux/ppc64le', 'linux/s390x'],
    source: 'https://git.launchpad.net/cloud-images/+oci/ubuntu-base/tree/Dockerfile?h=noble-amd64',
  },
  {
    repositories: ['debian'],
    cmd: ['bash'],
    platforms: MANY_PLATFORMS,
    source: 'https://github.com/debuerreotype/docker-debian-artifacts/blob/dist-amd64/bookworm/slim/Dockerfile',
  },
  {
    repositories: ['alpine'],
    cmd: ['/bin/sh'],
    platforms: MANY_PLATFORMS,
    source: 'https://github.com/alpinelinux/docker-alpine/blob/edge/x86_64/Dockerfile',
  },
  {
    repositories: ['amazonlinux', 'amazonlinux/amazonlinux'],
    cmd: ['/bin/bash'],
    platforms: AMD64_ARM64,
    source: 'https://github.com/amazonlinux/container-images/blob/al2023/Dockerfile',
  },
  {
    // From 2.12 the -gpu images are built on a CUDA 11.8+ nvidia/cuda base, which brings NVIDIA's ENTRYPOINT
    // (the -gpu-jupyter variants add a Jupyter CMD, which SageMaker replaces anyway).
    repositories: ['tensorflow/tensorflow'],
    tags: /^(2\.(1[2-9]|[2-9]\d)[\w.]*-gpu|latest-gpu|nightly-gpu)(-jupyter)?$/,
    entrypoint: NVIDIA_ENTRYPOINT,
    entrypointRunsArguments: true,
    pathPrefix: CUDA_PATH,
    platforms: ['linux/amd64'],
    source: 'https://github.com/tensorflow/tensorflow/blob/master/tensorflow/tools/dockerfiles/dockerfiles/gpu.Dockerfile',
  },
  {
    repositories: ['tensorflow/tensorflow'],
    tags: /jupyter/,
    cmd: ['bash', '-c', 'source /etc/bash.bashrc && jupyter notebook --notebook-dir=/tf --ip 0.0.0.0 --no-browser --allow-root'],
    workdir: '/tf',
    platforms: ['linux/amd64'],
    source: 'https://github.com/tensorflow/tensorflow/blob/master/tensorflow/tools/dockerfiles/dockerfiles/cpu-jupyter.Dockerfile',
  },
  {
    repositories: ['tensorflow/tensorflow'],
    tags: /gpu/,
    cmd: ['/bin/bash'],
    pathPrefix: CUDA_PATH,
    platforms: ['linux/amd64'],
    source: 'https://github.com/tensorflow/tensorflow/blob/master/tensorflow/tools/dockerfiles/dockerfiles/gpu.Dockerfile',
  },
  {
    repositories: ['tensorflow/tensorflow'],
    cmd: ['/bin/bash'],
    platforms: ['linux/amd64'],
    source: 'https://github.com/tensorflow/tensorflow/blob/master/tensorflow/tools/dockerfiles/dockerfiles/cpu.Dockerfile',
  },
  {
    repositories: ['pytorch/pytorch'],
    cmd: ['/bin/bash'],
    pathPrefix: [...CUDA_PATH, ...CONDA_PATH],
    workdir: '/workspace',
    platforms: ['linux/amd64'],
    source: 'https://github.com/pytorch/pytorch/blob/main/Dockerfile',
  },
  {
    // The 11.8 and later images set NVIDIA's ENTRYPOINT; older ones keep Ubuntu's CMD.
    repositories: ['nvidia/cuda', 'nvcr.io/nvidia/cuda'],
    tags: /^(11\.8|1[2-9]|[2-9]\d)/,
    entrypoint: NVIDIA_ENTRYPOINT,
    entrypointRunsArguments: true,
    pathPrefix: CUDA_PATH,
    platforms: AMD64_ARM64,
    source: 'https://gitlab.com/nvidia/container-images/cuda/-/blob/master/dist/12.4.1/ubuntu2204/base/Dockerfile',
  },
  {
    repositories: ['nvidia/cuda', 'nvcr.io/nvidia/cuda'],
    cmd: ['/bin/bash'],
    pathPrefix: CUDA_PATH,
    platforms: AMD64_ARM64,
    source: 'https://gitlab.com/nvidia/container-images/cuda/-/blob/master/dist/11.7.1/ubuntu2004/base/Dockerfile',
  },
  {
    repositories: ['nvcr.io/nvidia/pytorch', 'nvcr.io/nvidia/tensorflow'],
    entrypoint: NVIDIA_ENTRYPOINT,
    entrypointRunsArguments: true,
    pathPrefix: CUDA_PATH,
    workdir: '/workspace',
    platforms: AMD64_ARM64,
    source: 'https://docs.nvidia.com/deeplearning/frameworks/user-guide/index.html',
  },
  {
    // Triton's images carry SageMaker's `serve` (docker/sagemaker/serve, copied to /usr/bin/serve by build.py).
    repositories: ['nvcr.io/nvidia/tritonserver'],
    entrypoint: NVIDIA_ENTRYPOINT,
    entrypointRunsArguments: true,
    pathPrefix: ['/opt/tritonserver/bin', ...CUDA_PATH],
    workdir: '/opt/tritonserver',
    platforms: AMD64_ARM64,
    programs: { serve: true },
    source: 'https://github.com/triton-inference-server/server/blob/main/docker/sagemaker/serve',
  },
  {
    // dockerd-entrypoint.sh starts TorchServe (inference on port 8080) for `serve`, and runs any other command with eval.
    repositories: ['pytorch/torchserve'],
    entrypoint: ['/usr/local/bin/dockerd-entrypoint.sh'],
    cmd: ['serve'],
    entrypointRunsArguments: true,
    user: 'model-server',
    workdir: '/home/model-server',
    platforms: AMD64_ARM64,
    programs: { serve: true },
    source: 'https://github.com/pytorch/serve/blob/master/docker/dockerd-entrypoint.sh',
  },
  {
    // `docker run IMAGE serve` becomes `vllm serve serve`: "serve" is not a model vLLM can load.
    repositories: ['vllm/vllm-openai'],
    entrypoint: ['vllm', 'serve'],
    entrypointRejectsArguments: true,
    platforms: AMD64_ARM64,
    source: 'https://github.com/vllm-project/vllm/blob/main/docker/Dockerfile',
  },
  {
    // `text-generation-launcher serve` stops at once: the launcher takes options only.
    repositories: ['ghcr.io/huggingface/text-generation-inference'],
    entrypoint: ['text-generation-launcher'],
    cmd: ['--json-output'],
    entrypointRejectsArguments: true,
    workdir: '/usr/src',
    platforms: ['linux/amd64'],
    source: 'https://github.com/huggingface/text-generation-inference/blob/main/Dockerfile',
  },
  {
    repositories: ['continuumio/miniconda3', 'continuumio/anaconda3'],
    cmd: ['/bin/bash'],
    pathPrefix: CONDA_PATH,
    platforms: AMD64_ARM64,
    source: 'https://github.com/ContinuumIO/docker-images/blob/main/miniconda3/debian/Dockerfile',
  },
  {
    repositories: ['condaforge/miniforge3', 'condaforge/mambaforge'],
    entrypoint: ['tini', '--'],
    cmd: ['/bin/bash'],
    entrypointRunsArguments: true,
    pathPrefix: CONDA_PATH,
    platforms: ['linux/amd64', 'linux/arm64', 'linux/ppc64le'],
    source: 'https://github.com/conda-forge/miniforge-images/blob/master/ubuntu/Dockerfile',
  },
  {
    // _entrypoint.sh activates the base environment, then `exec "$@"`.
    repositories: ['mambaorg/micromamba'],
    entrypoint: ['/usr/local/bin/_entrypoint.sh'],
    entrypointRunsArguments: true,
    user: 'mambauser',
    pathPrefix: ['/opt/conda/bin'],
    platforms: ['linux/amd64', 'linux/arm64', 'linux/ppc64le'],
    source: 'https://github.com/mamba-org/micromamba-docker/blob/main/debian.Dockerfile',
  },
];

/** Registries that serve Docker Hub's official images under other names. */
const OFFICIAL_MIRRORS = [
  /^docker\.io\/(library\/)?/,
  /^index\.docker\.io\/(library\/)?/,
  /^registry-1\.docker\.io\/(library\/)?/,
  /^public\.ecr\.aws\/docker\/library\//,
  /^mirror\.gcr\.io\/(library\/)?/,
  /^library\//,
];

/** Docker Hub names with their registry and `library/` removed: `docker.io/library/python` is `python`. */
export function catalogueName(repository: string): string {
  const lower = repository.toLowerCase();
  for (const mirror of OFFICIAL_MIRRORS) {
    if (mirror.test(lower)) return lower.replace(mirror, '');
  }
  // Non-official Docker Hub repositories keep their namespace: docker.io/nvidia/cuda is nvidia/cuda.
  return lower.replace(/^(docker\.io|index\.docker\.io|registry-1\.docker\.io)\//, '');
}

/**
 * A Docker Official Image (`python`, `library/debian`, `public.ecr.aws/docker/library/python`): their
 * Dockerfiles (https://github.com/docker-library/official-images) install into FHS folders and a
 * folder named after the image (/opt/spark), never into a folder of the user's such as /app.
 */
export function isOfficialImage(repository: string): boolean {
  const name = catalogueName(repository);
  return name !== '' && !name.includes('/');
}

/** What the catalogue knows of an image reference (repository and tag as written in FROM), or undefined. */
export function catalogueFacts(repository: string, tag: string | undefined): BaseFacts | undefined {
  const name = catalogueName(repository);
  const entry = CATALOGUE.find((candidate) => candidate.repositories.includes(name) && (!candidate.tags || candidate.tags.test(tag ?? 'latest')));
  if (!entry) return undefined;
  const config: ImageConfig = {
    entrypoint: entry.entrypoint ?? [],
    cmd: entry.cmd ?? [],
    path: [...(entry.pathPrefix ?? []), ...DOCKER_DEFAULT_PATH],
    user: entry.user ?? '',
    workdir: entry.workdir ?? '/',
    platforms: entry.platforms,
    env: {},
    exposedPorts: [],
  };
  return {
    config,
    programs: { train: entry.programs?.train ?? false, serve: entry.programs?.serve ?? false },
    entrypointRunsArguments: entry.entrypointRunsArguments,
    entrypointRejectsArguments: entry.entrypointRejectsArguments,
    origin: { kind: 'catalogue', source: entry.source },
  };
}
