// Speed benchmark, side by side in one run (medians after a warm-up):
//  - our full analysis, parse included (`lintDockerfile(text, { context })`), against dockerfile-utils' `validate` on the same
//    text, for a typical ~40-line SageMaker training Dockerfile and a generated 5,000-line one;
//  - keystroke-to-diagnostics latency through the language server (in process, debounce off): didChange -> publishDiagnostics;
//  - `smct lint FILE` cold start against a bare `node -e ""`;
//  - `smct train --local` (runLocalTraining) against a bare `docker run --rm` of the same image with the same /opt/ml mounts;
//  - for a job that leaves a 100 MB model, the time from its last log line to the packed tarballs;
//  - `smct jobs` (loads the AWS half, dist/aws.js, and makes one ListTrainingJobs call to the local AWS emulator) against
//    `smct --version` (which loads nothing of it): what the SDK costs a command that needs it, and that the others never pay.
//  - a job with a 100 MB S3 channel (10 objects in the AWS emulator): a second run, served by the cache, against the
//    first, which downloads every object (time, and bytes fetched);
//  - Pipe mode: 200 MB read through a channel's FIFO against the same files read from their folder (pipeThroughput.ts);
//  - `smct check` (checkImage) on the training example built on the local Python image against `docker create` + `docker rm`
//    of the same image, the floor of its method (needs the image of scripts/setup-python-image.sh, else skipped);
//  - serving (servingRows.ts, same local Python image): `smct serve --local` to InService against docker run + /ping polling,
//    `smct invoke --url` against curl, invokeLocal against a bare node:http request, `smct transform --local` against a
//    bare container and a request loop.
// The two Docker rows need a running Docker engine (and busybox-static); without one they are skipped with the reason.
// Run: npm run bench (builds first), or after a build: node out/test/bench/run.js (add --only serving for those rows
// alone). It prints a table and never fails on a missed target; it exits non-zero only on an error.
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { validate } from 'dockerfile-utils';
import { FileSystemContext, MemoryContext, type BuildContext } from '../../core/src/dockerfile/buildContext';
import { loadTrainingJob } from '../../core/src/job/trainingJob';
import { lintDockerfile } from '../../core/src/lint/linter';
import { checkImage } from '../../core/src/image/imageCheck';
import { buildImage } from '../../core/src/local/build';
import { dockerOk } from '../../core/src/local/docker';
import { runLocalTraining, type LocalTrainingResult } from '../../core/src/local/localTraining';
import { startAwsEmulator } from '../aws/emulator';
import { AwsClients } from '../../core/src/aws/awsClients';
import { s3Reader } from '../../core/src/aws/s3Reader';
import { pipeThroughput } from './pipeThroughput';
import { servingRows } from './servingRows';
import { elapsedMsAsync, median, sideBySideAsync } from './stats';
import { hostMounts, writeHostFolder } from '../../core/src/local/optMl';
import { TestClient } from '../helpers/lspClient';
import { BUSYBOX_DOCKERFILE, dockerBuild, dockerMissing, exampleCopy, pythonBaseMissing, trainingProject, writeJob } from '../local/dockerFixtures';

const SMCT = path.resolve(__dirname, '../../../bin/smct.js');

const SAMPLES = { typical: 200, large: 30, keystrokes: 100, coldStarts: 15, localRuns: 10, bigModel: 3, imageChecks: 10, s3Runs: 3 };
const S3_CHANNEL = { objects: 10, objectMb: 10 };
const WARMUP = { typical: 50, large: 5, keystrokes: 20, coldStarts: 3, localRuns: 2, imageChecks: 2 };
const LARGE_LINES = 5000;

/** The Docker rows' images: the busybox test trainer, and the same image with a training program that leaves a 100 MB model. */
const TRAINER_IMAGE = 'smct-bench-trainer:latest';
const BIG_MODEL_IMAGE = 'smct-bench-big-model:latest';
const BIG_MODEL_MB = 100;
const BIG_MODEL_TRAIN = `#!/bin/sh
dd if=/dev/urandom of=/opt/ml/model/weights.bin bs=1M count=${BIG_MODEL_MB} 2>/dev/null
echo LAST
`;

type ContextFiles = Record<string, { content: string; mode: number }>;

/** The files the typical Dockerfile copies, as they are in its build context. */
export const TYPICAL_FILES: ContextFiles = {
  'requirements.txt': { content: 'numpy==1.26.4\npandas==2.2.2\nscikit-learn==1.4.2\nxgboost==2.0.3\n', mode: 0o644 },
  train: {
    content: '#!/usr/bin/env python3\nimport sys\n\nfrom src.training import main\n\nif __name__ == "__main__":\n    sys.exit(main(sys.argv[1:]))\n',
    mode: 0o755,
  },
  'src/__init__.py': { content: '', mode: 0o644 },
  'src/training.py': {
    content: [
      'import json',
      '',
      '',
      'def main(argv):',
      '    with open("/opt/ml/input/config/hyperparameters.json") as f:',
      '        params = json.load(f)',
      '    print(params, argv)',
      '    return 0',
      '',
    ].join('\n'),
    mode: 0o644,
  },
  'config/defaults.yaml': { content: 'max_depth: 6\neta: 0.3\n', mode: 0o644 },
};

/** A realistic SageMaker training Dockerfile (40 lines); `description` is where the keystroke benchmark types. */
export function typicalDockerfile(description = 'Churn model training'): string {
  return `# syntax=docker/dockerfile:1
ARG PYTHON_VERSION=3.11

FROM python:\${PYTHON_VERSION}-slim AS builder
ARG PIP_INDEX_URL=https://pypi.org/simple
RUN apt-get update && \\
    apt-get install -y --no-install-recommends build-essential gcc && \\
    rm -rf /var/lib/apt/lists/*
WORKDIR /build
COPY requirements.txt .
RUN pip install --no-cache-dir --prefix=/install -r requirements.txt

FROM python:\${PYTHON_VERSION}-slim
LABEL org.opencontainers.image.title="churn-training" \\
      org.opencontainers.image.description="${description}"
ENV PYTHONUNBUFFERED=1 \\
    PYTHONDONTWRITEBYTECODE=1 \\
    LANG=C.UTF-8
RUN apt-get update && \\
    apt-get install -y --no-install-recommends libgomp1 ca-certificates && \\
    rm -rf /var/lib/apt/lists/*
COPY --from=builder /install /usr/local
RUN pip install --no-cache-dir \\
      sagemaker-training==4.7.4 \\
      boto3==1.34.84

ENV PROGRAM_DIR=/opt/program
ENV PATH="/opt/program:\${PATH}"
COPY train /opt/program/train
COPY src/ /opt/program/src/
COPY config/defaults.yaml /opt/program/config/
RUN chmod +x /opt/program/train

RUN useradd --create-home --uid 1000 trainer && \\
    chown -R trainer /opt/program
USER trainer
WORKDIR /opt/program

# SageMaker starts the container as "docker run <image> train".
ENTRYPOINT ["python3", "/opt/program/train"]
`;
}

const PACKAGES = ['pandas==2.2.2', 'scikit-learn==1.4.2', 'scipy==1.13.0', 'boto3==1.34.84', 'pyarrow==16.0.0', 'xgboost==2.0.3', 'lightgbm==4.3.0'];
const APT = ['libgomp1', 'libssl-dev', 'curl', 'git', 'unzip', 'libjpeg-dev', 'zlib1g-dev', 'ca-certificates'];

/** One component's instructions (15 lines): ARG, ENV, RUN with continuations, COPY, LABEL. */
function componentBlock(i: number): string[] {
  const name = `COMPONENT_${i}`;
  return [
    `# Component ${i}`,
    `ARG ${name}_VERSION=1.${i % 20}.${i % 7}`,
    `ENV ${name}_HOME=/opt/components/c${i} \\`,
    `    ${name}_LOG_LEVEL=info`,
    'RUN apt-get update && \\',
    '    apt-get install -y --no-install-recommends \\',
    `      ${APT[i % APT.length]} \\`,
    `      ${APT[(i + 3) % APT.length]} && \\`,
    '    rm -rf /var/lib/apt/lists/*',
    'RUN pip install --no-cache-dir \\',
    `      ${PACKAGES[i % PACKAGES.length]} \\`,
    `      ${PACKAGES[(i + 5) % PACKAGES.length]}`,
    `COPY src/component_${i}/ /opt/program/component_${i}/`,
    `LABEL com.example.component${i}.version="\${${name}_VERSION}"`,
    '',
  ];
}

/** A deterministic 5,000-line Dockerfile: four stages of repeated component blocks, the last one a training image. */
export function largeDockerfile(): { text: string; files: ContextFiles } {
  const stages = ['deps', 'build', 'test', 'final'];
  const tail = ['ENV PATH="/opt/program:${PATH}"', 'COPY train /opt/program/train', 'WORKDIR /opt/program', 'ENTRYPOINT ["python3", "/opt/program/train"]'];
  const files: ContextFiles = { train: TYPICAL_FILES.train };
  const lines: string[] = ['ARG PYTHON_VERSION=3.11'];
  const perStage = Math.floor((LARGE_LINES - lines.length - tail.length) / stages.length);
  let component = 0;
  stages.forEach((stage, s) => {
    const end = s === stages.length - 1 ? LARGE_LINES - tail.length : lines.length + perStage;
    lines.push(s === 0 ? `FROM python:\${PYTHON_VERSION}-slim AS ${stage}` : `FROM ${stages[s - 1]} AS ${stage}`);
    lines.push(`ENV STAGE=${stage} PYTHONUNBUFFERED=1`);
    if (s > 0) lines.push(`COPY --from=${stages[s - 1]} /opt/program /opt/program`);
    while (lines.length + 15 <= end) {
      lines.push(...componentBlock(component));
      files[`src/component_${component}/__init__.py`] = { content: `VERSION = "${component}"\n`, mode: 0o644 };
      component++;
    }
    while (lines.length < end) lines.push(`ENV ${stage.toUpperCase()}_FILLER_${lines.length}=${lines.length}`);
  });
  lines.push(...tail);
  if (lines.length !== LARGE_LINES) throw new Error(`the generated Dockerfile has ${lines.length} lines, not ${LARGE_LINES}`);
  return { text: lines.join('\n') + '\n', files };
}

function elapsedMs(run: () => void): number {
  const start = process.hrtime.bigint();
  run();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

/** Times two functions alternately (order swapped every sample, so drift and GC land on both) and returns their samples. */
function sideBySide(a: () => void, b: () => void, warmup: number, samples: number): { a: number[]; b: number[] } {
  const times = { a: [] as number[], b: [] as number[] };
  for (let i = 0; i < warmup + samples; i++) {
    let timeA: number;
    let timeB: number;
    if (i % 2 === 0) {
      timeA = elapsedMs(a);
      timeB = elapsedMs(b);
    } else {
      timeB = elapsedMs(b);
      timeA = elapsedMs(a);
    }
    if (i >= warmup) {
      times.a.push(timeA);
      times.b.push(timeB);
    }
  }
  return times;
}

export interface Row {
  readonly name: string;
  readonly median: number;
  readonly baseline: number | undefined;
  readonly target: string;
  /** undefined when the row has no target ("n/a"). */
  readonly meets: boolean | undefined;
}

function analysisRow(label: string, text: string, context: BuildContext, warmup: number, samples: number): { row: Row; findings: number; diagnostics: number } {
  let findings = 0;
  let diagnostics = 0;
  const times = sideBySide(
    () => (findings = lintDockerfile(text, { context }).findings.length),
    () => (diagnostics = validate(text).length),
    warmup,
    samples,
  );
  const ours = median(times.a);
  const theirs = median(times.b);
  const row = { name: `${label} vs dockerfile-utils validate`, median: ours, baseline: theirs, target: 'ratio <= 1.0', meets: ours <= theirs };
  return { row, findings, diagnostics };
}

async function keystrokeRow(root: string): Promise<Row> {
  const file = path.join(root, 'Dockerfile');
  const uri = `file://${file}`;
  const typed = ' for the nightly retraining pipeline, owned by the ML platform team';
  const textAt = (version: number): string => typicalDockerfile(`Churn model training${typed.slice(0, (version - 1) % typed.length)}`);
  const client = TestClient.inProcess();
  try {
    await client.initialize(root, { debounceMs: 0 });
    await client.open(uri, textAt(1), 1);
    await client.diagnostics(uri, (_d, p) => p.version === 1);
    const latencies: number[] = [];
    for (let i = 0; i < WARMUP.keystrokes + SAMPLES.keystrokes; i++) {
      const version = i + 2;
      const text = textAt(version);
      const start = process.hrtime.bigint();
      await client.change(uri, text, version);
      await client.diagnostics(uri, (_d, p) => p.version === version);
      const latency = Number(process.hrtime.bigint() - start) / 1e6;
      if (i >= WARMUP.keystrokes) latencies.push(latency);
    }
    // The floor: the same analysis the server runs (build context on disk), called directly.
    const context = (): BuildContext => new FileSystemContext(root);
    const text = textAt(2);
    const direct: number[] = [];
    for (let i = 0; i < WARMUP.typical + SAMPLES.keystrokes; i++) {
      const time = elapsedMs(() => lintDockerfile(text, { context: context() }));
      if (i >= WARMUP.typical) direct.push(time);
    }
    const latency = median(latencies);
    const name = 'keystroke -> diagnostics, typical vs lintDockerfile alone';
    return { name, median: latency, baseline: median(direct), target: '< 5 ms', meets: latency < 5 };
  } finally {
    await client.shutdown();
  }
}

function coldStartRow(root: string): { row: Row; node: number; smct: number } {
  const run = (args: string[], okStatuses: readonly number[]): void => {
    const result = spawnSync(process.execPath, args, { cwd: root, encoding: 'utf8' });
    if (result.error) throw result.error;
    if (result.status === null || !okStatuses.includes(result.status)) {
      throw new Error(`node ${args.join(' ')} exited with ${result.status ?? result.signal}: ${result.stderr}`);
    }
  };
  const times = sideBySide(
    () => run([SMCT, 'lint', path.join(root, 'Dockerfile')], [0, 1]),
    () => run(['-e', ''], [0]),
    WARMUP.coldStarts,
    SAMPLES.coldStarts,
  );
  const smct = median(times.a);
  const node = median(times.b);
  return { row: { name: 'smct lint cold start (1 file) vs bare node -e ""', median: smct, baseline: node, target: '< 300 ms', meets: smct < 300 }, node, smct };
}

/** `smct jobs` against the AWS emulator vs `smct --version`; spawned asynchronously, as the emulator answers from this process. */
async function awsCommandRow(): Promise<Row> {
  const emulator = await startAwsEmulator();
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'smct-bench-home-'));
  const run = (args: string[]): Promise<void> =>
    new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [SMCT, ...args], { env: { ...process.env, ...emulator.env, HOME: home }, stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
      child.on('error', reject);
      child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`smct ${args.join(' ')} exited with ${code}: ${stderr}`))));
    });
  try {
    const times = await sideBySideAsync(
      () => run(['jobs']),
      () => run(['--version']),
      WARMUP.coldStarts,
      SAMPLES.coldStarts,
    );
    return {
      name: 'smct jobs (SDK load + 1 call) vs smct --version',
      median: median(times.a),
      baseline: median(times.b),
      target: '< 1000 ms',
      meets: median(times.a) < 1000,
    };
  } finally {
    await emulator.close();
    fs.rmSync(home, { recursive: true, force: true });
  }
}

function checkCompleted(result: LocalTrainingResult): void {
  if (result.status !== 'Completed') throw new Error(`the local training job ${result.jobName} ended ${result.status}: ${result.failureReason ?? ''}`);
}

/**
 * What `smct train --local` adds to a container run: runLocalTraining (job file loaded, leftovers swept, image checked,
 * network, create, attached start, inspect, artifacts packed, clean-up) against `docker run --rm` of the same image with
 * the same /opt/ml mounts. The job has no hyperparameters, so the test program only dumps what it sees and exits 0.
 */
async function localOverheadRow(): Promise<{ row: Row; ours: number; bare: number }> {
  const project = trainingProject(BUSYBOX_DOCKERFILE);
  try {
    dockerBuild(project, TRAINER_IMAGE);
    const jobFile = writeJob(project, { image: TRAINER_IMAGE, baseJobName: 'smct-bench', inputs: { training: 'data/training' } });
    const job = loadTrainingJob(jobFile);
    // The baseline's /opt/ml folder is laid out by the runner's own code, so both runs mount the same files the same way
    // (config, model/, output/, the training channel read-only); --hostname as the runner names its single host.
    const folder = writeHostFolder(path.join(project, 'bare'), job, 'algo-1', ['algo-1']);
    const channel = ['-v', `${path.join(project, 'data', 'training')}:/opt/ml/input/data/training:ro`];
    const bare = ['run', '--rm', '--hostname', 'algo-1', '--platform', job.build.platform, ...hostMounts(folder, job), ...channel, job.image, 'train'];
    const times = await sideBySideAsync(
      async () => checkCompleted(await runLocalTraining(loadTrainingJob(jobFile))),
      async () => {
        await dockerOk(bare);
      },
      WARMUP.localRuns,
      SAMPLES.localRuns,
    );
    const ours = median(times.a);
    const baseline = median(times.b);
    const row = { name: 'smct train --local overhead vs bare docker run', median: ours, baseline, target: '< 300 ms added', meets: ours - baseline < 300 };
    return { row, ours, bare: baseline };
  } finally {
    fs.rmSync(project, { recursive: true, force: true });
  }
}

/**
 * A job whose channel is 100 MB in S3 (the emulator's, on loopback): the first run of each pair starts from an empty cache
 * and downloads it all, the second finds it all in the cache. Both create, run and remove the container, so the
 * difference is what the cache saves; the bytes each fetched are counted.
 */
async function s3ChannelRow(): Promise<{ row: Row; firstBytes: number; secondBytes: number }> {
  const emulator = await startAwsEmulator();
  const saved = process.env;
  const project = trainingProject(BUSYBOX_DOCKERFILE);
  process.env = { ...saved, ...emulator.env, AWS_CONFIG_FILE: '/nonexistent', AWS_SHARED_CREDENTIALS_FILE: '/nonexistent' };
  const clients = new AwsClients({ region: emulator.region });
  try {
    dockerBuild(project, TRAINER_IMAGE);
    emulator.s3.createBucket('smct-bench', emulator.region);
    const object = Buffer.alloc(S3_CHANNEL.objectMb << 20, 0x61);
    for (let i = 0; i < S3_CHANNEL.objects; i++) emulator.s3.putObject('smct-bench', `channel/part-${i}.bin`, object);
    const jobFile = writeJob(project, { image: TRAINER_IMAGE, baseJobName: 'smct-bench-s3', inputs: { training: 's3://smct-bench/channel/' } });
    const first: number[] = [];
    const second: number[] = [];
    let firstBytes = 0;
    let secondBytes = 0;
    for (let i = 0; i < SAMPLES.s3Runs; i++) {
      process.env.SMCT_CACHE_DIR = fs.mkdtempSync(path.join(os.tmpdir(), 'smct-bench-cache-'));
      try {
        const run = async (): Promise<number> => {
          const result = await runLocalTraining(loadTrainingJob(jobFile), { s3: () => s3Reader(clients), outputDir: path.join(project, 'output') });
          checkCompleted(result);
          return result.downloads.bytesFetched;
        };
        first.push(await elapsedMsAsync(async () => void (firstBytes = await run())));
        second.push(await elapsedMsAsync(async () => void (secondBytes = await run())));
      } finally {
        fs.rmSync(process.env.SMCT_CACHE_DIR, { recursive: true, force: true });
      }
    }
    const row = {
      name: 'train --local, 100 MB S3 channel: second run vs first',
      median: median(second),
      baseline: median(first),
      target: 'n/a',
      meets: undefined,
    };
    return { row, firstBytes, secondBytes };
  } finally {
    clients.destroy();
    process.env = saved;
    await emulator.close();
    fs.rmSync(project, { recursive: true, force: true });
  }
}

/** Pipe mode's FIFO against reading the same 200 MB from a folder, as milliseconds for the 200 MB. */
async function pipeRow(): Promise<{ row: Row; pipeMBps: number; folderMBps: number }> {
  const { pipeMBps, folderMBps } = await pipeThroughput();
  const ms = (mbps: number): number => (200 / mbps) * 1000;
  return {
    row: { name: 'Pipe mode: 200 MB through the FIFO vs from a folder', median: ms(pipeMBps), baseline: ms(folderMBps), target: 'n/a', meets: undefined },
    pipeMBps,
    folderMBps,
  };
}

/**
 * How long a user waits after the training program's last line before the artifacts are there: from onLog receiving
 * "LAST" to runLocalTraining resolving, for a program that writes 100 MB of random (incompressible) data to
 * /opt/ml/model. This includes the container's exit, the inspect, packing model.tar.gz and output.tar.gz, and clean-up.
 */
async function bigModelRow(): Promise<{ row: Row; tarballMb: number }> {
  const project = trainingProject(BUSYBOX_DOCKERFILE, { train: { content: BIG_MODEL_TRAIN, mode: 0o755 } });
  try {
    dockerBuild(project, BIG_MODEL_IMAGE);
    const jobFile = writeJob(project, { image: BIG_MODEL_IMAGE, baseJobName: 'smct-bench-model' });
    const times: number[] = [];
    let tarballMb = 0;
    for (let i = 0; i < SAMPLES.bigModel; i++) {
      let lastLine: bigint | undefined;
      const onLog = (_host: string, line: string): void => {
        if (line === 'LAST') lastLine = process.hrtime.bigint();
      };
      const result = await runLocalTraining(loadTrainingJob(jobFile), { onLog });
      const end = process.hrtime.bigint();
      checkCompleted(result);
      if (lastLine === undefined) throw new Error('the big-model job never printed LAST');
      times.push(Number(end - lastLine) / 1e6);
      if (!result.artifacts) throw new Error('the big-model job packed no artifacts');
      tarballMb = fs.statSync(result.artifacts.model).size / 1e6;
      // Each run leaves ~100 MB of tarball in the job's output folder; keep only one at a time.
      fs.rmSync(path.join(project, 'output'), { recursive: true, force: true });
    }
    const row = {
      name: `last log line -> tarballs ready, ${BIG_MODEL_MB} MB model`,
      median: median(times),
      baseline: undefined,
      target: '—',
      meets: undefined,
    };
    return { row, tarballMb };
  } finally {
    fs.rmSync(project, { recursive: true, force: true });
  }
}

/**
 * `smct check` on the training example built on the local Python image (no problem found: python3 through its
 * symbolic link, the script, the mounted folders), against the floor of its method: `docker create` and `docker rm`
 * of the same image, with no file read.
 */
async function imageCheckRow(): Promise<Row> {
  const file = exampleCopy('training');
  try {
    const job = loadTrainingJob(file);
    await buildImage(job);
    const times = await sideBySideAsync(
      async () => {
        const result = await checkImage(job.image);
        if (result.problems.length > 0) throw new Error(`smct check found problems in ${job.image}: ${result.problems[0].message}`);
      },
      async () => {
        const container = (await dockerOk(['create', job.image, 'train'])).trim();
        await dockerOk(['rm', container]);
      },
      WARMUP.imageChecks,
      SAMPLES.imageChecks,
    );
    const ours = median(times.a);
    return { name: 'smct check, Python example image vs docker create + rm', median: ours, baseline: median(times.b), target: '< 1000 ms', meets: ours < 1000 };
  } finally {
    fs.rmSync(path.dirname(file), { recursive: true, force: true });
  }
}

function printTable(rows: readonly Row[]): void {
  const header = ['measurement', 'median ms', 'baseline ms', 'ratio', 'target', 'meets target'];
  const cells = rows.map((row) => [
    row.name,
    row.median.toFixed(3),
    row.baseline === undefined ? '-' : row.baseline.toFixed(3),
    row.baseline === undefined ? '-' : (row.median / row.baseline).toFixed(2),
    row.target,
    row.meets === undefined ? 'n/a' : row.meets ? 'yes' : 'no',
  ]);
  const widths = header.map((title, column) => Math.max(title.length, ...cells.map((line) => line[column].length)));
  const pad = (cell: string, column: number): string => (column === 0 ? cell.padEnd(widths[column]) : cell.padStart(widths[column]));
  const format = (line: readonly string[]): string => line.map(pad).join('  ');
  console.log(format(header));
  console.log(widths.map((width) => '-'.repeat(width)).join('  '));
  for (const line of cells) console.log(format(line));
}

/** `--only serving`: the serving rows alone (a few minutes shorter than the whole table). */
async function servingOnly(): Promise<void> {
  const skipped = pythonBaseMissing();
  if (skipped !== undefined) {
    console.log(`serving rows skipped: ${skipped}`);
    return;
  }
  const serving = await servingRows();
  console.log(`smct speed benchmark, serving rows (Node ${process.version}, ${os.platform()} ${os.arch()}); medians, warm-up excluded\n`);
  printTable(serving.rows);
  console.log('');
  serving.notes.forEach((note) => console.log(note));
}

async function main(): Promise<void> {
  if (!fs.existsSync(SMCT)) throw new Error(`${SMCT} not found`);
  const only = process.argv.slice(2);
  if (only.length > 0) {
    if (only.join(' ') !== '--only serving') throw new Error(`unknown arguments ${only.join(' ')}: the only filter is --only serving`);
    return servingOnly();
  }
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'smct-bench-'));
  try {
    for (const [name, file] of Object.entries(TYPICAL_FILES)) {
      const target = path.join(root, name);
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.writeFileSync(target, file.content);
      fs.chmodSync(target, file.mode);
    }
    fs.writeFileSync(path.join(root, 'Dockerfile'), typicalDockerfile());

    const typical = typicalDockerfile();
    const large = largeDockerfile();
    const typicalLines = typical.split('\n').length - 1;
    const typicalRun = analysisRow(`analysis, typical (${typicalLines} lines)`, typical, new MemoryContext(TYPICAL_FILES), WARMUP.typical, SAMPLES.typical);
    const largeRun = analysisRow(`analysis, large (${LARGE_LINES} lines)`, large.text, new MemoryContext(large.files), WARMUP.large, SAMPLES.large);
    const keystrokes = await keystrokeRow(root);
    const cold = coldStartRow(root);
    const aws = await awsCommandRow();
    // The Docker rows run last: they need the engine, and their containers would disturb the timings above.
    const dockerSkipped = dockerMissing();
    const overhead = dockerSkipped === undefined ? await localOverheadRow() : undefined;
    const bigModel = dockerSkipped === undefined ? await bigModelRow() : undefined;
    const s3Channel = dockerSkipped === undefined ? await s3ChannelRow() : undefined;
    const pipe = await pipeRow();
    const pythonSkipped = pythonBaseMissing();
    const imageCheck = pythonSkipped === undefined ? await imageCheckRow() : undefined;
    const serving = pythonSkipped === undefined ? await servingRows() : undefined;

    console.log(`smct speed benchmark (Node ${process.version}, ${os.platform()} ${os.arch()}); medians, warm-up excluded\n`);
    printTable([
      typicalRun.row,
      largeRun.row,
      keystrokes,
      cold.row,
      aws,
      ...(overhead ? [overhead.row] : []),
      ...(bigModel ? [bigModel.row] : []),
      ...(s3Channel ? [s3Channel.row] : []),
      pipe.row,
      ...(imageCheck ? [imageCheck] : []),
      ...(serving ? serving.rows : []),
    ]);
    console.log('');
    console.log(`samples: ${SAMPLES.typical} typical, ${SAMPLES.large} large, ${SAMPLES.keystrokes} keystrokes, ${SAMPLES.coldStarts} cold starts of each`);
    const counts = (run: { findings: number; diagnostics: number }): string => `${run.findings} (dockerfile-utils: ${run.diagnostics})`;
    console.log(`findings: typical ${counts(typicalRun)}, large ${counts(largeRun)}`);
    console.log(`cold start: smct lint ${cold.smct.toFixed(1)} ms, bare node ${cold.node.toFixed(1)} ms, difference ${(cold.smct - cold.node).toFixed(1)} ms`);
    if (dockerSkipped !== undefined) console.log(`smct train --local rows skipped: ${dockerSkipped}`);
    if (pythonSkipped !== undefined) console.log(`smct check and serving rows skipped: ${pythonSkipped}`);
    if (overhead) {
      const added = (overhead.ours - overhead.bare).toFixed(1);
      console.log(
        `train --local: ${SAMPLES.localRuns} runs of each after ${WARMUP.localRuns} warm-ups; smct ${overhead.ours.toFixed(1)} ms, ` +
          `bare docker run ${overhead.bare.toFixed(1)} ms, difference ${added} ms`,
      );
    }
    if (bigModel) console.log(`big model: ${SAMPLES.bigModel} runs, no warm-up; model.tar.gz ${bigModel.tarballMb.toFixed(1)} MB`);
    if (s3Channel) {
      console.log(
        `S3 channel: ${SAMPLES.s3Runs} pairs, each from an empty cache; bytes fetched: first run ${s3Channel.firstBytes}, second run ${s3Channel.secondBytes}`,
      );
    }
    serving?.notes.forEach((note) => console.log(note));
    console.log(`Pipe mode: FIFO ${pipe.pipeMBps.toFixed(0)} MiB/s, folder ${pipe.folderMBps.toFixed(0)} MiB/s (readers in this process)`);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    process.exit(1);
  });
}
