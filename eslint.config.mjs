// ESLint with strict, type-aware TypeScript rules; formatting is Prettier's job. The import
// restrictions below keep the layout's direction: core knows no front, and the fronts know core
// only through its one entry point (core/src/index.ts).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

/** Any path into core deeper than its entry point, seen from a front. */
const DEEP_CORE = { regex: String.raw`(^|/)core/src/.+`, message: 'Import the engine through its entry point (core/src), not a deep path.' };
const front = (name) => ({ regex: String.raw`(^|/)${name}/src(/|$)`, message: `Fronts do not import each other: move what both need into core.` });
const restrict = (...patterns) => ({ 'no-restricted-imports': ['error', { patterns }] });

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', '.cache/**', 'bin/**', 'test-results/**', '**/*.js'] },
  js.configs.recommended,
  { files: ['**/*.mjs'], languageOptions: { globals: globals.node } },
  ...tseslint.configs.strict,
  {
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      // node:test's test() and suite() return promises that the runner itself awaits.
      '@typescript-eslint/no-floating-promises': [
        'error',
        {
          allowForKnownSafeCalls: [
            { from: 'package', package: 'node:test', name: ['test', 'suite', 'describe', 'it', 'before', 'after', 'beforeEach', 'afterEach'] },
          ],
        },
      ],
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: false }],
      '@typescript-eslint/await-thenable': 'error',
    },
  },
  {
    rules: {
      curly: ['error', 'multi-line'],
      eqeqeq: ['error', 'always'],
      'no-console': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['core/**/*.ts'],
    rules: restrict(
      { regex: String.raw`(^|/)(server|cli|client)/src(/|$)`, message: 'core is shared by every front and imports none of them.' },
      { regex: String.raw`^vscode$`, message: 'core runs outside VS Code.' },
      { regex: String.raw`^vscode-languageserver(/.*)?$`, message: 'core uses only the LSP types (vscode-languageserver-types).', allowTypeImports: true },
    ),
  },
  {
    files: ['server/**/*.ts'],
    rules: restrict(DEEP_CORE, front('cli'), front('client'), { regex: '^vscode$', message: 'The language server runs outside VS Code.' }),
  },
  { files: ['cli/**/*.ts'], rules: restrict(DEEP_CORE, front('server'), front('client'), { regex: '^vscode$', message: 'smct runs outside VS Code.' }) },
  { files: ['client/**/*.ts'], rules: restrict(DEEP_CORE, front('server'), front('cli')) },
  {
    files: ['test/**/*.ts'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off' },
  },
  {
    // The benchmark reports on the console.
    files: ['test/bench/**/*.ts'],
    rules: { 'no-console': 'off' },
  },
);
