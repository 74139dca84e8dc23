/**
 * Deterministic generators of Dockerfile-shaped and Dockerfile-breaking text for the fuzz tests:
 * case `i` of seed `s` is always the same text, so a failure names its input exactly.
 */

/** mulberry32: small, fast, good enough for test inputs. */
export function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const KEYWORDS = [
  'FROM',
  'RUN',
  'CMD',
  'ENTRYPOINT',
  'COPY',
  'ADD',
  'ENV',
  'ARG',
  'WORKDIR',
  'USER',
  'EXPOSE',
  'VOLUME',
  'LABEL',
  'SHELL',
  'HEALTHCHECK',
  'ONBUILD',
  'STOPSIGNAL',
  'MAINTAINER',
  'from',
  'Cmd',
];
const WORDS = [
  'python',
  'train.py',
  '/opt/program',
  '/opt/ml/code/',
  '/opt/ml/model',
  'train',
  'serve',
  '-c',
  'sh',
  'bash',
  'exec',
  '&&',
  '||',
  '|',
  ';',
  '>',
  '$PATH',
  '${A:-b}',
  '${',
  '$',
  '"',
  "'",
  '[',
  ']',
  '["a",',
  '"b"]',
  '\\',
  '--platform=linux/arm64',
  '--from=build',
  '--chmod=644',
  'AS',
  'base',
  'pip',
  'install',
  'sagemaker-training',
  'nvidia-driver-535',
  'tini',
  '--',
  'SAGEMAKER_PROGRAM=train.py',
  'PATH=/opt/program:$PATH',
  '8080',
  '5000/tcp',
  'root',
  '1000:1000',
  '<<EOF',
  'EOF',
  '<<-END',
  '#',
  '# smct ignore=SM101',
  '# smct kind=inference',
  '# smct global ignore=SM999',
  '\t',
  '💥',
  'é',
  '\u0000',
  '\u2028',
  'x'.repeat(50),
];
const SEEDS = [
  'FROM python:3.11\nCOPY train.py /opt/program/\nCMD ["python", "/opt/program/train.py"]\n',
  'ARG BASE=python:3.11\nFROM ${BASE} AS build\nRUN pip install sagemaker-training\nFROM build\nENV PATH="/opt/program:${PATH}"\nCOPY prog /opt/program\nENTRYPOINT ["sh", "-c", "python train.py"]\n',
  '# escape=`\nFROM mcr.microsoft.com/windows AS w\nRUN echo `\n  hi\nCMD ["a",]\n',
  'FROM --platform=linux/arm64 scratch\nCOPY --chmod=755 <<EOF /usr/local/bin/train\n#!/bin/sh\necho hi\nEOF\nUSER app\nEXPOSE 5000\n',
];

export function generateCase(seed: number, index: number): string {
  const next = random(seed * 100_003 + index);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)];
  const kind = index % 5;
  if (kind === 0) return randomBytes(next);
  if (kind === 1) return structured(next, pick);
  if (kind === 2) return extreme(next, pick);
  return mutate(pick(SEEDS), next, pick);
}

function randomBytes(next: () => number): string {
  const length = Math.floor(next() * 400);
  let text = '';
  for (let i = 0; i < length; i++) text += String.fromCharCode(next() < 0.8 ? 9 + Math.floor(next() * 118) : Math.floor(next() * 0xffff));
  return text;
}

function structured(next: () => number, pick: <T>(items: readonly T[]) => T): string {
  const lines: string[] = [];
  const count = 1 + Math.floor(next() * 30);
  for (let i = 0; i < count; i++) {
    const words = Array.from({ length: Math.floor(next() * 7) }, () => pick(WORDS));
    const line = `${pick(KEYWORDS)} ${words.join(next() < 0.8 ? ' ' : '')}`;
    lines.push(next() < 0.15 ? `${line} \\` : line);
  }
  return lines.join(pick(['\n', '\r\n', '\r'])) + (next() < 0.5 ? '\n' : '');
}

function extreme(next: () => number, pick: <T>(items: readonly T[]) => T): string {
  const variant = Math.floor(next() * 4);
  if (variant === 0) return `FROM python\nRUN ${'x'.repeat(20_000 + Math.floor(next() * 20_000))}\nCMD ["${'a'.repeat(5000)}"]\n`;
  if (variant === 1) {
    return `FROM python\nRUN echo \\\n${'  a \\\n'.repeat(300 + Math.floor(next() * 300))}  end\nENTRYPOINT ["python",\\\n${'\\\n'.repeat(200)}"t.py"]\n`;
  }
  if (variant === 2) return `FROM python\nENTRYPOINT ${'['.repeat(500)}"a"${']'.repeat(Math.floor(next() * 500))}\nCMD ${'"'.repeat(301)}\n`;
  return `FROM python\nRUN <<EOF\n${'line\n'.repeat(200)}${next() < 0.5 ? 'EOF\n' : ''}COPY <<A <<B /opt/\n${pick(WORDS)}\nA\nB\n`;
}

function mutate(text: string, next: () => number, pick: <T>(items: readonly T[]) => T): string {
  let result = text;
  const edits = 1 + Math.floor(next() * 8);
  for (let i = 0; i < edits; i++) {
    const at = Math.floor(next() * (result.length + 1));
    const operation = Math.floor(next() * 6);
    if (operation === 0) result = result.slice(0, at) + pick(WORDS) + result.slice(at);
    else if (operation === 1) result = result.slice(0, at) + result.slice(at + 1 + Math.floor(next() * 10));
    else if (operation === 2) result = result.slice(0, at);
    else if (operation === 3) result = result.slice(0, at) + '\\\n' + result.slice(at);
    else if (operation === 4) result = result.slice(0, at) + pick(['[', ']', '"', "'", '{', '}', '$', '`', '\r']) + result.slice(at);
    else result = result.slice(0, at) + result.slice(at, at + 40) + result.slice(at);
  }
  return result;
}
