import assert from 'node:assert/strict';
import * as path from 'node:path';
import { test } from 'node:test';
import { TRAINING_INSTANCE_TYPES } from '../../../core/src/aws/instanceTypes';
import { closestMatch } from '../../../core/src/config/closestMatch';
import { keyPath } from '../../../core/src/config/fileProblems';
import { loadProjectConfig } from '../../../core/src/config/projectConfig';
import { isSmctError } from '../../../core/src/errors';
import { jobFileProblems, sageMakerLimits } from '../../../core/src/job/sageMakerChecks';
import { checkJobFileText, loadTrainingJob } from '../../../core/src/job/trainingJob';
import { tempProject } from '../../helpers/tempDir';

/** The messages of a job file's text, schema checks only, in the order they are reported. */
function messages(job: unknown): string[] {
  return checkJobFileText(typeof job === 'string' ? job : JSON.stringify(job, null, 2)).map((problem) => problem.message);
}

const schemaCases: { name: string; job: unknown; expected: string[] }[] = [
  {
    name: 'a nested typo names the key path and the key it probably meant',
    job: { image: 'x', inputs: { training: { souce: 'data' } } },
    expected: ['unknown key `souce` in `inputs.training`: did you mean `source`?'],
  },
  {
    // One mistake, one message: not also "`image` is required".
    name: 'a typo of a required key, its letters swapped',
    job: { imgae: 'x' },
    expected: ['unknown key `imgae`: did you mean `image`?'],
  },
  {
    name: 'an unknown key with nothing close lists the keys allowed there',
    job: { image: 'x', build: { foo: 1 } },
    expected: ['unknown key `foo` in `build`; the keys allowed there: dockerfile, context, target, buildArgs, platform'],
  },
  {
    name: 'an unknown key at the top level, nothing close (too many keys to list)',
    job: { image: 'x', colour: 'blue' },
    expected: ['unknown key `colour`'],
  },
  { name: 'a missing required key', job: {}, expected: ['`image` is required'] },
  {
    name: 'a missing required nested key',
    job: { image: 'x', checkpoints: { localPath: '/opt/ml/checkpoints' } },
    expected: ['`checkpoints.s3Uri` is required'],
  },
  {
    name: 'an environment variable name',
    job: { image: 'x', environment: { '1BAD': 'x' } },
    expected: ['`environment` key `1BAD` is not a valid environment variable name (letters, digits and _, not starting with a digit)'],
  },
  {
    name: 'a channel name',
    job: { image: 'x', inputs: { 'train data': 'data' } },
    expected: ['`inputs` key `train data` is not a valid channel name (1 to 64 letters, digits, dots, hyphens and underscores)'],
  },
  {
    name: 'a value that does not match its pattern, in the schema’s words',
    job: { image: 'x', region: 'eu-west' },
    expected: ['`region` is "eu-west", which is not an AWS region code such as us-east-1'],
  },
  {
    name: 'a wrong type, in words',
    job: { image: 'x', resources: { instanceCount: 'two' } },
    expected: ['`resources.instanceCount` must be a whole number, got "two"'],
  },
  { name: 'a number where true or false goes', job: { image: 'x', spot: 1 }, expected: ['`spot` must be true or false, got 1'] },
  { name: 'an object where a string goes', job: { image: { name: 'x' } }, expected: ['`image` must be a string, got an object'] },
  {
    name: 'an enum lists its values',
    job: { image: 'x', inputs: { training: { source: 'data', inputMode: 'Stream' } } },
    expected: ['`inputs.training.inputMode` must be one of File, FastFile, Pipe, got "Stream"'],
  },
  {
    name: 'an enum value in the wrong case is suggested',
    job: { image: 'x', output: { compression: 'gzip' } },
    expected: ['`output.compression` must be one of GZIP, NONE, got "gzip": did you mean GZIP?'],
  },
  {
    name: 'a channel given as an object is told about the object only, not that it is not a string',
    job: { image: 'x', inputs: { training: { source: 5 } } },
    expected: ['`inputs.training.source` must be a string, got 5'],
  },
  {
    name: 'a channel of neither form is told both forms',
    job: { image: 'x', inputs: { training: 5 } },
    expected: ['`inputs.training` must be a string or an object ({…}), got 5'],
  },
  { name: 'a channel given as an empty string', job: { image: 'x', inputs: { training: '' } }, expected: ['`inputs.training` must not be empty'] },
  {
    name: 'numbers out of range',
    job: { image: 'x', resources: { volumeSizeGB: 0 }, stopping: { maxRuntimeSeconds: 2419201 } },
    expected: ['`resources.volumeSizeGB` must be at least 1, got 0', '`stopping.maxRuntimeSeconds` must be at most 2419200, got 2419201'],
  },
  { name: 'an empty list', job: { image: 'x', containerEntrypoint: [] }, expected: ['`containerEntrypoint` must not be empty'] },
  {
    name: 'a list item',
    job: { image: 'x', containerArguments: ['--a', 7] },
    expected: ['`containerArguments[1]` must be a string, got 7'],
  },
  { name: 'a file that is not an object', job: [], expected: ['the file must be an object ({…}), got a list'] },
  {
    name: 'several problems at once, in the order of the file',
    job: { spot: 'yes', environment: { OK: 3 }, image: 'x', build: { dockerfil: 'Dockerfile' } },
    expected: [
      '`spot` must be true or false, got "yes"',
      '`environment.OK` must be a string, got 3',
      'unknown key `dockerfil` in `build`: did you mean `dockerfile`?',
    ],
  },
];

for (const { name, job, expected } of schemaCases) {
  test(`job file message: ${name}`, () => {
    assert.deepEqual(messages(job), expected);
  });
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
    assert.deepEqual(messages(text), [expected]);
  });
}

test('schema problems and SageMaker limit problems come together, each once, in file order', () => {
  const text = JSON.stringify(
    {
      image: 'trainer',
      hyperparameters: { note: 'two\nlines' },
      environment: { '1BAD': 'x' },
      resources: { instanceType: 'ml.m5.larg', instanceCount: 'two' },
      tags: { team: 'a;b' },
    },
    null,
    2,
  );
  assert.deepEqual(
    jobFileProblems(text, { instanceTypes: TRAINING_INSTANCE_TYPES }).map((problem) => problem.message),
    [
      '`hyperparameters.note`: HyperParameters["note"] "two\\nlines" does not match the pattern .* (it may not hold a line break)',
      // Once: the schema's words, not also the limit's (the schema's refused parts are not checked again).
      '`environment` key `1BAD` is not a valid environment variable name (letters, digits and _, not starting with a digit)',
      '`resources.instanceType`: ResourceConfig.InstanceType "ml.m5.larg" is not an instance type SageMaker trains on; did you mean ml.m5.large?',
      '`resources.instanceCount` must be a whole number, got "two"',
      '`tags.team`: Tags[0].Value "a;b" does not match the pattern ([\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*)',
    ],
  );
});

test('loadTrainingJob throws every problem at once, naming the file as it was given (other.json, not sagemaker-job.json)', () => {
  const folder = tempProject({
    'other.json': JSON.stringify({ inputs: { training: { souce: 'data' } }, tags: { team: 'a;b' } }, null, 2),
    'single.json': JSON.stringify({ image: 'x', tags: { team: 'a;b' } }),
  });
  const given = path.relative(process.cwd(), path.join(folder, 'other.json'));
  assert.throws(
    () => loadTrainingJob(given, sageMakerLimits()),
    (error: unknown) => {
      assert.ok(isSmctError(error, 'JOB_FILE_INVALID'));
      assert.equal(
        error.message,
        [
          `${given}: 3 problems:`,
          '  `image` is required',
          '  unknown key `souce` in `inputs.training`: did you mean `source`?',
          '  `tags.team`: Tags[0].Value "a;b" does not match the pattern ([\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*)',
        ].join('\n'),
      );
      return true;
    },
  );
  const single = path.join(folder, 'single.json');
  assert.throws(() => loadTrainingJob(single, sageMakerLimits()), {
    message: `${single}: \`tags.team\`: Tags[0].Value "a;b" does not match the pattern ([\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*)`,
  });
  // Without the SageMaker checks (a local run), the limits are not the file's problem.
  assert.equal(loadTrainingJob(single).tags.team, 'a;b');
});

test('each problem has its key path and the place of that key in the text', () => {
  const text = '{\n  "image": "x",\n  "inputs": {\n    "training": { "source": "data", "mode": "File" }\n  },\n  "checkpoints": {}\n}\n';
  const problems = jobFileProblems(text);
  assert.deepEqual(
    problems.map(({ path, range }) => ({ path, range })),
    [
      // The nested key itself: line 4, the characters of "mode" with its quotes.
      { path: ['inputs', 'training', 'mode'], range: { start: { line: 3, character: 36 }, end: { line: 3, character: 42 } } },
      // A missing key is shown at the object that lacks it.
      { path: ['checkpoints', 's3Uri'], range: { start: { line: 5, character: 2 }, end: { line: 5, character: 15 } } },
    ],
  );
  const missingImage = jobFileProblems('  {}');
  assert.deepEqual(missingImage[0].range, { start: { line: 0, character: 2 }, end: { line: 0, character: 3 } });
  const syntax = jobFileProblems('{\n  "image": "x",\n}');
  assert.deepEqual(syntax[0], {
    path: [],
    message: 'not valid JSON at line 2, column 15: a comma before `}`, which JSON does not allow',
    range: { start: { line: 1, character: 14 }, end: { line: 1, character: 15 } },
  });
});

test('.smct.json is checked with the same messages', () => {
  const folder = tempProject({ '.smct.json': JSON.stringify({ kind: 'trainign', rules: { SM101: 'loud', SM1: 'off' } }) });
  const file = path.join(folder, '.smct.json');
  assert.throws(
    () => loadProjectConfig(file),
    (error: unknown) => {
      assert.ok(isSmctError(error, 'CONFIG_INVALID'));
      assert.equal(
        error.message,
        [
          `${file}: 3 problems:`,
          '  `kind` must be one of auto, training, inference, both, got "trainign": did you mean training?',
          '  `rules.SM101` must be one of off, info, warning, error, got "loud"',
          '  `rules` key `SM1` is not a rule id such as SM101',
        ].join('\n'),
      );
      return true;
    },
  );
});

const suggestions: [string, string[], string | undefined][] = [
  ['souce', ['source', 'contentType', 'inputMode'], 'source'],
  ['imgae', ['baseJobName', 'image', 'repository'], 'image'],
  ['Image', ['image'], 'image'],
  ['env', ['region', 'environment'], 'environment'],
  ['volumeSize', ['instanceCount', 'volumeSizeGB'], 'volumeSizeGB'],
  // Both are close enough to suggest; the closer one wins.
  ['instanceCont', ['instanceType', 'instanceCount'], 'instanceCount'],
  ['hyperparams', ['hyperparameters', 'environment'], 'hyperparameters'],
  ['foo', ['tags', 'spot', 'image'], undefined],
  ['lr', ['region', 'roleArn'], undefined],
];

for (const [typed, candidates, expected] of suggestions) {
  test(`the closest key to "${typed}" is ${expected ?? 'none'}`, () => {
    assert.equal(closestMatch(typed, candidates), expected);
  });
}

test('key paths read as they would be written in JavaScript', () => {
  assert.equal(keyPath(['inputs', 'training', 'souce']), 'inputs.training.souce');
  assert.equal(keyPath(['containerEntrypoint', '0']), 'containerEntrypoint[0]');
  assert.equal(keyPath(['inputs', 'train data']), 'inputs["train data"]');
  assert.equal(keyPath(['hyperparameters', 'model.lr']), 'hyperparameters["model.lr"]');
});

test('channel data sources SageMaker refuses are problems of the job file, at the key that sets them', () => {
  assert.deepEqual(
    messages({
      image: 'x',
      inputs: {
        manifest: { source: 'data', s3DataType: 'ManifestFile' },
        augmented: { source: 's3://b/a.manifest', s3DataType: 'AugmentedManifestFile', attributeNames: ['source-ref'] },
        unnamed: { source: 's3://b/a.manifest', s3DataType: 'AugmentedManifestFile', inputMode: 'Pipe' },
        fine: { source: 's3://b/a.manifest', s3DataType: 'AugmentedManifestFile', inputMode: 'Pipe', attributeNames: ['source-ref', 'label'] },
      },
    }),
    [
      '`inputs.manifest.source` must be the s3:// URI of the ManifestFile: SageMaker reads manifests from S3',
      '`inputs.augmented.inputMode` must be "Pipe" for an AugmentedManifestFile (SageMaker refuses it in File mode)',
      '`inputs.unnamed.attributeNames` must name the attributes of the AugmentedManifestFile to stream',
    ],
  );
});
