import { createRequire } from 'node:module';

/**
 * js-yaml, already in node_modules (through eslint and vsce), read without adding a dependency:
 * the tests parse action.yml, .pre-commit-hooks.yaml and the README's CI snippet as the tools do.
 */
const jsYaml = createRequire(__filename)('js-yaml') as { load(text: string): unknown };

export function parseYaml(text: string): unknown {
  return jsYaml.load(text);
}
