import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { startAwsEmulator, type AwsEmulator, type Fault } from '../aws/emulator/index';
import { dockerRunner, scriptedRunner } from '../aws/emulator/runners';
import type { TrainingRunner } from '../aws/emulator/training';
import { registryMissing, startRegistry, type Registry } from '../helpers/registry';

/**
 * The AWS emulator for the VS Code suites, which run in code-server's extension host (another
 * process): its environment goes into code-server's, and a small control server on 127.0.0.1 lets
 * the suite expire the credentials or inject a fault (SMCT_AWS_EMULATOR_CONTROL).
 *
 * Each job's life is scripted by its hyperparameter `smct_scenario`: `complete` (a model.txt in the
 * model), `fail`, or `until-stopped`; `smct_delay_ms` is the pause after each line, `smct_epochs` the
 * number of epoch lines (default 3, with the losses 0.90, 0.45, 0.21). A job without `smct_scenario`
 * runs its image for real (pulled from the registry, through the local runner).
 */
export interface EmulatorForCodeServer {
  readonly emulator: AwsEmulator;
  /** For code-server's process: the emulator's environment, the control URL, and AWS config files of the test's own. */
  readonly env: Record<string, string>;
  /** User settings that point the extension at the emulator's region. */
  readonly settings: Record<string, unknown>;
  close(): Promise<void>;
}

export const CONTROL_ENV = 'SMCT_AWS_EMULATOR_CONTROL';

/** Profiles for the profile picker: none of them has credentials, so choosing one fails as an expired SSO login does. */
const AWS_CONFIG = `[profile dev-sso]
sso_session = corp
sso_account_id = 123456789012
sso_role_name = MLEngineer
region = eu-west-1

[sso-session corp]
sso_start_url = https://example.awsapps.com/start
sso_region = eu-west-1

[profile research]
role_arn = arn:aws:iam::123456789012:role/Research
source_profile = dev-sso
region = us-west-2
`;

export function scenarioRunner(): TrainingRunner {
  const real = dockerRunner({ stopTimeoutSeconds: 5 });
  return (job, context) => {
    const parameters = job.request.HyperParameters ?? {};
    // A job that names no scenario (the examples) runs its image for real, pulled from the registry.
    if (parameters.smct_scenario === undefined) return real(job, context);
    const delayMs = Number(parameters.smct_delay_ms ?? 50);
    const scenario = parameters.smct_scenario ?? 'complete';
    const epochs = parameters.smct_epochs === undefined ? undefined : Number(parameters.smct_epochs);
    const losses = epochs === undefined ? ['0.90', '0.45', '0.21'] : Array.from({ length: epochs }, (_, index) => (0.9 / (index + 1)).toFixed(3));
    const lines = (host: string): string[] => [
      `${host}: starting training`,
      ...losses.map((loss, index) => `epoch ${index + 1}: loss=${loss}`),
      'training finished',
    ];
    if (scenario === 'fail') return scriptedRunner({ lines, delayMs, failureReason: 'AlgorithmError: scripted failure, exit code 1' })(job, context);
    if (scenario === 'until-stopped') return scriptedRunner({ lines, delayMs, untilStopped: true })(job, context);
    return scriptedRunner({ lines, delayMs, modelFiles: { 'model.txt': `weights of ${job.name}\n` } })(job, context);
  };
}

/** With `registry`, a real registry stands in for ECR's (when Docker and docker-registry are here), so that images can be pushed. */
export async function startEmulatorForCodeServer(options: { registry?: boolean } = {}): Promise<EmulatorForCodeServer> {
  const registry: Registry | undefined = options.registry && registryMissing() === undefined ? await startRegistry() : undefined;
  let emulator: AwsEmulator;
  try {
    emulator = await startAwsEmulator({ runner: scenarioRunner(), transitionDelayMs: 50, registry });
  } catch (error) {
    await registry?.close();
    throw error;
  }
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'smct-aws-config-'));
  fs.writeFileSync(path.join(folder, 'config'), AWS_CONFIG);
  fs.writeFileSync(path.join(folder, 'credentials'), '');
  const control = http.createServer((request, response) => void handle(emulator, registry, request, response));
  await new Promise<void>((resolve) => control.listen(0, '127.0.0.1', resolve));
  const controlUrl = `http://127.0.0.1:${(control.address() as AddressInfo).port}`;
  return {
    emulator,
    env: {
      ...emulator.env,
      [CONTROL_ENV]: controlUrl,
      AWS_CONFIG_FILE: path.join(folder, 'config'),
      AWS_SHARED_CREDENTIALS_FILE: path.join(folder, 'credentials'),
    },
    settings: { 'sagemakerContainerTools.aws.region': emulator.region },
    close: async () => {
      await new Promise<void>((resolve) => {
        control.close(() => resolve());
        control.closeAllConnections();
      });
      await emulator.close();
      await registry?.close();
      fs.rmSync(folder, { recursive: true, force: true });
    },
  };
}

/** POST /expire-credentials {"expired": true}, POST /fail-next {Fault}, GET /requests, GET /info. */
async function handle(emulator: AwsEmulator, registry: Registry | undefined, request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
  let body = '';
  for await (const chunk of request) body += String(chunk);
  const reply = (status: number, value: unknown): void => {
    response.writeHead(status, { 'content-type': 'application/json' });
    response.end(JSON.stringify(value));
  };
  try {
    if (request.method === 'POST' && request.url === '/expire-credentials') {
      emulator.expireCredentials((JSON.parse(body) as { expired: boolean }).expired);
      reply(200, {});
    } else if (request.method === 'POST' && request.url === '/fail-next') {
      emulator.failNext(JSON.parse(body) as Fault);
      reply(200, {});
    } else if (request.method === 'GET' && request.url === '/requests') {
      reply(
        200,
        emulator.requests.map(({ service, operation, valid, issues, errorCode, input }) => ({
          service,
          operation,
          valid,
          issues,
          errorCode,
          ...(operation === 'CreateTrainingJob' ? { input } : {}),
        })),
      );
    } else if (request.method === 'GET' && request.url === '/info') {
      reply(200, { region: emulator.region, accountId: emulator.accountId, registry: registry?.endpoint ?? null });
    } else {
      reply(404, { error: `no ${request.method} ${request.url}` });
    }
  } catch (error) {
    reply(400, { error: (error as Error).message });
  }
}
