import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { FileSystemContext } from '../../core/src/dockerfile/buildContext';
import { lintDockerfile } from '../../core/src/lint/linter';
import { completion } from '../../server/src/features/completion';
import { hover } from '../../server/src/features/hover';

/** Copies the whole of `src` into the code folder, so that rules list the context recursively. */
const COPIES_SRC = 'FROM python:3.11\nRUN pip install sagemaker-training\nCOPY src /opt/ml/code\nENV SAGEMAKER_PROGRAM train.py\n';

/** A fresh folder for one case (the worker is thrown away, the folder with it at exit). */
function caseFolder(): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'smct-hostile-'));
  process.on('exit', () => fs.rmSync(root, { recursive: true, force: true }));
  fs.mkdirSync(path.join(root, 'src'));
  return root;
}

function lintOnDisk(root: string): void {
  lintDockerfile(COPIES_SRC, { context: new FileSystemContext(root), settings: { kind: 'both' } });
}

function linkLoops(): void {
  const root = caseFolder();
  for (const name of ['a', 'b', 'c']) fs.symlinkSync('.', path.join(root, 'src', name));
  fs.symlinkSync('..', path.join(root, 'src', 'up'));
  lintOnDisk(root);
}

function deepTree(): void {
  const root = caseFolder();
  let folder = path.join(root, 'src');
  for (let depth = 0; depth < 300; depth++) folder = path.join(folder, 'd');
  fs.mkdirSync(folder, { recursive: true });
  fs.writeFileSync(path.join(folder, 'deep.py'), '');
  lintOnDisk(root);
}

function manyFiles(): void {
  const root = caseFolder();
  for (let folder = 0; folder < 20; folder++) {
    const parent = path.join(root, 'src', `f${folder}`);
    fs.mkdirSync(parent);
    for (let file = 0; file < 1000; file++) fs.writeFileSync(path.join(parent, `m${file}.py`), '');
  }
  lintOnDisk(root);
}

/** Long lines of the shapes that made anchored patterns backtrack: words, paths, pragmas, references. */
function longLines(): void {
  const length = 200_000;
  const lines = [
    'RUN ' + 'a'.repeat(length) + ' ',
    'RUN ' + '/a'.repeat(length / 2) + ' ',
    '# smct ignore=' + 'SM101,'.repeat(length / 6),
    'ENV ' + '${A'.repeat(length / 3),
    'LABEL ' + 'com.amazonaws.sagemaker.capabilities.'.repeat(length / 38),
  ];
  for (const line of lines) {
    const text = `FROM python:3.11\n${line}\nENTRYPOINT ["python", "train.py"]\n`;
    const document = TextDocument.create('file:///hostile/Dockerfile', 'dockerfile', 1, text);
    completion(document, { line: 1, character: line.length });
    completion(document, { line: 1, character: Math.floor(line.length / 2) });
    const { analysis } = lintDockerfile(text, { settings: { kind: 'both' } });
    hover(analysis, { line: 1, character: Math.floor(line.length / 2) });
  }
}

/** 5 MB of stages and comments: dockerfile-ast paired every comment with every stage. */
function manyStagesAndComments(): void {
  const block =
    '# a stage\nARG BASE=python:3.11\nFROM ${BASE}\nCOPY train.py /opt/program/train.py\n# its entry point\nENTRYPOINT ["python3", "/opt/program/train.py"]\n';
  lintDockerfile(block.repeat(Math.ceil((5 * 1024 * 1024) / block.length)), { settings: { kind: 'both' } });
}

/** 800 KB of PATH folders and copies: every PATH folder's lookup scanned every copy (400 KB took 11 s before the index). */
function manyPathFoldersAndCopies(): void {
  let text = 'FROM python:3.11\n';
  for (let i = 0; text.length < 800 * 1024; i++) text += `ENV PATH=/opt/p${i}:$PATH\nCOPY train.py /opt/q${i}/x\n`;
  lintDockerfile(text, { settings: { kind: 'both' } });
}

export const HOSTILE_CASES: Record<string, () => void> = { linkLoops, deepTree, manyFiles, longLines, manyStagesAndComments, manyPathFoldersAndCopies };
