import assert from 'node:assert/strict';
import * as path from 'node:path';
import { test } from 'node:test';
import { loadTrainingJob } from '../../../core/src/job/trainingJob';
import { tempProject } from '../../helpers/tempDir';

/** The message of a job file's text, without the file's name in front. */
function message(text: string): string {
  const file = path.join(tempProject({ 'sagemaker-job.json': text }), 'sagemaker-job.json');
  try {
    loadTrainingJob(file);
  } catch (error) {
    return (error as Error).message.replace(`${file}: `, '');
  }
  return 'no problem';
}

const syntaxCases: { name: string; text: string; expected: string }[] = [
  { name: 'a trailing comma', text: '{\n  "image": "x",\n}\n', expected: 'not valid JSON at line 2, column 15: a comma before `}`, which JSON does not allow' },
  {
    name: 'a missing comma',
    text: '{\n  "image": "x"\n  "spot": true\n}\n',
    expected: 'not valid JSON at line 3, column 3: a comma expected between two values',
  },
  { name: 'a comment', text: '{\n  // the trainer\n  "image": "x"\n}\n', expected: 'not valid JSON at line 2, column 3: comments are not allowed in JSON' },
  { name: 'single quotes', text: "{ 'image': 'x' }", expected: 'not valid JSON at line 1, column 3: strings and keys take double quotes in JSON' },
  {
    name: 'a tab inside a string',
    text: '{\n  "image": "my\ttrainer"\n}',
    expected: 'not valid JSON at line 2, column 15: a tab or line break inside a string: write it as \\t or \\n',
  },
  { name: 'an empty file', text: '', expected: 'not valid JSON at line 1, column 1: the file is empty' },
  { name: 'a file cut short', text: '{\n  "image": ', expected: 'not valid JSON at line 2, column 12: the file ends where a value should be' },
];

for (const { name, text, expected } of syntaxCases) {
  test(`a JSON syntax error gives its line and column: ${name}`, () => {
    assert.equal(message(text), expected);
  });
}
