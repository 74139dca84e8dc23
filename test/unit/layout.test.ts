import assert from 'node:assert/strict';
import * as path from 'node:path';
import { test } from 'node:test';
import { ESLint } from 'eslint';

// The layout's direction, as the build enforces it: core imports no front, fronts import core only
// through core/src (its index), and fronts do not import each other.
const ROOT = path.resolve(__dirname, '../../..');

async function restrictedImports(file: string, source: string): Promise<string[]> {
  const eslint = new ESLint({
    cwd: ROOT,
    // Only the import rules: the file does not exist, so the type-aware ones cannot run on it.
    overrideConfig: { languageOptions: { parserOptions: { projectService: false, project: null } } },
    ruleFilter: ({ ruleId }) => ruleId === 'no-restricted-imports',
  });
  const [result] = await eslint.lintText(source, { filePath: path.join(ROOT, file) });
  return result.messages.map((message) => message.message);
}

const cases: [file: string, source: string, allowed: boolean][] = [
  ['client/src/x.ts', "import { RULES } from '../../core/src';", true],
  ['client/src/x.ts', "import { RULES } from '../../core/src/rules';", false],
  ['client/src/x.ts', "import { run } from '../../cli/src/smct';", false],
  ['client/src/x.ts', "import { x } from '../../server/src/server';", false],
  ['server/src/x.ts', "import { RULES } from '../../core/src';", true],
  ['server/src/x.ts', "import { lintDockerfile } from '../../core/src/lint/linter';", false],
  ['server/src/x.ts', "import * as vscode from 'vscode';", false],
  ['cli/src/x.ts', "import { x } from '../../server/src/features/hover';", false],
  ['core/src/x.ts', "import { run } from '../../cli/src/smct';", false],
  ['core/src/x.ts', "import * as vscode from 'vscode';", false],
  ['core/src/x.ts', "import { createConnection } from 'vscode-languageserver/node';", false],
  ['core/src/x.ts', "import type { Range } from 'vscode-languageserver-types';", true],
  ['core/src/lint/x.ts', "import { lintDockerfile } from './linter';", true],
];

for (const [file, source, allowed] of cases) {
  test(`${file}: ${source} is ${allowed ? 'allowed' : 'refused'}`, async () => {
    const messages = await restrictedImports(file, source);
    assert.equal(messages.length === 0, allowed, messages.join('\n'));
  });
}
