import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { cleanUpLeftovers } from '../../core/src/local/leftovers';
import { BUSYBOX_DOCKERFILE, dockerMissing, leftovers, ownJobPrefix, trainingProject, writeJob } from './dockerFixtures';
import { smctSync, startSmct, waitForOutput as waitFor } from '../helpers/smctProcess';

const BASE = ownJobPrefix('smct-test-serve-cli');
const IMAGE = `${BASE}:latest`;

/** Serves /ping as a static file on 8080 (busybox httpd answers GET of a file with 200) and prints GOT SIGTERM when stopped. */
const SERVE = `#!/bin/sh
trap 'echo "GOT SIGTERM"; exit 0' TERM
mkdir -p /www && touch /www/ping
echo "MODEL $(ls /opt/ml/model)"
httpd -f -p 8080 -h /www &
wait
`;

function status(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    http
      .get(url, (response) => {
        response.resume();
        resolve(response.statusCode ?? 0);
      })
      .on('error', reject);
  });
}

describe('smct serve --local as a child process', { skip: dockerMissing() ?? false }, () => {
  let project: string;

  before(() => {
    project = trainingProject(`${BUSYBOX_DOCKERFILE}COPY serve /usr/local/bin/serve\n`, { serve: { content: SERVE, mode: 0o755 }, 'model/weights.bin': 'w' });
    const built = spawnSync('docker', ['build', '-q', '-t', IMAGE, project], { encoding: 'utf8' });
    if (built.status !== 0) throw new Error(built.stderr);
    writeJob(project, { image: IMAGE, baseJobName: BASE, serving: { model: 'model' } });
  });

  after(() => {
    spawnSync('docker', ['rmi', '--force', IMAGE]);
  });

  test('InService on a free port; Ctrl-C stops it with SIGTERM and exits 130, nothing left', async () => {
    const running = startSmct(['serve', '--local', '--port', '0', '--startup-timeout', '1m'], { cwd: project, env: process.env });
    const match = await waitFor(() => running.stdout, /InService at (http:\/\/127\.0\.0\.1:\d+) — Ctrl-C stops it/, running.done);
    assert.equal(await status(`${match[1]}/ping`), 200);
    assert.match(running.stdout, /^\[serve\] MODEL weights\.bin$/m);
    running.child.kill('SIGINT');
    const done = await running.done;
    assert.equal(done.code, 130, done.stderr);
    assert.match(done.stdout, /^\[serve\] GOT SIGTERM$/m);
    assert.match(done.stdout, /^Stopped\.$/m);
    assert.deepEqual(leftovers(`serve-${BASE}`), { containers: '', networks: '', folders: [] });
  });

  test('smct killed at once (SIGKILL): its container and folder are swept by the next run as leftovers', async () => {
    const running = startSmct(['serve', '--local', '--port', '0', '--startup-timeout', '1m'], { cwd: project, env: process.env });
    await waitFor(() => running.stdout, /InService at http/, running.done);
    const pid = running.child.pid;
    running.child.kill('SIGKILL');
    await running.done;
    const own = spawnSync('docker', ['ps', '--quiet', '--filter', `label=smct.pid=${pid}`, '--filter', `label=smct.job=serve-${BASE}`], { encoding: 'utf8' });
    assert.notEqual(own.stdout.trim(), '', 'the killed run should have left its container running');
    assert.notDeepEqual(leftovers(`serve-${BASE}`).folders, []);
    await cleanUpLeftovers();
    assert.deepEqual(leftovers(`serve-${BASE}`), { containers: '', networks: '', folders: [] });
  });

  test('unreadable flags and a missing image: one line each, exit 2', () => {
    const cases: [string[], RegExp][] = [
      [['serve'], /^smct: smct serve runs the model locally: add --local\.\n$/],
      [['serve', '--local', '--port', 'abc'], /^smct: --port must be a port number from 0 to 65535\.\n$/],
      [['serve', '--local', '--startup-timeout', '5x'], /^smct: --startup-timeout must be a duration such as 90s/],
      [['serve', '--local', '--job', 'other.json'], /^smct: The serving image .* is not on this machine: build it first \(smct build\)\.\n$/],
    ];
    fs.writeFileSync(path.join(project, 'other.json'), JSON.stringify({ image: `${BASE}-absent:latest`, baseJobName: BASE }));
    for (const [args, expected] of cases) {
      const result = smctSync(args, project);
      assert.equal(result.status, 2, `${args.join(' ')}: ${result.stderr}`);
      assert.match(result.stderr, expected);
    }
  });
});
