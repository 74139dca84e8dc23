// Reads a template's program files from templates/ in the installed package: templates/common for
// every project, templates/serving with serving, and templates/<id> for the framework's own.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { findPackageRoot } from '../rules/rulePages';
import type { ProjectFile } from './projectWriter';
import type { TemplateId } from './projectTemplates';

/** The programs SageMaker starts by name ("docker run <image> train"): they must be executable. */
const EXECUTABLES = new Set(['program/train', 'program/serve']);

export function templateFiles(id: TemplateId, serving: boolean): ProjectFile[] {
  const root = path.join(findPackageRoot(), 'templates');
  const layers = ['common', ...(serving ? ['serving'] : []), id];
  return layers
    .flatMap((layer) => filesUnder(path.join(root, layer)))
    .map(({ relative, absolute }) => ({
      path: relative,
      content: fs.readFileSync(absolute),
      executable: EXECUTABLES.has(relative),
    }));
}

/** Python's caches, which running a template's program in a checkout leaves beside it. */
const NOT_TEMPLATE = /(^|\/)__pycache__\/|\.pyc$/;

/** The files under `folder`, with '/'-separated paths relative to it; the folder is the package's own. */
function filesUnder(folder: string): { relative: string; absolute: string }[] {
  return fs
    .readdirSync(folder, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => {
      const absolute = path.join(entry.parentPath ?? entry.path, entry.name);
      return { relative: path.relative(folder, absolute).split(path.sep).join('/'), absolute };
    })
    .filter(({ relative }) => !NOT_TEMPLATE.test(relative));
}
