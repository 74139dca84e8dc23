/**
 * Starts an AWS emulator from the command line, for manual runs and for a test harness in another
 * process (the VS Code tests): prints its environment as JSON on one line to stdout, then serves
 * until SIGTERM or SIGINT.
 *
 *   node out/test/aws/emulator/main.js [--registry 127.0.0.1:5000 --registry-password-file F]
 *     [--runner scripted|docker] [--no-pull] [--stop-timeout S] [--port N] [--region R]
 *     [--account-id A] [--transition-delay-ms MS]
 */
import * as fs from 'node:fs';
import { dockerRunner, scriptedRunner } from './runners';
import { startAwsEmulator, type EmulatorOptions } from './server';

interface Flags {
  registry?: string;
  registryPasswordFile?: string;
  runner: 'scripted' | 'docker';
  pull: boolean;
  stopTimeout?: number;
  port?: number;
  region?: string;
  accountId?: string;
  transitionDelayMs?: number;
}

const USAGE =
  'usage: main.js [--registry HOST:PORT --registry-password-file FILE] [--runner scripted|docker] [--no-pull] [--stop-timeout SECONDS] ' +
  '[--port N] [--region REGION] [--account-id ID] [--transition-delay-ms MS]';

export function parseFlags(argv: readonly string[]): Flags {
  const flags: Flags = { runner: 'scripted', pull: true };
  const number = (name: string, value: string | undefined): number => {
    if (value === undefined || !/^\d+$/.test(value)) throw new Error(`${name} takes a whole number. ${USAGE}`);
    return Number(value);
  };
  for (let i = 0; i < argv.length; i++) {
    const name = argv[i];
    const value = (): string => {
      const next = argv[++i];
      if (next === undefined) throw new Error(`${name} takes a value. ${USAGE}`);
      return next;
    };
    if (name === '--registry') flags.registry = value();
    else if (name === '--registry-password-file') flags.registryPasswordFile = value();
    else if (name === '--runner') {
      const runner = value();
      if (runner !== 'scripted' && runner !== 'docker') throw new Error(`--runner is scripted or docker, not ${runner}. ${USAGE}`);
      flags.runner = runner;
    } else if (name === '--no-pull') flags.pull = false;
    else if (name === '--stop-timeout') flags.stopTimeout = number(name, value());
    else if (name === '--port') flags.port = number(name, value());
    else if (name === '--region') flags.region = value();
    else if (name === '--account-id') flags.accountId = value();
    else if (name === '--transition-delay-ms') flags.transitionDelayMs = number(name, value());
    else throw new Error(`Unknown option ${name}. ${USAGE}`);
  }
  if ((flags.registry === undefined) !== (flags.registryPasswordFile === undefined)) {
    throw new Error(`--registry and --registry-password-file go together. ${USAGE}`);
  }
  return flags;
}

/** The password comes from a file, never the command line, where other users could read it. */
export function emulatorOptions(flags: Flags): EmulatorOptions {
  const registry =
    flags.registry !== undefined
      ? { endpoint: flags.registry, username: 'AWS', password: fs.readFileSync(flags.registryPasswordFile as string, 'utf8').trim() }
      : undefined;
  return {
    registry,
    runner: flags.runner === 'docker' ? dockerRunner({ pull: flags.pull, stopTimeoutSeconds: flags.stopTimeout }) : scriptedRunner(),
    port: flags.port,
    region: flags.region,
    accountId: flags.accountId,
    transitionDelayMs: flags.transitionDelayMs,
  };
}

async function main(): Promise<void> {
  const emulator = await startAwsEmulator(emulatorOptions(parseFlags(process.argv.slice(2))));
  process.stdout.write(`${JSON.stringify(emulator.env)}\n`);
  process.stderr.write(`AWS emulator on ${emulator.endpoint} (region ${emulator.region}, account ${emulator.accountId}); SIGTERM or Ctrl-C stops it.\n`);
  const stop = (): void => {
    emulator.close().then(
      () => process.exit(0),
      (error: Error) => {
        process.stderr.write(`Could not stop the AWS emulator cleanly: ${error.message}\n`);
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

if (require.main === module) {
  main().catch((error: Error) => {
    process.stderr.write(`${error.message}\n`);
    process.exit(2);
  });
}
