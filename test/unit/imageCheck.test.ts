import assert from 'node:assert/strict';
import * as posix from 'node:path/posix';
import { describe, test } from 'node:test';
import { imageConfigOf, type ImageConfig } from '../../core/src/image/imageConfig';
import { checkImageFiles, imageCheckLines } from '../../core/src/image/imageCheck';
import { parseArchiveHead, resolveLinks, type ImageEntry, type ImageFiles } from '../../core/src/image/imageFiles';

/** An image's files as a map: a string is a file's content (mode 0755 unless given), `{ link }` a symbolic link, `{ dir }` a folder. */
type FakeFile = string | Buffer | { content: string | Buffer; mode: number } | { link: string } | { dir: true; firstFile?: string };

function fakeFiles(tree: Record<string, FakeFile>): ImageFiles {
  // As Docker does for docker cp: the folders on the way are resolved, the last step is not.
  const parentsResolved = (path: string): string => {
    let resolved = '/';
    for (const part of path.split('/').filter(Boolean).slice(0, -1)) {
      resolved = posix.join(resolved, part);
      for (let hop = 0; hop < 8; hop++) {
        const file = tree[resolved];
        if (typeof file !== 'object' || Buffer.isBuffer(file) || !('link' in file)) break;
        resolved = posix.resolve(posix.dirname(resolved), file.link);
      }
    }
    return posix.join(resolved, posix.basename(path));
  };
  const entry = async (path: string): Promise<ImageEntry | undefined> => {
    const file = tree[parentsResolved(path)];
    if (file === undefined) return undefined;
    if (typeof file === 'string' || Buffer.isBuffer(file)) return { path, kind: 'file', mode: 0o755, size: file.length, head: Buffer.from(file) };
    if ('link' in file) return { path, kind: 'symlink', mode: 0o777, size: 0, linkTarget: file.link, head: Buffer.alloc(0) };
    if ('dir' in file) return { path, kind: 'directory', mode: 0o755, size: 0, head: Buffer.alloc(0), firstFile: file.firstFile };
    return { path, kind: 'file', mode: file.mode, size: file.content.length, head: Buffer.from(file.content) };
  };
  return { entry, resolve: (path) => resolveLinks(entry, path) };
}

function config(settings: { entrypoint?: string[]; user?: string; workdir?: string; architecture?: string; path?: string } = {}): ImageConfig {
  return imageConfigOf({
    Architecture: settings.architecture ?? 'amd64',
    Config: {
      Entrypoint: settings.entrypoint ?? null,
      Env: [`PATH=${settings.path ?? '/usr/local/bin:/usr/bin:/bin'}`],
      User: settings.user ?? '',
      WorkingDir: settings.workdir ?? '',
    },
  });
}

const ELF_X86_64 = Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]), Buffer.alloc(10), Buffer.from([0x3e, 0x00]), Buffer.alloc(44)]);
const ELF_ARM64 = Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]), Buffer.alloc(10), Buffer.from([0xb7, 0x00]), Buffer.alloc(44)]);
const BASE: Record<string, FakeFile> = {
  '/bin': { link: 'usr/bin' },
  '/usr/bin/sh': { link: 'dash' },
  '/usr/bin/dash': ELF_X86_64,
  '/usr/bin/env': ELF_X86_64,
};

async function check(tree: Record<string, FakeFile>, settings: Parameters<typeof config>[0] = {}, verb: 'train' | 'serve' = 'train'): Promise<string[]> {
  const result = await checkImageFiles('img', config(settings), fakeFiles({ ...BASE, ...tree }), verb);
  return result.problems.map((problem) => `${problem.severity} ${problem.check}: ${problem.message}`);
}

describe("the image check over an image's files", () => {
  test('train on PATH with a #! line whose interpreter is reached through symbolic links passes', async () => {
    assert.deepEqual(await check({ '/usr/local/bin/train': '#!/bin/sh\necho hi\n' }), []);
  });

  test('tini -- runs train from PATH: both must be there', async () => {
    const entrypoint = ['/usr/bin/tini', '--'];
    assert.deepEqual(await check({ '/usr/bin/tini': ELF_X86_64, '/usr/local/bin/train': '#!/bin/sh\n' }, { entrypoint }), []);
    assert.deepEqual(await check({ '/usr/bin/tini': ELF_X86_64 }, { entrypoint }), [
      'error program-not-found: /usr/bin/tini cannot start "train" (exec train failed: No such file or directory). No folder of the image\'s PATH (/usr/local/bin:/usr/bin:/bin) has it. Put an executable "train" in one of them, or make it the ENTRYPOINT (exec form).',
    ]);
  });

  test("#!/usr/bin/env python3 needs python3 on PATH, in env's words", async () => {
    assert.deepEqual(await check({ '/usr/local/bin/train': '#!/usr/bin/env python3\nprint(1)\n' }), [
      "error interpreter-missing: /usr/local/bin/train: /usr/bin/env: 'python3': No such file or directory. No folder of the image's PATH (/usr/local/bin:/usr/bin:/bin) has it. Put an executable \"python3\" in one of them, or make it the ENTRYPOINT (exec form).",
    ]);
    assert.deepEqual(await check({ '/usr/local/bin/train': '#!/usr/bin/env python3\n', '/usr/bin/python3': ELF_X86_64 }), []);
  });

  test("a CRLF #!/usr/bin/env python line fails in env's words, with the carriage return shown", async () => {
    assert.match(
      (await check({ '/usr/local/bin/train': '#!/usr/bin/env python\r\n' }))[0],
      /^error crlf-shebang: \/usr\/bin\/env: 'python\\r': No such file or directory: /,
    );
  });

  test('a Linux program for arm64 cannot train, and can serve on an arm64 image', async () => {
    assert.match(
      (await check({ '/usr/local/bin/train': ELF_ARM64 }))[0],
      /^error exec-format: exec \/usr\/local\/bin\/train: exec format error: it is a Linux program for arm64 \(aarch64\), and the job runs on amd64\./,
    );
    assert.deepEqual(await check({ '/usr/local/bin/serve': ELF_ARM64 }, { architecture: 'arm64' }, 'serve'), []);
  });

  test('a symbolic link loop is a missing program, not a hang', async () => {
    assert.match(
      (await check({ '/opt/a': { link: '/opt/b' }, '/opt/b': { link: '/opt/a' } }, { entrypoint: ['/opt/a'] }))[0],
      /^error program-not-found: exec: "\/opt\/a": stat \/opt\/a: no such file or directory: the image has no \/opt\/a \(a symbolic link on the way leads to \/opt\/[ab], a loop\)/,
    );
  });

  test('a relative script is found from WORKDIR; python -m has no script to look for', async () => {
    const python = { '/usr/bin/python3': ELF_X86_64 };
    assert.deepEqual(await check({ ...python, '/opt/program/train.py': 'print(1)\n' }, { entrypoint: ['python3', 'train.py'], workdir: '/opt/program' }), []);
    assert.match(
      (await check(python, { entrypoint: ['python3', 'train.py'], workdir: '/app' }))[0],
      /^error script-missing: python3: can't open file '\/app\/train\.py'/,
    );
    assert.deepEqual(await check(python, { entrypoint: ['python3', '-m', 'trainer'] }), []);
  });

  test('a file with no #! line fails only when Docker executes it; env, tini and shells run it with /bin/sh', async () => {
    const noShebang = { '/usr/local/bin/train': 'echo hi\n' };
    assert.match((await check(noShebang))[0], /^error exec-format: exec \/usr\/local\/bin\/train: exec format error/);
    assert.deepEqual(await check(noShebang, { entrypoint: ['/usr/bin/env'] }), []);
  });

  test('a relative link with ".." climbs from the folder it really is in, as the kernel does', async () => {
    const tree = { '/usr/local/tbin': { link: '/opt/tools/real' }, '/opt/tools/real/t2': { link: '../train.sh' }, '/opt/tools/train.sh': '#!/bin/sh\n' };
    assert.deepEqual(await check(tree, { entrypoint: ['/usr/local/tbin/t2'] }), []);
  });

  test('options that take a value are not the script: sh -o errexit x.sh, env -u NAME sh x.sh, env -S "sh -e" x.sh', async () => {
    const script = { '/opt/tools/train.sh': 'set -e\n' };
    assert.deepEqual(await check(script, { entrypoint: ['/bin/sh', '-o', 'errexit', '/opt/tools/train.sh'] }), []);
    assert.deepEqual(await check(script, { entrypoint: ['/usr/bin/env', '-u', 'FOO', 'sh', '/opt/tools/train.sh'] }), []);
    assert.deepEqual(await check(script, { entrypoint: ['/usr/bin/env', '-S', 'sh -e', '/opt/tools/train.sh'] }), []);
  });

  test('bash looks a script name without a slash up on PATH when the working folder has none', async () => {
    const tree = { '/usr/bin/bash': ELF_X86_64, '/usr/local/bin/train': '#!/bin/sh\necho ran\n' };
    assert.deepEqual(await check(tree, { entrypoint: ['/bin/bash'], workdir: '/opt/program' }), []);
  });

  test('a path Docker reports as a symbolic link loop is a loop', async () => {
    const entry = async (path: string): Promise<ImageEntry> => ({ path, kind: 'loop', mode: 0, size: 0, head: Buffer.alloc(0) });
    assert.deepEqual(await resolveLinks(entry, '/loop/x/train'), { found: false, path: '/loop/x/train', reason: 'loop' });
  });

  test("a shell script with CRLF line endings run by sh is the shell's $'\\r' error", async () => {
    assert.match(
      (await check({ '/run.sh': 'echo hi\r\necho there\r\n' }, { entrypoint: ['sh', '/run.sh'] }))[0],
      /^error crlf-script: sh: \/run\.sh: line 2: \$'\\r': command not found/,
    );
  });

  test("a job's ContainerEntrypoint and ContainerArguments replace the ENTRYPOINT and train, as Docker applies them", async () => {
    const files = fakeFiles({ ...BASE, '/usr/bin/python3': ELF_X86_64, '/opt/program/fit.py': 'print(1)\n' });
    const image = config({ entrypoint: ['python3', '/opt/program/missing.py'] });
    const override = await checkImageFiles('img', image, files, 'train', {
      containerEntrypoint: ['python3', '/opt/program/fit.py'],
      containerArguments: ['--epochs', '3'],
    });
    assert.deepEqual(override.argv, ['python3', '/opt/program/fit.py', '--epochs', '3']);
    assert.deepEqual(override.problems, []);
    const argumentsOnly = await checkImageFiles('img', image, files, 'train', { containerArguments: ['--epochs', '3'] });
    assert.deepEqual(argumentsOnly.argv, ['python3', '/opt/program/missing.py', '--epochs', '3']);
    assert.equal(argumentsOnly.problems[0]?.check, 'script-missing');
  });

  test("a shell-form ENTRYPOINT of plain words is followed into its program and script, in the shell's words", async () => {
    const shellForm = (command: string): Parameters<typeof config>[0] => ({ entrypoint: ['/bin/sh', '-c', command] });
    const python = { '/usr/bin/python3': ELF_X86_64 };
    assert.match(
      (await check(python, shellForm('python3 /opt/program/trainer.py')))[0],
      /^error script-missing: python3: can't open file '\/opt\/program\/trainer\.py'/,
    );
    assert.match((await check({}, shellForm('exec python3 /opt/program/train.py')))[0], /^error program-not-found: \/bin\/sh: 1: python3: not found\./);
    assert.deepEqual(await check({ ...python, '/opt/program/train.py': 'print(1)\n' }, shellForm('exec python3 /opt/program/train.py')), []);
    // What only a shell can read is left alone.
    assert.deepEqual(await check({}, shellForm('python3 "$SCRIPT"')), []);
  });

  test('the verdict line names the process and the program found', async () => {
    const result = await checkImageFiles('img', config({ user: 'app' }), fakeFiles({ ...BASE, '/usr/local/bin/train': '#!/bin/sh\n' }), 'train');
    assert.deepEqual(imageCheckLines(result).slice(-1), [
      '1 problem in img (0 errors, 1 warning): SageMaker starts "train" (/usr/local/bin/train), linux/amd64.',
    ]);
  });
});

/** A tar header as Go's archive/tar (Docker) writes it. */
function header(name: string, type: string, size: number, linkname = '', mode = 0o755): Buffer {
  const block = Buffer.alloc(512);
  block.write(name, 0, 100);
  block.write(mode.toString(8).padStart(7, '0'), 100);
  block.write(size.toString(8).padStart(11, '0'), 124);
  block.write(type, 156);
  block.write(linkname, 157, 100);
  block.write('ustar\x0000', 257);
  return block;
}

function padded(data: Buffer): Buffer {
  return Buffer.concat([data, Buffer.alloc((512 - (data.length % 512)) % 512)]);
}

describe('the first entry of a docker cp archive', () => {
  test('a file: its mode and first bytes; more is asked for until they have come', () => {
    const archive = Buffer.concat([header('train', '0', 10, '', 0o644), padded(Buffer.from('#!/bin/sh\n'))]);
    assert.equal(parseArchiveHead(archive.subarray(0, 512), false), 'more');
    const head = parseArchiveHead(archive, false);
    assert.notEqual(head, 'more');
    if (head === 'more') return;
    assert.equal(head.main?.kind, 'file');
    assert.equal(head.main?.mode, 0o644);
    assert.equal(head.main?.head.toString(), '#!/bin/sh\n');
  });

  test('a symbolic link whose target is longer than 100 bytes comes through a PAX record', () => {
    const target = `/opt/${'x'.repeat(150)}/train`;
    const record = (key: string, value: string): string => {
      const body = ` ${key}=${value}\n`;
      let length = body.length + 1;
      while (`${length}${body}`.length !== length) length++;
      return `${length}${body}`;
    };
    const pax = Buffer.from(record('linkpath', target));
    const archive = Buffer.concat([
      header('PaxHeaders/train', 'x', pax.length),
      padded(pax),
      header('train', '2', 0, target.slice(0, 100)),
      Buffer.alloc(1024),
    ]);
    const head = parseArchiveHead(archive, true);
    assert.ok(head !== 'more');
    assert.equal(head.main?.kind, 'symlink');
    assert.equal(head.main?.linkTarget, target);
  });

  test('a folder: the first file inside it, past its subfolders', () => {
    const archive = Buffer.concat([
      header('model/', '5', 0),
      header('model/sub/', '5', 0),
      header('model/sub/weights.bin', '0', 3),
      padded(Buffer.from('abc')),
    ]);
    const head = parseArchiveHead(archive, false);
    assert.ok(head !== 'more');
    assert.equal(head.main?.kind, 'directory');
    assert.equal(head.firstFile, 'sub/weights.bin');
    const empty = parseArchiveHead(Buffer.concat([header('model/', '5', 0), Buffer.alloc(1024)]), true);
    assert.ok(empty !== 'more');
    assert.equal(empty.firstFile, undefined);
  });
});
