import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Property } from 'dockerfile-ast';
import { DockerfileModel } from '../../../core/src/dockerfile/model';

const CASES = [
  'ENV A=1 B="two words" C=\'single $X\'',
  'ENV PATH="/opt/program:${PATH}"',
  'ENV LEGACY some value here',
  'ENV Q="a \\"quoted\\" word"',
  'ARG NAME',
  'ARG A=1 B=2',
  'LABEL com.amazonaws.sagemaker.capabilities.accept-bind-to-port=true "com.example.x"="y"',
  'ENV MULTI=a \\\n    OTHER=b',
];

test('ENV/ARG/LABEL properties are read as dockerfile-ast reads them: names, values and value ranges', () => {
  for (const line of CASES) {
    const text = `FROM x\n${line}\n`;
    const model = new DockerfileModel(text);
    const instruction = model.dockerfile.getInstructions()[1];
    const expected = (instruction as unknown as { getProperties(): Property[] }).getProperties();
    const actual = model.properties(instruction);
    assert.deepEqual(
      actual.map((property) => [property.name, property.value, property.valueRange]),
      expected.map((property) => [property.getName(), property.getValue(), property.getValueRange()]),
      line,
    );
  }
});

test('an escaped $ stays literal through expansion (dockerfile-ast drops the escape)', () => {
  const model = new DockerfileModel('FROM x\nARG NOT_EXPANDED=oops\nENV E=\\$NOT_EXPANDED\n');
  assert.equal(model.finalEnv.lookup('E'), '$NOT_EXPANDED');
});
