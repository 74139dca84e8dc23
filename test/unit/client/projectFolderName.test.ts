import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { projectFolderNameProblem } from '../../../client/src/commands/projectFolderName';
import { tempProject } from '../../helpers/tempDir';

test("a new folder's name: a free name or an empty folder is accepted", () => {
  const parent = tempProject({ 'taken/Dockerfile': 'FROM scratch\n' });
  fs.mkdirSync(path.join(parent, 'empty'));
  assert.equal(projectFolderNameProblem('my-job', parent), undefined);
  assert.equal(projectFolderNameProblem('empty', parent), undefined);
  assert.equal(projectFolderNameProblem('my job.v2', parent), undefined);
});

test("a new folder's name: empty, a path, . or .., or padded with spaces is refused, saying what to do", () => {
  const parent = tempProject({});
  assert.equal(projectFolderNameProblem('', parent), 'Type a name for the new folder.');
  assert.equal(projectFolderNameProblem('   ', parent), 'Type a name for the new folder.');
  assert.match(projectFolderNameProblem(' my-job', parent) ?? '', /starts or ends with a space/);
  for (const name of ['a/b', 'a\\b', '/tmp', '../up']) assert.match(projectFolderNameProblem(name, parent) ?? '', /not a path: remove the "\/" or "\\"/, name);
  assert.match(projectFolderNameProblem('.', parent) ?? '', /is not a new folder/);
  assert.match(projectFolderNameProblem('..', parent) ?? '', /is not a new folder/);
  // The folder's name makes the job's, the image's and the endpoint's (the engine's nameFromFolder).
  assert.equal(projectFolderNameProblem('日本語', parent), 'No job or image name can be made from "日本語": use letters, digits and hyphens.');
  assert.equal(projectFolderNameProblem('---', parent), 'No job or image name can be made from "---": use letters, digits and hyphens.');
});

test("a new folder's name: a folder with anything in it, or a file, is refused, naming it", () => {
  const parent = tempProject({ 'taken/.hidden': '', 'notes.txt': 'x' });
  assert.equal(
    projectFolderNameProblem('taken', parent),
    `${path.join(parent, 'taken')} exists and is not empty: choose another name (nothing is overwritten).`,
  );
  assert.equal(projectFolderNameProblem('notes.txt', parent), `${path.join(parent, 'notes.txt')} is a file: choose another name.`);
});
