import * as fs from 'node:fs';
import { SmctError } from '../errors';

/** Real Dockerfiles are a few kilobytes; anything this large is not one. */
export const MAX_DOCKERFILE_BYTES = 2 * 1024 * 1024;

/** Reads a Dockerfile as text, or explains in one line why it cannot be linted. */
export function readDockerfile(file: string): string {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new SmctError(
      'FILE_UNREADABLE',
      code === 'ENOENT' ? `${file}: no such file. Check the path.` : `${file}: cannot be read (${code ?? String(error)}).`,
    );
  }
  if (stat.isDirectory()) {
    throw new SmctError('FILE_UNREADABLE', `${file} is a folder: give the path of the Dockerfile inside it, e.g. ${file.replace(/\/+$/, '')}/Dockerfile.`);
  }
  if (!stat.isFile()) {
    // A FIFO or device would block the read forever.
    throw new SmctError('FILE_UNREADABLE', `${file} is not a regular file, so it is not read as a Dockerfile.`);
  }
  if (stat.size > MAX_DOCKERFILE_BYTES) {
    throw new SmctError(
      'USAGE',
      `${file} is ${(stat.size / 1024 / 1024).toFixed(1)} MB, which is not a Dockerfile (smct reads Dockerfiles up to ${MAX_DOCKERFILE_BYTES / 1024 / 1024} MB).`,
    );
  }
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch (error) {
    throw new SmctError('FILE_UNREADABLE', `${file}: cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)}).`);
  }
  if (bytes.includes(0)) throw new SmctError('FILE_UNREADABLE', `${file} is a binary file, not a Dockerfile.`);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new SmctError('FILE_UNREADABLE', `${file} is not valid UTF-8 text: save it as UTF-8 and try again.`);
  }
}
