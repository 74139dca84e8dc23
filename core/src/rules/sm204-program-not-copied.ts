import * as posix from 'node:path/posix';
import type { Range } from 'vscode-languageserver-types';
import type { Analysis } from '../dockerfile/analysis';
import { isWithin } from '../dockerfile/copies';
import type { Rule } from './rule';
import { CODE_DIRECTORY } from './sm202-code-nothing-runs';

/** The toolkit runs `/opt/ml/code/$SAGEMAKER_PROGRAM`; a name the image does not have fails the job. */
export const SM204: Rule = {
  id: 'SM204',
  title: 'SAGEMAKER_PROGRAM not in /opt/ml/code',
  severity: 'warning',
  appliesTo: 'training',
  check(analysis) {
    const setting = lastProgramSetting(analysis);
    if (!setting || setting.value === '' || codeMadeByRun(analysis)) return [];
    const copied = analysis.files.filesUnder(CODE_DIRECTORY);
    if (!copied.complete || copied.files.length === 0) return [];
    const expected = posix.resolve(CODE_DIRECTORY, setting.value);
    if (copied.files.some((file) => file.imagePath === expected || isWithin(file.imagePath, expected))) return [];
    const names = copied.files.map((file) => posix.relative(CODE_DIRECTORY, file.imagePath)).sort();
    const shown = names.slice(0, 8).join(', ') + (names.length > 8 ? `, and ${names.length - 8} more` : '');
    return [
      {
        range: setting.range,
        message:
          `SAGEMAKER_PROGRAM names "${setting.value}", but the Dockerfile puts no ${expected} in the image, so the training toolkit ` +
          `cannot start it. Files copied to ${CODE_DIRECTORY}: ${shown}.`,
      },
    ];
  },
};

function lastProgramSetting(analysis: Analysis): { value: string; range: Range } | undefined {
  const definitions = analysis.model.envDefinitions.get('SAGEMAKER_PROGRAM');
  const last = definitions?.[definitions.length - 1];
  if (!last || last.value === undefined) return undefined;
  return { value: last.value, range: last.property.valueRange ?? last.property.range };
}

/** A RUN that writes into /opt/ml/code (git clone, unzip, cd /opt/ml/code && …) makes the listing unknowable. */
function codeMadeByRun(analysis: Analysis): boolean {
  return analysis.model.stepsOf('RUN').some(
    (step) =>
      isWithin(step.workdir, CODE_DIRECTORY) ||
      analysis.model
        .shellCommands(step.instruction)
        .flat()
        .some((word) => word.text.includes(CODE_DIRECTORY)),
  );
}
