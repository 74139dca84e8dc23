// The serving rows of the speed benchmark, all on the serving test image (test/fixtures/serving, built on the local
// Python base) with a one-file model folder (prefix.txt), so that each row measures smct and not a model's load time:
//  - `smct serve --local` (bin/smct.js, a child process) from its start to "InService" on its output, against a bare
//    `docker run -d -p … -v MODEL:/opt/ml/model:ro IMAGE serve` polled on /ping with node:http until 200 (every 250 ms,
//    smct's own interval, so both see the same steps);
//  - `smct invoke --url` (a child process, small CSV payload) against curl of the same request (or, without curl, a bare
//    `node -e` request, named so), and the in-process invokeLocal against a bare node:http request: process start apart
//    from the request itself;
//  - `smct transform --local` of the serving example's batch file (200 lines, one request per line) against a bare
//    docker run, the same /ping polling and the same 200 requests sent one after the other by a minimal loop.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadTrainingJob } from '../../core/src/job/trainingJob';
import { dockerOk } from '../../core/src/local/docker';
import { invokeLocal } from '../../core/src/serving/invokeLocal';
import { startLocalEndpoint } from '../../core/src/serving/localEndpoint';
import { dockerBuild } from '../local/dockerFixtures';
import type { Row } from './run';
import { elapsedMsAsync, median, sideBySideAsync, sideBySideMeasured } from './stats';

const SMCT = path.resolve(__dirname, '../../../bin/smct.js');
const FIXTURE = path.resolve(__dirname, '../../../test/fixtures/serving');
const BATCH_FILE = path.resolve(__dirname, '../../../examples/serving/batch/inputs.csv');
const SERVING_IMAGE = 'smct-bench-serving:latest';
/** startLocalEndpoint's /ping interval (core/src/serving/localEndpoint.ts), used by the bare baseline too. */
const PING_INTERVAL_MS = 250;
const PAYLOAD = 'hello,world\n';

export const SERVING_SAMPLES = { serveStarts: 10, cliInvokes: 15, requests: 200, transforms: 5 };
export const SERVING_WARMUP = { serveStarts: 2, cliInvokes: 3, requests: 20, transforms: 1 };

export interface ServingRows {
  readonly rows: Row[];
  readonly notes: string[];
}

/** A folder with the job file (the serving image, model "model"), the model, the payload and the transform's input. */
function servingProject(): string {
  const project = fs.mkdtempSync(path.join(os.tmpdir(), 'smct-bench-serving-'));
  fs.mkdirSync(path.join(project, 'model'));
  fs.writeFileSync(path.join(project, 'model', 'prefix.txt'), 'bench:');
  fs.mkdirSync(path.join(project, 'batch'));
  fs.copyFileSync(BATCH_FILE, path.join(project, 'batch', 'inputs.csv'));
  fs.writeFileSync(path.join(project, 'payload.csv'), PAYLOAD);
  const transform = { input: 'batch', output: 'out', contentType: 'text/csv', splitType: 'Line', batchStrategy: 'SingleRecord', assembleWith: 'Line' };
  const job = { image: SERVING_IMAGE, baseJobName: 'smct-bench-serve', serving: { model: 'model', transform } };
  fs.writeFileSync(path.join(project, 'sagemaker-job.json'), JSON.stringify(job, null, 2));
  return project;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(port));
    });
  });
}

/**
 * One HTTP request with node:http alone: its status and body. A connection of its own (agent: false), as smct's
 * localHttp.ts does: over Node 20's keep-alive global agent each answer of the Python server (headers and body written
 * apart) waits ~40 ms for a delayed ACK, which would time TCP and not the code.
 */
function request(url: string, method: 'GET' | 'POST', body?: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const headers = body === undefined ? {} : { 'Content-Type': 'text/csv', 'Content-Length': Buffer.byteLength(body) };
    const sent = http.request(url, { method, headers, agent: false }, (response) => {
      let text = '';
      response.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: text }));
      response.on('error', reject);
    });
    sent.on('error', reject);
    sent.end(body);
  });
}

async function pingUntilHealthy(url: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const status = await request(`${url}/ping`, 'GET').then(
      (answer) => answer.status,
      () => 0,
    );
    if (status === 200) return;
    if (Date.now() > deadline) throw new Error(`${url}/ping never answered 200`);
    await new Promise((resolve) => setTimeout(resolve, PING_INTERVAL_MS));
  }
}

/** The baseline of a serving start: docker run -d of the image with the model mounted, until /ping answers 200. */
async function bareStart(model: string): Promise<{ url: string; container: string }> {
  const port = await freePort();
  const container = `smct-bench-bare-${randomBytes(4).toString('hex')}`;
  await dockerOk(['run', '-d', '--name', container, '-p', `127.0.0.1:${port}:8080`, '-v', `${model}:/opt/ml/model:ro`, SERVING_IMAGE, 'serve']);
  const url = `http://127.0.0.1:${port}`;
  try {
    await pingUntilHealthy(url);
  } catch (error) {
    await dockerOk(['rm', '--force', container]);
    throw error;
  }
  return { url, container };
}

/** Resolves when the child's output so far matches `pattern`; rejects if it ends first. */
function outputMatch(child: ChildProcess, pattern: RegExp): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    let output = '';
    const onData = (chunk: string): void => {
      output += chunk;
      const match = pattern.exec(output);
      if (match) {
        child.stdout?.off('data', onData);
        resolve(match);
      }
    };
    child.stdout?.setEncoding('utf8').on('data', onData);
    child.on('close', (code) => reject(new Error(`smct ended (${code}) before printing ${pattern}:\n${output}`)));
  });
}

function closed(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve(child.exitCode);
    else child.on('close', (code) => resolve(code));
  });
}

/** `smct serve --local` from spawn to "InService"; then Ctrl-C (SIGINT), which stops and removes its container. */
async function smctServeStart(project: string): Promise<number> {
  const start = process.hrtime.bigint();
  const child = spawn(process.execPath, [SMCT, 'serve', '--local', '--port', '0', '--startup-timeout', '1m'], {
    cwd: project,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const end = closed(child);
  try {
    await outputMatch(child, /^InService at http/m);
  } catch (error) {
    throw new Error(`${(error as Error).message}\n${stderr}`);
  }
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  child.kill('SIGINT');
  const code = await end;
  if (code !== 130) throw new Error(`smct serve --local ended with ${code} on Ctrl-C, not 130: ${stderr}`);
  return ms;
}

async function serveStartRow(project: string): Promise<Row> {
  const model = path.join(project, 'model');
  const times = await sideBySideMeasured(
    () => smctServeStart(project),
    async () => {
      let started: { container: string } | undefined;
      const ms = await elapsedMsAsync(async () => void (started = await bareStart(model)));
      if (started) await dockerOk(['rm', '--force', started.container]);
      return ms;
    },
    SERVING_WARMUP.serveStarts,
    SERVING_SAMPLES.serveStarts,
  );
  return {
    name: 'smct serve --local to InService vs docker run + /ping poll',
    median: median(times.a),
    baseline: median(times.b),
    target: 'n/a',
    meets: undefined,
  };
}

/** Runs a program to its end; rejects unless it exits 0 with `expected` in its output. */
function runProgram(command: string, args: readonly string[], expected: string, cwd: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 && output.includes(expected) ? resolve() : reject(new Error(`${command} ${args.join(' ')} exited with ${code}: ${output}`)),
    );
  });
}

/** The baseline of `smct invoke`: curl, or without it a bare `node -e` request (the row's name says which). */
function bareInvoke(url: string, project: string): { name: string; run: () => Promise<void> } {
  const expected = 'bench:HELLO,WORLD';
  if (spawnSync('curl', ['--version']).status === 0) {
    const args = ['-sS', '--fail', '-X', 'POST', '-H', 'Content-Type: text/csv', '--data-binary', '@payload.csv', `${url}/invocations`];
    return { name: 'curl', run: () => runProgram('curl', args, expected, project) };
  }
  const script =
    "const r=require('http').request(process.argv[1],{method:'POST',headers:{'Content-Type':'text/csv'}}," +
    "(a)=>{a.pipe(process.stdout)});r.end(require('fs').readFileSync('payload.csv'))";
  return { name: 'bare node -e request', run: () => runProgram(process.execPath, ['-e', script, `${url}/invocations`], expected, project) };
}

async function invokeRows(project: string): Promise<Row[]> {
  const endpoint = await startLocalEndpoint(loadTrainingJob(path.join(project, 'sagemaker-job.json')), { port: 0, startupHealthCheckSeconds: 60 });
  try {
    const cliArgs = [SMCT, 'invoke', '--url', endpoint.url, '--body', 'payload.csv', '--content-type', 'text/csv'];
    const bare = bareInvoke(endpoint.url, project);
    const cli = await sideBySideAsync(
      () => runProgram(process.execPath, cliArgs, 'bench:HELLO,WORLD', project),
      bare.run,
      SERVING_WARMUP.cliInvokes,
      SERVING_SAMPLES.cliInvokes,
    );
    const body = Buffer.from(PAYLOAD);
    const inProcess = await sideBySideAsync(
      async () => {
        const answer = await invokeLocal(endpoint.url, { body, contentType: 'text/csv' });
        if (answer.status !== 200) throw new Error(`invokeLocal got ${answer.status}`);
      },
      async () => {
        const answer = await request(`${endpoint.url}/invocations`, 'POST', PAYLOAD);
        if (answer.status !== 200) throw new Error(`the bare request got ${answer.status}`);
      },
      SERVING_WARMUP.requests,
      SERVING_SAMPLES.requests,
    );
    return [
      { name: `smct invoke --url (CLI) vs ${bare.name}`, median: median(cli.a), baseline: median(cli.b), target: 'n/a', meets: undefined },
      { name: 'invokeLocal (in process) vs bare node:http POST', median: median(inProcess.a), baseline: median(inProcess.b), target: 'n/a', meets: undefined },
    ];
  } finally {
    await endpoint.stop(5);
  }
}

/** The batch file's lines sent one at a time by a minimal loop, to a bare container; the answers written as one file. */
async function bareTransform(project: string, lines: readonly string[]): Promise<void> {
  const { url, container } = await bareStart(path.join(project, 'model'));
  try {
    const answers: string[] = [];
    for (const line of lines) {
      const answer = await request(`${url}/invocations`, 'POST', line);
      if (answer.status !== 200) throw new Error(`the bare transform's request got ${answer.status}`);
      answers.push(answer.body);
    }
    fs.writeFileSync(path.join(project, 'bare-out.csv'), answers.join('\n') + '\n');
  } finally {
    await dockerOk(['rm', '--force', container]);
  }
}

async function transformRow(project: string): Promise<Row> {
  const lines = fs.readFileSync(BATCH_FILE, 'utf8').split('\n').filter(Boolean);
  const times = await sideBySideAsync(
    async () => {
      await runProgram(process.execPath, [SMCT, 'transform', '--local'], 'Transform completed', project);
      const output = fs
        .readFileSync(path.join(project, 'out', 'inputs.csv.out'), 'utf8')
        .split('\n')
        .filter(Boolean);
      if (output.length !== lines.length) throw new Error(`smct transform --local wrote ${output.length} lines, not ${lines.length}`);
      fs.rmSync(path.join(project, 'out'), { recursive: true, force: true });
    },
    () => bareTransform(project, lines),
    SERVING_WARMUP.transforms,
    SERVING_SAMPLES.transforms,
  );
  return {
    name: `smct transform --local (${lines.length} lines) vs docker run + loop`,
    median: median(times.a),
    baseline: median(times.b),
    target: 'n/a',
    meets: undefined,
  };
}

/** The serving rows; the caller checks that Docker and the local Python base image are there. */
export async function servingRows(): Promise<ServingRows> {
  const project = servingProject();
  try {
    dockerBuild(FIXTURE, SERVING_IMAGE);
    const start = await serveStartRow(project);
    const invoke = await invokeRows(project);
    const transform = await transformRow(project);
    const notes = [
      `serving: ${SERVING_SAMPLES.serveStarts} starts of each after ${SERVING_WARMUP.serveStarts} warm-ups (image ${SERVING_IMAGE}, test/fixtures/serving, ` +
        `model: one prefix.txt; bare /ping polled every ${PING_INTERVAL_MS} ms as smct does); ${SERVING_SAMPLES.cliInvokes} CLI invokes, ` +
        `${SERVING_SAMPLES.requests} in-process requests, ${SERVING_SAMPLES.transforms} transforms of each (payload ${Buffer.byteLength(PAYLOAD)} bytes)`,
    ];
    return { rows: [start, ...invoke, transform], notes };
  } finally {
    fs.rmSync(project, { recursive: true, force: true });
  }
}
