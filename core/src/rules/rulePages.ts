import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';

/** Where the project's sources live on the web; the SARIF output links rule pages there. */
export const PROJECT_HOME = 'https://github.com/sagemaker-container-tools/sagemaker-container-tools';

let packageRoot: string | undefined;

/** The installed package's root (it holds docs/rules), found from this file's location. */
export function findPackageRoot(): string {
  if (packageRoot === undefined) {
    let directory = __dirname;
    while (!fs.existsSync(path.join(directory, 'docs', 'rules')) && path.dirname(directory) !== directory) directory = path.dirname(directory);
    packageRoot = directory;
  }
  return packageRoot;
}

/** The rule's page as shipped with the extension: it opens in the editor, offline, in the installed version. */
export function localRulePage(id: string): string {
  return pathToFileURL(path.join(findPackageRoot(), 'docs', 'rules', `${id}.md`)).toString();
}

export function webRulePage(id: string): string {
  return `${PROJECT_HOME}/blob/main/docs/rules/${id}.md`;
}

/** The page's Markdown, for SARIF's help text; empty when the file is missing. */
export function rulePageMarkdown(id: string): string {
  try {
    return fs.readFileSync(path.join(findPackageRoot(), 'docs', 'rules', `${id}.md`), 'utf8');
  } catch {
    return '';
  }
}
