import * as fs from 'node:fs';
import * as path from 'node:path';
import schema from '../../../schemas/smct.schema.json';
import type { LintSettings } from './settings';
import { SchemaFile } from './jsonFile';
import { SmctError } from '../errors';

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

const configFile = new SchemaFile<ProjectConfig>(schema, (message) => new SmctError('CONFIG_INVALID', message));

export function loadProjectConfig(file: string): LoadedConfig {
  return { file, config: configFile.load(file) };
}
