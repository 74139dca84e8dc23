import type { Range } from 'vscode-languageserver-types';
import type { Analysis } from '../dockerfile/analysis';
import type { Rule } from './rule';

/**
 * A file with no FROM is not a Dockerfile Docker can build: no image, so no job at all. Docker's
 * own words (moby/buildkit): "the Dockerfile (…) cannot be empty" and "file with no instructions"
 * (frontend/dockerfile/parser/parser.go) for a file with nothing in it; "no build stage in current
 * context" (frontend/dockerfile/instructions/parse.go) when instructions come with no FROM; and
 * "dockerfile contains no stages to build" (frontend/dockerfile/dockerfile2llb/convert.go) for ARGs alone.
 */
export const SM100: Rule = {
  id: 'SM100',
  title: 'Nothing to build',
  severity: 'error',
  appliesTo: 'any',
  check(analysis) {
    if (analysis.model.stages.length > 0) return [];
    const instructions = analysis.model.dockerfile.getInstructions();
    if (instructions.length === 0) {
      return [
        {
          range: firstLine(analysis),
          message:
            'This Dockerfile has no instructions (it is empty or only comments), so Docker refuses to build it: ' +
            '"the Dockerfile cannot be empty" or "file with no instructions". Write the image, starting with a FROM line that names its base image.',
        },
      ];
    }
    const onlyArgs = instructions.every((instruction) => instruction.getKeyword() === 'ARG');
    const dockerSays = onlyArgs ? 'dockerfile contains no stages to build' : 'no build stage in current context';
    return [
      {
        range: firstInstructionRange(analysis),
        message:
          `This Dockerfile has no FROM, so Docker cannot build it ("${dockerSays}") and there is no image to train with. ` +
          'Add a FROM line that names the base image (for example FROM python:3.12-slim) above these instructions; if this is a fragment, paste it into the full Dockerfile.',
      },
    ];
  },
};

/** The file's first line (a comment, or nothing in an empty file): the error has no instruction to sit on. */
function firstLine(analysis: Analysis): Range {
  const text = analysis.model.document.text;
  const end = text.search(/\r?\n|$/);
  return { start: { line: 0, character: 0 }, end: { line: 0, character: end } };
}

/** The keyword of the first instruction: where the FROM is missing. */
function firstInstructionRange(analysis: Analysis): Range {
  return analysis.model.dockerfile.getInstructions()[0].getInstructionRange();
}
