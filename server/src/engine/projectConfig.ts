import * as fs from 'node:fs';
import * as path from 'node:path';
import Ajv, { type ValidateFunction } from 'ajv';
import schema from '../../../schemas/smct.schema.json';
import type { LintSettings } from './settings';
import { describeSchemaError } from './schemaErrors';

/** The project config file that `smct` and the editor both read. */
export const CONFIG_FILE_NAME = '.smct.json';

export interface ProjectConfig extends LintSettings {
  /** The build context, relative to the config file's folder. */
  readonly context?: string;
}

export interface LoadedConfig {
  readonly file: string;
  readonly config: ProjectConfig;
}

/** A config file that cannot be used; the message names the file and the key. */
export class ConfigError extends Error {}

// Compiled on first use, so a run without a config file never pays for it.
let validate: ValidateFunction<ProjectConfig> | undefined;

/** The nearest `.smct.json` in the Dockerfile's folder or above it, or undefined when there is none. */
export function findProjectConfig(startDirectory: string): string | undefined {
  let directory = path.resolve(startDirectory);
  for (;;) {
    const candidate = path.join(directory, CONFIG_FILE_NAME);
    if (fs.existsSync(candidate)) return candidate;
    const parent = path.dirname(directory);
    if (parent === directory) return undefined;
    directory = parent;
  }
}

export function loadProjectConfig(file: string): LoadedConfig {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigError(`Cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}.`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`${file} is not valid JSON: ${(error as Error).message}.`);
  }
  validate ??= new Ajv({ allErrors: true, allowUnionTypes: true }).compile<ProjectConfig>(schema);
  if (!validate(parsed)) throw new ConfigError(describeSchemaError(file, validate.errors));
  return { file, config: parsed };
}
