// The name of the folder "New Training Container…" creates: checked as it is typed. No vscode
// import, so that node:test checks it without VS Code.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { isSmctError, nameFromFolder } from '../../../core/src';

/**
 * Why `name` cannot be the new project's folder in `parent`, in one line for the input box, or
 * undefined when it can: a name of one folder (no path separators, not "." or ".."), from which
 * the engine can make the job's name, that is free or an empty folder. A folder that holds anything
 * is refused here already, before the engine would refuse to overwrite it.
 */
export function projectFolderNameProblem(name: string, parent: string): string | undefined {
  if (name.trim() === '') return 'Type a name for the new folder.';
  if (name !== name.trim()) return 'The name starts or ends with a space: remove it.';
  if (/[\\/]/.test(name)) return 'A folder name, not a path: remove the "/" or "\\" (the parent folder was chosen before).';
  if (name === '.' || name === '..') return `"${name}" is not a new folder: type a name.`;
  try {
    nameFromFolder(name);
  } catch (error) {
    if (!isSmctError(error)) throw error;
    return `No job or image name can be made from "${name}": use letters, digits and hyphens.`;
  }
  const folder = path.join(parent, name);
  let entries: string[];
  try {
    if (!fs.statSync(folder).isDirectory()) return `${folder} is a file: choose another name.`;
    entries = fs.readdirSync(folder);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    return `${folder} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'}): choose another name.`;
  }
  return entries.length === 0 ? undefined : `${folder} exists and is not empty: choose another name (nothing is overwritten).`;
}
