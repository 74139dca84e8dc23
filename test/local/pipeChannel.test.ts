import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startPipeChannel } from '../../core/src/local/channels/pipeChannel';
import type { ChannelItem } from '../../core/src/local/channels/types';
import { BUSYBOX_DOCKERFILE, dockerBuild, dockerMissing, trainingProject } from './dockerFixtures';

const missing = dockerMissing();
const OWN = `smct-pipe-test-${randomBytes(4).toString('hex')}`;
const IMAGE = `${OWN}:latest`;
const DATA = '/opt/ml/input/data';

function tempFolder(): string {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'smct-pipe-docker-'));
  process.on('exit', () => fs.rmSync(folder, { recursive: true, force: true }));
  return folder;
}

/**
 * `docker run --rm` of the test image, asynchronously: the feeder runs in this process, and a
 * synchronous spawn would stop it while the container waits for it.
 */
function dockerRun(name: string, volumes: string[], script: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const args = ['run', '--rm', '--name', name, ...volumes.flatMap((volume) => ['-v', volume]), IMAGE, 'sh', '-c', script];
  return new Promise((resolve, reject) => {
    const child = spawn('docker', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('Pipe mode against the real Docker engine', { skip: missing ?? false }, () => {
  const containers: string[] = [];
  const container = (): string => {
    containers.push(`${OWN}-${containers.length}`);
    return containers[containers.length - 1];
  };

  before(() => dockerBuild(trainingProject(BUSYBOX_DOCKERFILE), IMAGE));

  after(() => {
    // --rm removes them; these are for a run cut short by a failure.
    for (const name of containers) spawnSync('docker', ['rm', '-f', name], { stdio: 'ignore' });
    spawnSync('docker', ['rmi', '-f', IMAGE], { stdio: 'ignore' });
  });

  test('the container reads train_0, then train_1, each with the whole share; a File-mode channel mounted inside still reads', async () => {
    const folder = tempFolder();
    const share = path.join(folder, 'share');
    fs.mkdirSync(share);
    fs.writeFileSync(path.join(share, 'a.csv'), 'alpha\n');
    const items: ChannelItem[] = [
      { kind: 'file', relative: 'a.csv', file: path.join(share, 'a.csv'), size: 6 },
      { kind: 'record', data: Buffer.from('record\n') },
    ];
    // The layout the runner gives: the FIFOs' folder read-only at /opt/ml/input/data, a File-mode channel's folder
    // read-only inside it, on a mountpoint made beforehand (a read-only parent cannot get one made by Docker).
    const data = path.join(folder, 'data');
    fs.mkdirSync(path.join(data, 'training'), { recursive: true });
    const fileChannel = path.join(folder, 'file-channel');
    fs.mkdirSync(fileChannel);
    fs.writeFileSync(path.join(fileChannel, 'rows.csv'), 'x,y\n');
    const pipe = startPipeChannel({ folder: data, channel: 'train', items, recordWrapper: 'None' });
    try {
      const script = [
        `cat ${DATA}/train_0`,
        'echo --',
        // SageMaker makes the next epoch's FIFO when this one ends; the program waits for it.
        `until [ -p ${DATA}/train_1 ]; do sleep 0.05; done`,
        `cat ${DATA}/train_1`,
        'echo --',
        `cat ${DATA}/training/rows.csv`,
      ].join('\n');
      const result = await dockerRun(container(), [`${data}:${DATA}:ro`, `${fileChannel}:${DATA}/training:ro`], script);
      assert.equal(result.stderr, '');
      assert.equal(result.code, 0);
      assert.equal(result.stdout, 'alpha\nrecord\n--\nalpha\nrecord\n--\nx,y\n');
      assert.equal(pipe.epochs, 2);
    } finally {
      await pipe.stop();
    }
  });

  test('a program that lists the channel as a folder fails in Pipe mode, as on SageMaker: there is no folder', async () => {
    const folder = tempFolder();
    const pipe = startPipeChannel({ folder, channel: 'train', items: [{ kind: 'record', data: Buffer.from('r') }], recordWrapper: 'None' });
    try {
      const result = await dockerRun(container(), [`${folder}:${DATA}:ro`], `ls ${DATA}/train`);
      assert.notEqual(result.code, 0);
      assert.match(result.stderr, /No such file or directory/);
      assert.equal(pipe.epochs, 0);
    } finally {
      await pipe.stop();
    }
  });
});
