import * as path from 'node:path';
import { URI } from 'vscode-uri';
import type { Connection } from 'vscode-languageserver';
import {
  findProjectConfig,
  loadProjectConfig,
  mergeSettings,
  type KindSetting,
  type LintSettings,
  type LoadedConfig,
  type SeveritySetting,
} from '../../../core/src';

/** The editor settings of the extension (`sagemakerContainerTools.*`). */
export interface EditorSettings {
  readonly rules?: Record<string, SeveritySetting>;
  readonly kind?: KindSetting;
  readonly target?: string;
  /** Build context folder; relative paths are taken from the workspace folder. */
  readonly contextFolder?: string;
  /** Read base images already on this machine with `docker image inspect` (never a pull); true by default. */
  readonly readLocalImages?: boolean;
}

export const SETTINGS_SECTION = 'sagemakerContainerTools';

export interface ResolvedSettings {
  readonly lint: LintSettings;
  /** Absolute build context folder. */
  readonly context: string;
  readonly configFile: string | undefined;
  /** A config file that could not be used, to report once in the log. */
  readonly configError: string | undefined;
  /** Whether base images may be read from the local engine: running docker runs a program, so only in a trusted workspace. */
  readonly readLocalImages: boolean;
}

/**
 * Settings for one Dockerfile: defaults, then the project's `.smct.json`, then what the user set
 * in the editor. Editor settings are pulled with `workspace/configuration` and cached per
 * document until the configuration changes.
 */
export class DocumentSettings {
  private readonly cache = new Map<string, Promise<EditorSettings>>();
  /** The project config found for each folder, read once until a config file or the settings change. */
  private readonly configs = new Map<string, { loaded?: LoadedConfig; file?: string; error?: string }>();
  private workspaceFolders: string[] = [];

  /**
   * @param trusted false in an untrusted (Restricted Mode) workspace: a `.smct.json` there could
   * point the build context anywhere on disk, as the restricted `contextFolder` setting could.
   */
  constructor(
    private readonly connection: Connection,
    private readonly supportsConfiguration: boolean,
    private trusted = true,
  ) {}

  /** The user trusted the workspace: `.smct.json`'s context applies from now on. */
  trust(): void {
    this.trusted = true;
    this.clear();
  }

  setWorkspaceFolders(folders: readonly { uri: string }[] | null | undefined): void {
    this.workspaceFolders = (folders ?? []).map((folder) => URI.parse(folder.uri).fsPath);
  }

  clear(uri?: string): void {
    if (uri) {
      this.cache.delete(uri);
    } else {
      this.cache.clear();
      this.configs.clear();
    }
  }

  async resolve(uri: string): Promise<ResolvedSettings> {
    const file = URI.parse(uri).fsPath;
    const editor = await this.editorSettings(uri);
    const { loaded, file: configFile, error: configError } = this.projectConfig(path.dirname(file));
    const lint = mergeSettings(loaded?.config, { kind: editor.kind, target: editor.target, rules: editor.rules });
    const readLocalImages = this.trusted && editor.readLocalImages !== false;
    return { lint, context: this.contextFolder(file, editor, loaded), configFile, configError, readLocalImages };
  }

  /** Looking for `.smct.json` walks up the folders: done once per folder, not on every keystroke. */
  private projectConfig(folder: string): { loaded?: LoadedConfig; file?: string; error?: string } {
    let found = this.configs.get(folder);
    if (!found) {
      const file = findProjectConfig(folder);
      found = { file };
      if (file) {
        try {
          found.loaded = loadProjectConfig(file);
        } catch (error) {
          found.error = (error as Error).message;
        }
      }
      this.configs.set(folder, found);
    }
    return found;
  }

  private contextFolder(file: string, editor: EditorSettings, loaded: LoadedConfig | undefined): string {
    if (editor.contextFolder) {
      const workspace = this.workspaceFolders.find((folder) => file.startsWith(folder + path.sep)) ?? path.dirname(file);
      return path.resolve(workspace, editor.contextFolder);
    }
    if (loaded?.config.context && this.trusted) return path.resolve(path.dirname(loaded.file), loaded.config.context);
    return path.dirname(file);
  }

  private editorSettings(uri: string): Promise<EditorSettings> {
    if (!this.supportsConfiguration) return Promise.resolve({});
    let settings = this.cache.get(uri);
    if (!settings) {
      settings = this.connection.workspace
        .getConfiguration({ scopeUri: uri, section: SETTINGS_SECTION })
        .then((value: unknown) => (value && typeof value === 'object' ? (value as EditorSettings) : {}))
        .catch(() => ({}));
      this.cache.set(uri, settings);
    }
    return settings;
  }
}
