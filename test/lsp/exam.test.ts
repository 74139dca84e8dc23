import assert from 'node:assert/strict';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { DiagnosticSeverity } from 'vscode-languageserver-protocol';
import { EXAM_ANSWERS, EXAM_BASES, EXAM_SCRIPT, examFile } from '../helpers/exam';
import { TestClient } from '../helpers/lspClient';
import { tempProject } from '../helpers/tempDir';

describe('the exam in the editor: the language server agrees with smct lint', () => {
  let client: TestClient;
  let root: string;

  before(async () => {
    root = tempProject(Object.fromEntries(EXAM_ANSWERS.map((answer) => [`${answer.letter}/train.py`, EXAM_SCRIPT])));
    client = TestClient.inProcess();
    await client.initialize(root);
  });
  after(() => client.shutdown());

  for (const answer of EXAM_ANSWERS) {
    test(`exam answer ${answer.letter}: ${answer.works ? 'no diagnostics' : `an ${answer.rule} error`} on every base`, async () => {
      for (const base of EXAM_BASES) {
        const uri = `file://${path.join(root, examFile(answer, base))}`;
        await client.open(uri, answer.dockerfile(base));
        const diagnostics = await client.diagnostics(uri);
        const seen = diagnostics.map((diagnostic) => `${String(diagnostic.code)}:${diagnostic.severity}`);
        if (answer.works) assert.deepEqual(seen, [], base);
        else assert.ok(seen.includes(`${answer.rule}:${DiagnosticSeverity.Error}`), `${base}: ${seen.join(', ')}`);
      }
    });
  }
});
