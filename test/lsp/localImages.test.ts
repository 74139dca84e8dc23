import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, beforeEach, describe, test } from 'node:test';
import type { PublishDiagnosticsParams } from 'vscode-languageserver-protocol';
import { LocalImageCache } from '../../server/src/features/localImages';
import { TestClient } from '../helpers/lspClient';
import { tempProject } from '../helpers/tempDir';

// The language server reads base images with `docker image inspect`. A fake `docker` first on this
// test process's PATH (the server runs in process) stands for the engine, so no Docker is needed:
// an image is "on this machine" when images/<reference> holds its inspect output; "stopped" makes
// the daemon unreachable. Every call is recorded.
const fake = tempProject({ 'images/.keep': '' });
const CALLS = path.join(fake, 'calls');
fs.writeFileSync(
  path.join(fake, 'docker'),
  `#!/bin/sh
printf '%s\\n' "$*" >> '${CALLS}'
if [ -f '${fake}/stopped' ]; then echo "Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?" >&2; exit 1; fi
if [ -f "${fake}/images/$6" ]; then cat "${fake}/images/$6"; exit 0; fi
echo "Error response from daemon: no such image: $6: No such image: $6" >&2
exit 1
`,
  { mode: 0o755 },
);
process.env.PATH = `${fake}${path.delimiter}${process.env.PATH ?? ''}`;

const INSPECTED = { Os: 'linux', Architecture: 'amd64', Config: { Entrypoint: ['/usr/local/bin/entry'], Env: ['PATH=/opt/tools/bin:/bin'] } };

function build(reference: string): void {
  fs.writeFileSync(path.join(fake, 'images', reference), JSON.stringify(INSPECTED));
}

function callsFor(reference: string): string[] {
  const calls = fs.existsSync(CALLS) ? fs.readFileSync(CALLS, 'utf8').split('\n') : [];
  return calls.filter((call) => call === `image inspect --format {{json .}} -- ${reference}`);
}

async function until(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Nothing to poll for an absence: give a read that should not happen the time one takes (a few ms) many times over. */
function settle(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 500));
}

/** Accepts the n-th publication for this version: a re-publication of the same text means new facts. */
function publication(n: number, version = 1): (diagnostics: unknown, params: PublishDiagnosticsParams) => boolean {
  let seen = 0;
  return (_diagnostics, params) => params.version === version && ++seen === n;
}

describe('the language server and the base images on this machine', () => {
  let client: TestClient;
  let root: string;
  let counter = 0;
  /** A Dockerfile on a base of its own, so that tests do not share the server's cache. */
  let reference: string;
  let uri: string;

  before(async () => {
    root = tempProject({});
    client = TestClient.inProcess();
    await client.initialize(root, { debounceMs: 0, readLocalImages: true });
  });
  after(() => client.shutdown());
  beforeEach(() => {
    counter++;
    reference = `smct-fake-base-${counter}:1`;
    uri = `file://${path.join(root, `Dockerfile.${counter}`)}`;
    client.settings = {};
  });

  test('a base image on this machine is read once in the background, and the diagnostics are published again', async () => {
    build(reference);
    await client.open(uri, `FROM ${reference}\nCMD ["python", "train.py"]\n`);
    await client.diagnostics(uri, publication(2));
    assert.equal(callsFor(reference).length, 1);
    // The analysis has what docker answered.
    const hover = await client.connection.sendRequest<{ contents: { value: string } } | null>('textDocument/hover', {
      textDocument: { uri },
      position: { line: 0, character: 7 },
    });
    assert.match(hover?.contents.value ?? '', /\/usr\/local\/bin\/entry/);
    assert.match(hover?.contents.value ?? '', new RegExp(`Read from the image \`${reference}\` in the local Docker engine`));
    // Edits on the same base answer from memory.
    await client.change(uri, `FROM ${reference}\nCMD ["python", "train2.py"]\n`, 2);
    await client.change(uri, `FROM ${reference}\nCMD ["python", "train3.py"]\n`, 3);
    await client.diagnostics(uri, (_diagnostics, params) => params.version === 3);
    await settle();
    assert.equal(callsFor(reference).length, 1);
  });

  test('a base image that is not there is asked once, and nothing is published again', async () => {
    await client.open(uri, `FROM ${reference}\nCMD ["python", "train.py"]\n`);
    await until(() => callsFor(reference).length === 1, 'the inspect');
    await settle();
    assert.equal(client.publishedFor(uri).length, 1);
  });

  test('saving reads the base again: an image built since is noticed', async () => {
    await client.open(uri, `FROM ${reference}\nCMD ["python", "train.py"]\n`);
    await until(() => callsFor(reference).length === 1, 'the first inspect');
    build(reference);
    await client.save(uri);
    await client.diagnostics(uri, publication(2));
    assert.equal(callsFor(reference).length, 2);
  });

  test('the readLocalImages setting off: no docker; on again: read', async () => {
    build(reference);
    client.settings = { readLocalImages: false };
    await client.open(uri, `FROM ${reference}\n`);
    await client.diagnostics(uri);
    await settle();
    assert.equal(callsFor(reference).length, 0);
    client.settings = {};
    await client.connection.sendNotification('workspace/didChangeConfiguration', { settings: {} });
    await until(() => callsFor(reference).length === 1, 'the inspect once the setting is on');
  });

  test('scratch and a base named by a build argument are never asked', async () => {
    await client.open(uri, 'FROM scratch\nCOPY train /train\n');
    await client.open(`${uri}.arg`, 'ARG BASE\nFROM $BASE\n');
    await client.diagnostics(`${uri}.arg`);
    await settle();
    assert.equal(callsFor('scratch').length + callsFor('$BASE').length, 0);
  });
});

describe('an untrusted workspace runs no docker until it is trusted', () => {
  test('the base is read once the workspace is trusted', async () => {
    const root = tempProject({});
    const client = TestClient.inProcess();
    try {
      await client.initialize(root, { debounceMs: 0, readLocalImages: true, trusted: false });
      const reference = 'smct-fake-untrusted:1';
      build(reference);
      const uri = `file://${path.join(root, 'Dockerfile')}`;
      await client.open(uri, `FROM ${reference}\n`);
      await client.diagnostics(uri);
      await settle();
      assert.equal(callsFor(reference).length, 0);
      await client.connection.sendNotification('sagemakerContainerTools/workspaceTrusted');
      await until(() => callsFor(reference).length === 1, 'the inspect once trusted');
      // The answer republishes the diagnostics: let that end before the connection is closed.
      await settle();
    } finally {
      await client.shutdown();
    }
  });
});

describe('the cache of local images', () => {
  test('answers the configuration docker gave, and says once when the engine cannot be asked', async () => {
    const changed: string[] = [];
    const logs: string[] = [];
    const cache = new LocalImageCache((reference) => changed.push(reference), { debounceMs: 0, log: (line) => logs.push(line) });
    build('smct-fake-cache:1');
    cache.want('smct-fake-cache:1');
    await until(() => changed.length === 1, 'the answer');
    assert.deepEqual(cache.lookup('smct-fake-cache:1')?.entrypoint, ['/usr/local/bin/entry']);
    assert.deepEqual(cache.lookup('smct-fake-cache:1')?.path, ['/opt/tools/bin', '/bin']);

    fs.writeFileSync(path.join(fake, 'stopped'), '');
    try {
      cache.want('smct-fake-stopped:1');
      await until(() => logs.length === 1, 'the log line');
      assert.match(logs[0], /Docker daemon is not running/);
      // While the engine cannot be asked, wanting images runs no docker.
      cache.want('smct-fake-stopped:2');
      await settle();
      assert.equal(callsFor('smct-fake-stopped:2').length, 0);
      assert.equal(logs.length, 1);
    } finally {
      fs.rmSync(path.join(fake, 'stopped'));
      cache.dispose();
    }
  });

  test('an answer older than its age is read again', async () => {
    const changed: string[] = [];
    const cache = new LocalImageCache((reference) => changed.push(reference), { debounceMs: 0, maxAgeMs: 0, log: () => undefined });
    try {
      cache.want('smct-fake-aged:1');
      await until(() => callsFor('smct-fake-aged:1').length === 1, 'the first inspect');
      assert.equal(changed.length, 0);
      build('smct-fake-aged:1');
      // Each want once the last read has ended reads again (a want during a read is that read).
      await until(() => {
        cache.want('smct-fake-aged:1');
        return changed.length === 1;
      }, 'the image built since');
      assert.deepEqual(changed, ['smct-fake-aged:1']);
    } finally {
      cache.dispose();
    }
  });
});
