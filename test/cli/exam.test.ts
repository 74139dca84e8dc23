import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EXAM_ANSWERS, EXAM_BASES, EXAM_SCRIPT, examFile } from '../helpers/exam';
import { smctSync } from '../helpers/smctProcess';
import { tempProject } from '../helpers/tempDir';

interface JsonFinding {
  readonly file: string;
  readonly rule: string;
  readonly severity: string;
}

const files: Record<string, string> = {};
for (const answer of EXAM_ANSWERS) {
  for (const base of EXAM_BASES) {
    files[examFile(answer, base)] = answer.dockerfile(base);
    files[`${answer.letter}/train.py`] = EXAM_SCRIPT;
  }
}
const root = tempProject(files);

for (const answer of EXAM_ANSWERS) {
  test(`smct lint, exam answer ${answer.letter}: ${answer.works ? 'clean, exit 0' : `an ${answer.rule} error on every base, exit 1`}`, () => {
    const names = EXAM_BASES.map((base) => examFile(answer, base));
    // None of these bases is in the local Docker engine: the base-image catalogue decides.
    const result = smctSync(['lint', '--format', 'json', ...names], root);
    assert.equal(result.stderr, '');
    const findings = JSON.parse(result.stdout) as JsonFinding[];
    for (const name of names) {
      const own = findings.filter((finding) => finding.file === name).map((finding) => `${finding.rule}:${finding.severity}`);
      if (answer.works) assert.deepEqual(own, [], name);
      else assert.ok(own.includes(`${answer.rule}:error`), `${name}: ${own.join(', ')}`);
    }
    assert.equal(result.status, answer.works ? 0 : 1);
  });
}
