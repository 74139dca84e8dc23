import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseDockerfile } from '../../../core/src/dockerfile/astWorkaround';

const STAGES = `# syntax=docker/dockerfile:1
# before any FROM
ARG BASE=python:3.11
FROM \${BASE} AS build
# in build
RUN echo a \\
# inside a continued RUN
  && echo b
FROM build AS test
# in test, first
# in test, second
RUN echo c
FROM python:3.11
ENTRYPOINT ["python"]
# after the last instruction
`;

test('comments go to the stage that holds them, as dockerfile-ast has them (one pass instead of every pair)', () => {
  const dockerfile = parseDockerfile(STAGES);
  const value = (comments: { getContent(): string }[]): string[] => comments.map((comment) => comment.getContent());
  assert.deepEqual(
    dockerfile.getFROMs().map((from) => from.getImageName()),
    ['${BASE}', 'build', 'python'],
  );
  // The definition organizeComments implements, over the public ranges.
  const inside = (line: number, stage: { getRange(): { start: { line: number }; end: { line: number } } }): boolean =>
    stage.getRange().start.line <= line && line <= stage.getRange().end.line;
  const stages = (
    dockerfile as unknown as { buildStages: { getComments(): { getContent(): string }[]; getRange(): { start: { line: number }; end: { line: number } } }[] }
  ).buildStages;
  for (const stage of stages) {
    const expected = dockerfile.getComments().filter((comment) => inside(comment.getRange().start.line, stage));
    assert.deepEqual(value(stage.getComments()), value(expected));
  }
  assert.deepEqual(value(stages[1].getComments()), ['in test, first', 'in test, second']);
});
