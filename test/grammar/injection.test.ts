import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { before, test } from 'node:test';
import * as oniguruma from 'vscode-oniguruma';
import { INITIAL, parseRawGrammar, Registry, type IGrammar } from 'vscode-textmate';

const ROOT = path.resolve(__dirname, '../../..');
const INJECTION = 'sagemaker.dockerfile.injection';
/** A stand-in for VS Code's Dockerfile grammar: comments and keywords are enough to host the injection. */
const BASE = {
  scopeName: 'source.dockerfile',
  patterns: [
    { match: '^\\s*#.*$', name: 'comment.line.number-sign.dockerfile' },
    { match: '^\\s*\\w+', name: 'keyword.other.dockerfile' },
  ],
};

let grammar: IGrammar;

before(async () => {
  const wasm = fs.readFileSync(require.resolve('vscode-oniguruma/release/onig.wasm'));
  await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
  const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  const contributed = manifest.contributes.grammars.find((entry: { scopeName: string }) => entry.scopeName === INJECTION);
  assert.deepEqual(contributed.injectTo, ['source.dockerfile']);
  const registry = new Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (sources) => new oniguruma.OnigScanner(sources),
      createOnigString: (text) => new oniguruma.OnigString(text),
    }),
    loadGrammar: async (scopeName) => {
      if (scopeName === 'source.dockerfile') return parseRawGrammar(JSON.stringify(BASE), 'base.json');
      if (scopeName === INJECTION) return parseRawGrammar(fs.readFileSync(path.join(ROOT, contributed.path), 'utf8'), contributed.path);
      return null;
    },
    getInjections: (scopeName) => (scopeName === 'source.dockerfile' ? [INJECTION] : undefined),
  });
  grammar = (await registry.loadGrammar('source.dockerfile')) as IGrammar;
});

/** The scopes of the token that starts with `text` on `line`. */
function scopesOf(line: string, text: string): string[] {
  const { tokens } = grammar.tokenizeLine(line, INITIAL);
  const token = tokens.find((candidate) => line.slice(candidate.startIndex, candidate.endIndex) === text);
  assert.ok(token, `"${text}" is one token of ${JSON.stringify(tokens.map((t) => line.slice(t.startIndex, t.endIndex)))}`);
  return token.scopes;
}

test('/opt/ml paths are highlighted as SageMaker paths', () => {
  assert.ok(scopesOf('COPY data /opt/ml/input/data/train/', '/opt/ml/input/data/train/').includes('string.other.path.sagemaker'));
  assert.ok(!grammar.tokenizeLine('COPY x /srv/opt/ml/x', INITIAL).tokens.some((token) => token.scopes.includes('string.other.path.sagemaker')));
});

test('SAGEMAKER_* names and capability labels are highlighted', () => {
  assert.ok(scopesOf('ENV SAGEMAKER_PROGRAM=train.py', 'SAGEMAKER_PROGRAM').includes('variable.other.constant.sagemaker'));
  const label = 'com.amazonaws.sagemaker.capabilities.accept-bind-to-port';
  assert.ok(scopesOf(`LABEL ${label}=true`, label).includes('entity.other.attribute-name.label.sagemaker'));
});

test('smct pragmas inside comments are highlighted', () => {
  const line = '# smct ignore=SM101,SM401';
  assert.ok(scopesOf(line, 'smct').includes('keyword.control.directive.smct'));
  assert.ok(scopesOf(line, 'SM101,SM401').includes('constant.other.rule-id.smct'));
});
