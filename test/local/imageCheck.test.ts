import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import { after, describe, test } from 'node:test';
import { checkImage, type ImageCheckResult } from '../../core/src/image/imageCheck';
import { CHECK_LABEL, withImageFiles } from '../../core/src/image/imageFiles';
import { BUSYBOX, BUSYBOX_DOCKERFILE, dockerMissing, PYTHON_BASE, pythonBaseMissing, trainingProject, writeJob } from './dockerFixtures';
import { tempProject } from '../helpers/tempDir';
import { smctSync } from '../helpers/smctProcess';

/** This process's own image names: the containers a check leaves, if any, carry them in their label. */
const PREFIX = `smct-test-check-${randomBytes(4).toString('hex')}`;
const images: string[] = [];

function build(name: string, project: string, platform?: string): string {
  const tag = `${PREFIX}-${name}:latest`;
  const built = spawnSync('docker', ['build', '-q', ...(platform ? ['--platform', platform] : []), '-t', tag, project], { encoding: 'utf8' });
  if (built.status !== 0) throw new Error(`docker build of the test image failed: ${built.stderr}`);
  images.push(tag);
  return tag;
}

const smct = (args: string[], cwd = process.cwd()): ReturnType<typeof smctSync> => smctSync(args, cwd);

/** The containers made to check `image` that are still there (all of them, started or not). */
function checkContainers(image: string): string {
  const listed = spawnSync('docker', ['ps', '--all', '--quiet', '--filter', `label=${CHECK_LABEL}=${image}`], { encoding: 'utf8' });
  if (listed.status !== 0) throw new Error(`docker ps failed: ${listed.stderr}`);
  return listed.stdout.trim();
}

function errorsOf(result: ImageCheckResult): string[] {
  return result.problems.filter((problem) => problem.severity === 'error').map((problem) => `${problem.check}: ${problem.message}`);
}

after(() => {
  if (images.length > 0) spawnSync('docker', ['rmi', '--force', ...images]);
});

const TRAIN = '#!/bin/sh\necho trained\n';

describe('smct check on images FROM scratch with busybox', { skip: dockerMissing() ?? false }, () => {
  test('a good image passes: "train" is found on PATH, and nothing is left behind', async () => {
    const image = build('good', trainingProject(BUSYBOX_DOCKERFILE));
    const result = await checkImage(image);
    assert.deepEqual(result.problems, []);
    assert.equal(result.executable, '/usr/local/bin/train');
    assert.equal(result.platform, 'linux/amd64');
    assert.equal(checkContainers(image), '');
    const printed = smct(['check', image]);
    assert.equal(printed.status, 0, printed.stderr);
    assert.equal(printed.stdout, `No SageMaker problems found in ${image}: SageMaker starts "train" (/usr/local/bin/train), linux/amd64.\n`);
    assert.equal(checkContainers(image), '');
  });

  test('no "train" anywhere: Docker\'s own words, exit code 1, and JSON on request', async () => {
    const image = build(
      'missing',
      tempProject({ Dockerfile: 'FROM scratch\nCOPY busybox /bin/busybox\nENV PATH=/usr/local/bin:/bin\n', busybox: fs.readFileSync(BUSYBOX) }),
    );
    assert.deepEqual(errorsOf(await checkImage(image)), [
      'program-not-found: exec: "train": executable file not found in $PATH. No folder of the image\'s PATH (/usr/local/bin:/bin) has it. Put an executable "train" in one of them, or make it the ENTRYPOINT (exec form).',
    ]);
    const printed = smct(['check', '--format', 'json', image]);
    assert.equal(printed.status, 1, printed.stderr);
    const json = JSON.parse(printed.stdout);
    assert.equal(json.image, image);
    assert.deepEqual(json.argv, ['train']);
    assert.equal(json.problems[0].check, 'program-not-found');
    const text = smct(['check', image]);
    assert.equal(text.status, 1);
    assert.match(text.stdout, new RegExp(`^${image}: error program-not-found exec: "train": executable file not found in \\$PATH\\.`));
    assert.match(text.stdout, /^1 problem in .* \(1 error, 0 warnings\): SageMaker starts "train", linux\/amd64\.$/m);
  });

  test('a "train" without its execute bit is skipped on PATH, and refused when named by path', async () => {
    const onPath = build('noexec', trainingProject(BUSYBOX_DOCKERFILE, { train: { content: TRAIN, mode: 0o644 } }));
    assert.match(
      errorsOf(await checkImage(onPath)).join('\n'),
      /^program-not-found: exec: "train": executable file not found in \$PATH\. \/usr\/local\/bin\/train is in the image but is not an executable file \(mode 0644, no execute bit\)/,
    );
    const byPath = build(
      'noexec-entrypoint',
      trainingProject(`${BUSYBOX_DOCKERFILE}ENTRYPOINT ["/usr/local/bin/train"]\n`, { train: { content: TRAIN, mode: 0o644 } }),
    );
    assert.match(errorsOf(await checkImage(byPath)).join('\n'), /^not-executable: exec: "\/usr\/local\/bin\/train": permission denied: /);
  });

  test('a CRLF #! line fails as the kernel does: no such file or directory', async () => {
    const image = build('crlf', trainingProject(BUSYBOX_DOCKERFILE, { train: { content: '#!/bin/sh\r\necho trained\r\n', mode: 0o755 } }));
    assert.deepEqual(errorsOf(await checkImage(image)), [
      'crlf-shebang: exec /usr/local/bin/train: no such file or directory: the #! line of /usr/local/bin/train ends in a carriage return (Windows CRLF line endings), so the kernel looks for "/bin/sh\\r". Convert the file to LF line endings.',
    ]);
  });

  test('a script without #! line is an exec format error; one whose interpreter is missing is not found', async () => {
    const noShebang = build('noshebang', trainingProject(BUSYBOX_DOCKERFILE, { train: { content: 'echo trained\n', mode: 0o755 } }));
    assert.match(errorsOf(await checkImage(noShebang)).join('\n'), /^exec-format: exec \/usr\/local\/bin\/train: exec format error: /);
    const noInterpreter = build('nointerpreter', trainingProject(BUSYBOX_DOCKERFILE, { train: { content: '#!/bin/bash\necho trained\n', mode: 0o755 } }));
    assert.match(
      errorsOf(await checkImage(noInterpreter)).join('\n'),
      /^interpreter-missing: exec \/usr\/local\/bin\/train: no such file or directory: its #! line names \/bin\/bash, which is not in the image\./,
    );
  });

  test('an arm64 image cannot train (SageMaker training is x86-64), but may serve on Graviton', async () => {
    // No RUN: the engine cannot run arm64 programs here, and needs not: COPY alone makes the image.
    const project = tempProject({
      Dockerfile: 'FROM scratch\nCOPY busybox /bin/sh\nCOPY train /usr/local/bin/train\nCOPY train /usr/local/bin/serve\n',
      busybox: { content: fs.readFileSync(BUSYBOX), mode: 0o755 },
      train: { content: TRAIN, mode: 0o755 },
    });
    const image = build('arm64', project, 'linux/arm64');
    const training = await checkImage(image);
    assert.equal(training.platform, 'linux/arm64');
    assert.deepEqual(errorsOf(training), [
      'platform: The image is for linux/arm64, but SageMaker training instances are x86-64 (linux/amd64): the job fails with "exec format error". Rebuild it with --platform linux/amd64.',
    ]);
    assert.deepEqual(errorsOf(await checkImage(image, { verb: 'serve' })), []);
    assert.equal(smct(['check', '--kind', 'inference', image]).status, 0);
  });

  test('a non-root USER and files under /opt/ml/model are warnings, not errors', async () => {
    const image = build(
      'warnings',
      trainingProject(`${BUSYBOX_DOCKERFILE}COPY train /opt/ml/model/weights.bin\nUSER 1000\n`, { train: { content: TRAIN, mode: 0o755 } }),
    );
    const result = await checkImage(image);
    assert.deepEqual(errorsOf(result), []);
    assert.deepEqual(
      result.problems.map((problem) => problem.check),
      ['not-root', 'hidden-by-mount'],
    );
    assert.match(
      result.problems[1].message,
      /^SageMaker mounts \/opt\/ml\/model when the job runs, which hides what the image has there \(\/opt\/ml\/model\/weights\.bin, maybe more\)/,
    );
    assert.equal(smct(['check', image]).status, 0);
  });

  test('a missing image is one line and exit code 2', () => {
    const printed = smct(['check', `${PREFIX}-never-built:latest`]);
    assert.equal(printed.status, 2);
    assert.equal(printed.stdout, '');
    assert.equal(
      printed.stderr,
      `smct: ${PREFIX}-never-built:latest: no such image on this Docker engine. Build it first (smct build), or name an image that "docker images" lists.\n`,
    );
  });

  test('a name Docker refuses is one line and exit code 2, not an internal error', () => {
    const printed = smct(['check', 'Not:A:Valid:Name']);
    assert.equal(printed.status, 2);
    assert.match(
      printed.stderr,
      /^smct: "Not:A:Valid:Name" is not an image name Docker accepts \(.*invalid reference format.*\)\. Name an image that "docker images" lists\.\n$/,
    );
  });

  test('the container that reads the files is removed when the work fails or is cancelled', async () => {
    const image = build('cleanup', trainingProject(BUSYBOX_DOCKERFILE));
    await assert.rejects(
      withImageFiles(image, async (files) => {
        assert.equal((await files.entry('/bin/busybox'))?.kind, 'file');
        assert.notEqual(checkContainers(image), '', 'the container exists while the files are read');
        throw new Error('boom');
      }),
      /boom/,
    );
    assert.equal(checkContainers(image), '');
    const controller = new AbortController();
    await assert.rejects(
      withImageFiles(
        image,
        (files) => {
          controller.abort();
          return files.entry('/usr/local/bin/train');
        },
        controller.signal,
      ),
      { name: 'AbortError' },
    );
    assert.equal(checkContainers(image), '');
  });

  test('smct build checks the image it built: errors there end it with exit code 1, --force with 0', () => {
    // The Dockerfile is fine for the linter (RUN makes "train"), but the file RUN writes has no #! line.
    const project = trainingProject(`${BUSYBOX_DOCKERFILE}RUN printf 'echo trained\\n' > /usr/local/bin/train && chmod 755 /usr/local/bin/train\n`);
    const image = `${PREFIX}-built:latest`;
    images.push(image);
    writeJob(project, { image });
    const built = smct(['build'], project);
    assert.equal(built.status, 1, built.stderr + built.stdout);
    assert.match(built.stdout, new RegExp(`^Built ${image}\\.$`, 'm'));
    assert.match(built.stdout, new RegExp(`^${image}: error exec-format exec /usr/local/bin/train: exec format error: `, 'm'));
    assert.match(
      built.stderr,
      new RegExp(`^smct: ${image} has an error that will make the job fail when SageMaker starts it\\. .*build anyway with --force\\.$`, 'm'),
    );
    const forced = smct(['build', '--force'], project);
    assert.equal(forced.status, 0, forced.stderr);
    assert.match(forced.stdout, /\(1 error, 0 warnings\): SageMaker starts "train" \(\/usr\/local\/bin\/train\), linux\/amd64\.$/m);
    assert.equal(checkContainers(image), '');
  });
});

describe('smct check on the Debian Python image', { skip: pythonBaseMissing() ?? false }, () => {
  const project = (entrypoint: string): string =>
    tempProject({
      Dockerfile: `FROM ${PYTHON_BASE}\nCOPY train.py /opt/program/train.py\nENTRYPOINT ${entrypoint}\n`,
      'train.py': 'print("trained")\n',
    });

  test('a typo in the script path of ENTRYPOINT ["python3", …] is Python\'s own error', async () => {
    const image = build('python-typo', project('["python3", "/opt/program/trainer.py"]'));
    assert.deepEqual(errorsOf(await checkImage(image)), [
      "script-missing: python3: can't open file '/opt/program/trainer.py': [Errno 2] No such file or directory: the image has no /opt/program/trainer.py. Copy the script there, or fix the path in the ENTRYPOINT.",
    ]);
    assert.equal(checkContainers(image), '');
  });

  test("the right script path passes, python3 found through the image's symbolic links", async () => {
    const image = build('python-good', project('["python3", "/opt/program/train.py"]'));
    const result = await checkImage(image);
    assert.deepEqual(result.problems, []);
    assert.equal(result.executable, '/usr/bin/python3');
    assert.deepEqual(result.argv, ['python3', '/opt/program/train.py', 'train']);
    assert.equal(checkContainers(image), '');
  });
});
