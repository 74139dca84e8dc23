import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import * as tar from 'tar';
import { AwsClients } from '../../core/src/aws/awsClients';
import { s3Reader } from '../../core/src/aws/s3Reader';
import { loadTrainingJob } from '../../core/src/job/trainingJob';
import { startLocalEndpoint } from '../../core/src/serving/localEndpoint';
import { BUSYBOX_DOCKERFILE, dockerMissing, leftovers, ownJobPrefix, trainingProject, writeJob } from '../local/dockerFixtures';
import { isSmctError } from '../../core/src/errors';
import { startAwsEmulator, type AwsEmulator } from './emulator';

// Local serving of a model in S3 (the emulator's), on the real Docker engine: the archive comes
// through the shared S3 cache and is extracted as SageMaker extracts ModelDataUrl.
const BASE = ownJobPrefix('smct-test-serve-s3');
const IMAGE = `${BASE}:latest`;
const BUCKET = 'smct-serving-models';

/** Prints what it finds of the model (or models), then serves /ping as a static file on 8080. */
const SERVE = `#!/bin/sh
trap 'exit 0' TERM
[ -f /opt/ml/model/prefix.txt ] && echo "PREFIX $(cat /opt/ml/model/prefix.txt)"
for m in /opt/ml/models/*/model/prefix.txt; do [ -f "$m" ] && echo "MME $m $(cat $m)"; done
mkdir -p /www && touch /www/ping
httpd -f -p 8080 -h /www &
wait
`;

async function archive(prefix: string): Promise<Buffer> {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'smct-test-serve-s3-model-'));
  try {
    fs.writeFileSync(path.join(folder, 'prefix.txt'), prefix);
    await tar.create({ gzip: true, file: path.join(folder, 'model.tar.gz'), cwd: folder }, ['prefix.txt']);
    return fs.readFileSync(path.join(folder, 'model.tar.gz'));
  } finally {
    fs.rmSync(folder, { recursive: true, force: true });
  }
}

describe('local serving of a model in S3, against the AWS emulator and the real Docker engine', { skip: dockerMissing() ?? false }, () => {
  let emulator: AwsEmulator;
  let clients: AwsClients;
  let project: string;
  let cache: string;
  let saved: NodeJS.ProcessEnv;

  before(async () => {
    emulator = await startAwsEmulator();
    cache = fs.mkdtempSync(path.join(os.tmpdir(), 'smct-test-serve-s3-cache-'));
    saved = process.env;
    process.env = { ...saved, ...emulator.env, AWS_CONFIG_FILE: '/nonexistent', AWS_SHARED_CREDENTIALS_FILE: '/nonexistent', SMCT_CACHE_DIR: cache };
    clients = new AwsClients({ region: emulator.region });
    emulator.s3.createBucket(BUCKET, emulator.region);
    emulator.s3.putObject(BUCKET, 'single/model.tar.gz', await archive('from-s3'));
    emulator.s3.putObject(BUCKET, 'many/alpha.tar.gz', await archive('a'));
    emulator.s3.putObject(BUCKET, 'many/beta.tar.gz', await archive('b'));
    emulator.s3.putObject(BUCKET, 'many/notes.txt', Buffer.from('not a model'));
    project = trainingProject(`${BUSYBOX_DOCKERFILE}COPY serve /usr/local/bin/serve\n`, { serve: { content: SERVE, mode: 0o755 } });
    const built = spawnSync('docker', ['build', '-q', '-t', IMAGE, '--label', 'com.amazonaws.sagemaker.capabilities.multi-models=true', project], {
      encoding: 'utf8',
    });
    if (built.status !== 0) throw new Error(built.stderr);
  });

  after(async () => {
    spawnSync('docker', ['rmi', '--force', IMAGE]);
    clients?.destroy();
    process.env = saved;
    await emulator?.close();
    fs.rmSync(cache, { recursive: true, force: true });
  });

  async function serve(serving: Record<string, unknown>): Promise<string[]> {
    const job = loadTrainingJob(writeJob(project, { image: IMAGE, baseJobName: BASE, serving }));
    const logs: string[] = [];
    const endpoint = await startLocalEndpoint(job, { port: 0, startupHealthCheckSeconds: 30, s3: () => s3Reader(clients), onLog: (line) => logs.push(line) });
    await endpoint.stop(5);
    return logs;
  }

  test('a model.tar.gz in S3 is fetched into the cache and extracted at /opt/ml/model', async () => {
    const logs = await serve({ model: `s3://${BUCKET}/single/model.tar.gz` });
    assert.ok(logs.includes('PREFIX from-s3'), logs.join('\n'));
    assert.equal(fs.readdirSync(path.join(cache, 'objects')).length, 1);
    assert.deepEqual(leftovers(`serve-${BASE}`), { containers: '', networks: '', folders: [] });
  });

  test('MultiModel: every *.tar.gz under the prefix at /opt/ml/models/<name>/model', async () => {
    const logs = await serve({ model: `s3://${BUCKET}/many/`, mode: 'MultiModel' });
    assert.ok(logs.includes('MME /opt/ml/models/alpha/model/prefix.txt a'), logs.join('\n'));
    assert.ok(logs.includes('MME /opt/ml/models/beta/model/prefix.txt b'), logs.join('\n'));
    assert.equal(
      logs.some((line) => line.includes('notes')),
      false,
    );
    assert.deepEqual(leftovers(`serve-${BASE}`), { containers: '', networks: '', folders: [] });
  });

  test('a missing object: refused before any container starts', async () => {
    const job = loadTrainingJob(writeJob(project, { image: IMAGE, baseJobName: BASE, serving: { model: `s3://${BUCKET}/nothing/model.tar.gz` } }));
    await assert.rejects(startLocalEndpoint(job, { port: 0, s3: () => s3Reader(clients) }), (error: Error) => {
      assert.ok(isSmctError(error), String(error));
      assert.match(error.message, /nothing\/model\.tar\.gz/);
      return true;
    });
    assert.deepEqual(leftovers(`serve-${BASE}`), { containers: '', networks: '', folders: [] });
  });
});
