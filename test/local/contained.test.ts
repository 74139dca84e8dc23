import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { before, describe, test } from 'node:test';
import * as tar from 'tar';
import { isSmctError } from '../../core/src/errors';
import { loadTrainingJob } from '../../core/src/job/trainingJob';
import { buildImage } from '../../core/src/local/build';
import { runLocalTraining, type LocalTrainingOptions, type LocalTrainingResult } from '../../core/src/local/localTraining';
import { BUSYBOX_DOCKERFILE, dockerBuild, dockerMissing, leftovers, ownJobPrefix, trainingProject, writeJob } from './dockerFixtures';
import { tempProject } from '../helpers/tempDir';

const missing = dockerMissing();
const IMAGE = 'smct-test-contained:latest';
const SMCT = path.resolve(__dirname, '../../../bin/smct.js');
/** Every job of this file is named from it, so that its checks see its own runs only. */
const JOBS = ownJobPrefix('smct-test-contained');

/**
 * A training program that tries to reach the host through what smct reads after the run: it
 * plants symbolic links to the host path in $TARGET where the "mode" hyperparameter says.
 */
const HOSTILE_TRAIN = `#!/bin/sh
echo "PATH_SEEN=$PATH"
echo "DOCKER_HOST_SEEN=$DOCKER_HOST"
echo "SPACED_SEEN=[$SPACED]"
mode=$(sed -n 's/.*"mode":"\\([a-z-]*\\)".*/\\1/p' /opt/ml/input/config/hyperparameters.json)
echo "model of $(hostname)" > /opt/ml/model/model-$(hostname).txt
case "$mode" in
  failure-link) ln -sf "$TARGET" /opt/ml/output/failure; exit 1 ;;
  data-link) rm -rf /opt/ml/output/data; ln -s "$TARGET" /opt/ml/output/data ;;
  model-links) ln -s "$TARGET" /opt/ml/model/absolute; ln -s model-$(hostname).txt /opt/ml/model/relative ;;
esac
echo DONE
`;

/** A host folder with a file the container must never bring back out. */
function hostSecret(): { folder: string; file: string } {
  const folder = tempProject({ 'secret.txt': 'HOST SECRET\n' });
  return { folder, file: path.join(folder, 'secret.txt') };
}

async function run(
  project: string,
  job: Record<string, unknown>,
  options: LocalTrainingOptions = {},
): Promise<LocalTrainingResult & { logs: string[]; warnings: string[] }> {
  const logs: string[] = [];
  const warnings: string[] = [];
  const result = await runLocalTraining(loadTrainingJob(writeJob(project, { image: IMAGE, baseJobName: JOBS, ...job })), {
    onLog: (host, line) => logs.push(`[${host}] ${line}`),
    onWarning: (message) => warnings.push(message),
    ...options,
  });
  return { ...result, logs, warnings };
}

function archive(file: string): Map<string, { type: string; linkpath?: string; content: string }> {
  const entries = new Map<string, { type: string; linkpath?: string; content: string }>();
  tar.list({
    file,
    sync: true,
    onReadEntry: (entry) => {
      const record = { type: entry.type, linkpath: entry.linkpath, content: '' };
      entries.set(entry.path.replace(/^\.\//, ''), record);
      entry.on('data', (chunk: Buffer) => (record.content += chunk.toString('utf8')));
    },
  });
  return entries;
}

describe('a local run keeps the job inside its container', { skip: missing ?? false }, () => {
  let project: string;

  before(() => {
    project = trainingProject(BUSYBOX_DOCKERFILE, { train: { content: HOSTILE_TRAIN, mode: 0o755 } });
    dockerBuild(project, IMAGE);
  });

  test("the job's environment reaches the container only: a PATH or DOCKER_HOST in it does not steer the host's docker", async () => {
    const marker = path.join(project, 'ran-on-host');
    const tools = path.join(project, 'tools');
    fs.mkdirSync(tools, { recursive: true });
    fs.writeFileSync(path.join(tools, 'docker'), `#!/bin/sh\ntouch ${marker}\nexit 1\n`, { mode: 0o755 });
    const result = await run(project, {
      environment: { PATH: `${tools}:/usr/local/bin:/bin`, DOCKER_HOST: 'unix:///nonexistent/docker.sock', SPACED: '  kept # as is  ' },
    });
    assert.equal(fs.existsSync(marker), false, "the job file's tools/docker ran on the host");
    assert.equal(result.status, 'Completed', result.logs.join('\n'));
    assert.ok(result.logs.includes(`[algo-1] PATH_SEEN=${tools}:/usr/local/bin:/bin`), result.logs.join('\n'));
    assert.ok(result.logs.includes('[algo-1] DOCKER_HOST_SEEN=unix:///nonexistent/docker.sock'));
    assert.ok(result.logs.includes('[algo-1] SPACED_SEEN=[  kept # as is  ]'));
    assert.deepEqual(leftovers(JOBS), { containers: '', networks: '', folders: [] });
  });

  test('an environment value with a line break is refused with the key named (Docker cannot pass it on)', async () => {
    await assert.rejects(run(project, { environment: { MULTI: 'one\ntwo' } }), (error: Error) => {
      assert.ok(isSmctError(error, 'JOB_FILE_INVALID'), String(error));
      assert.match(error.message, /^"environment\.MULTI" in .*sagemaker-job\.json has a line break/);
      return true;
    });
    assert.deepEqual(leftovers(JOBS), { containers: '', networks: '', folders: [] });
  });

  test('a failure file replaced by a link to a host file is not read: the reason is the exit code', async () => {
    const secret = hostSecret();
    const result = await run(project, { hyperparameters: { mode: 'failure-link' }, environment: { TARGET: secret.file } });
    assert.equal(result.status, 'Failed');
    assert.equal(result.failureReason, 'AlgorithmError: , exit code: 1');
  });

  test('links in /opt/ml/model are packed as links (absolute and relative), never as the host files they name', async () => {
    const secret = hostSecret();
    const result = await run(project, { hyperparameters: { mode: 'model-links' }, environment: { TARGET: secret.folder } });
    assert.equal(result.status, 'Completed', result.logs.join('\n'));
    const model = archive(result.artifacts?.model ?? '');
    assert.deepEqual(model.get('absolute'), { type: 'SymbolicLink', linkpath: secret.folder, content: '' });
    assert.deepEqual(model.get('relative'), { type: 'SymbolicLink', linkpath: 'model-algo-1.txt', content: '' });
    assert.ok(![...model.values()].some((entry) => entry.content.includes('HOST SECRET')));
  });

  test('several hosts with absolute and relative links in /opt/ml/model: model.tar.gz keeps them as links, the job Completed', async () => {
    const secret = hostSecret();
    const result = await run(project, { hyperparameters: { mode: 'model-links' }, environment: { TARGET: secret.file }, resources: { instanceCount: 2 } });
    assert.equal(result.status, 'Completed', result.logs.join('\n'));
    assert.deepEqual(result.warnings, []);
    const model = archive(result.artifacts?.model ?? '');
    assert.deepEqual([...model.keys()].sort(), ['absolute', 'model-algo-1.txt', 'model-algo-2.txt', 'relative']);
    assert.deepEqual(model.get('absolute'), { type: 'SymbolicLink', linkpath: secret.file, content: '' });
    // As with files, a later host's link of the same name wins.
    assert.deepEqual(model.get('relative'), { type: 'SymbolicLink', linkpath: 'model-algo-2.txt', content: '' });
  });

  test('/opt/ml/output/data replaced by a link to a host folder: not packed, the job Failed with the reason, the host folders kept', async () => {
    const secret = hostSecret();
    const result = await run(project, { hyperparameters: { mode: 'data-link' }, environment: { TARGET: secret.folder } });
    assert.equal(result.status, 'Failed');
    assert.match(result.failureReason ?? '', /\/opt\/ml\/output\/data is a symbolic link/);
    if (result.artifacts) assert.ok(![...archive(result.artifacts.output).values()].some((entry) => entry.content.includes('HOST SECRET')));
    removeKeptFolder(result.failureReason ?? '');
  });

  test("artifacts that cannot be packed fail the job with the reason, and the hosts' folders are kept and named", async () => {
    const notAFolder = path.join(tempProject({ file: 'x' }), 'file');
    const result = await run(project, { resources: { instanceCount: 2 } }, { outputDir: notAFolder });
    assert.equal(result.status, 'Failed');
    const kept = removeKeptFolder(result.failureReason ?? '', (folder) => {
      assert.equal(fs.readFileSync(path.join(folder, 'algo-2', 'model', 'model-algo-2.txt'), 'utf8'), 'model of algo-2\n');
    });
    assert.match(result.failureReason ?? '', new RegExp(`^Could not pack the artifacts into ${notAFolder}: .*; the hosts' folders are kept in ${kept}`));
  });

  test('an image name that starts with "-" is refused with the key named, before Docker sees it', async () => {
    const job = loadTrainingJob(writeJob(project, { image: '--help', baseJobName: JOBS }));
    const refused = (error: Error): boolean => {
      assert.ok(isSmctError(error, 'JOB_FILE_INVALID'), String(error));
      assert.match(error.message, /^"image" in .*sagemaker-job\.json may not start with "-"$/);
      return true;
    };
    await assert.rejects(runLocalTraining(job), refused);
    await assert.rejects(buildImage(job), refused);
  });

  test('a folder path with ":" (Docker\'s volume separator) is refused with its key named, before Docker sees it', async () => {
    fs.mkdirSync(path.join(project, 'data:rw'), { recursive: true });
    const refused = (key: string) => (error: Error) => {
      assert.ok(isSmctError(error, 'JOB_FILE_INVALID'), String(error));
      assert.match(error.message, new RegExp(`^"${key}" in .*sagemaker-job\\.json may not contain ":"`));
      return true;
    };
    await assert.rejects(run(project, { inputs: { training: 'data:rw' } }), refused('inputs.training'));
    await assert.rejects(
      run(project, { checkpoints: { s3Uri: 's3://bucket/checkpoints', localPath: '/opt/ml/checkpoints:ro' } }),
      refused('checkpoints.localPath'),
    );
  });

  test('build arguments reach the build, their values never on the command line; one named PATH does not steer docker', async () => {
    const real = spawnSync('sh', ['-c', 'command -v docker'], { encoding: 'utf8' }).stdout.trim();
    const spy = tempProject({});
    const argvLog = path.join(spy, 'argv.log');
    fs.writeFileSync(path.join(spy, 'docker'), `#!/bin/sh\nprintf '%s\\n' "$*" >> ${argvLog}\nexec ${real} "$@"\n`, { mode: 0o755 });
    const built = trainingProject(`${BUSYBOX_DOCKERFILE}ARG TOKEN\nARG PATH\nRUN echo "$TOKEN" > /token\n`);
    const job = loadTrainingJob(
      writeJob(built, { image: 'smct-test-contained-args:latest', build: { buildArgs: { TOKEN: 'build-secret-value', PATH: '/usr/local/bin:/bin' } } }),
    );
    const saved = process.env.PATH;
    process.env.PATH = `${spy}:${saved}`;
    try {
      await buildImage(job);
    } finally {
      process.env.PATH = saved;
    }
    assert.doesNotMatch(fs.readFileSync(argvLog, 'utf8'), /build-secret-value/);
    const token = spawnSync('docker', ['run', '--rm', '--entrypoint', '/bin/cat', 'smct-test-contained-args:latest', '/token'], { encoding: 'utf8' });
    assert.equal(token.stdout, 'build-secret-value\n', token.stderr);
  });

  test("a second Ctrl-C quits at once and still removes the run's temporary folder", async () => {
    const stubborn = trainingProject(BUSYBOX_DOCKERFILE);
    dockerBuild(stubborn, 'smct-test-contained-quit:latest');
    const quitJobs = `${JOBS}-quit`;
    writeJob(stubborn, { image: 'smct-test-contained-quit:latest', baseJobName: quitJobs, hyperparameters: { mode: 'ignore' } });
    const child = spawn(process.execPath, [SMCT, 'train', '--local'], { cwd: stubborn, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
      // The first Ctrl-C has been taken: the second one quits.
      if (chunk.includes('Stopping…') && child.pid) process.kill(-child.pid, 'SIGINT');
    });
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      if (chunk.includes('[algo-1] READY') && child.pid) process.kill(-child.pid, 'SIGINT');
    });
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    assert.equal(code, 130, stdout + stderr);
    assert.deepEqual(leftovers(quitJobs), { containers: '', networks: '', folders: [] });
  });
});

/** The folder a failure reason says was kept: checked, then removed (its owner file is gone, so no later run would). */
function removeKeptFolder(reason: string, check?: (folder: string) => void): string {
  const kept = /kept in (\S+?)[.:]?(\s|$)/.exec(reason)?.[1];
  assert.ok(kept, `a kept folder named in: ${reason}`);
  assert.ok(kept.startsWith(os.tmpdir()), kept);
  assert.ok(fs.statSync(kept).isDirectory(), kept);
  check?.(kept);
  fs.rmSync(kept, { recursive: true, force: true });
  return kept;
}
