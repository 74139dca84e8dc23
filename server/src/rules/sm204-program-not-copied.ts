import * as posix from 'node:path/posix';
import type { Property } from 'dockerfile-ast';
import type { Range } from 'vscode-languageserver-types';
import type { Analysis } from '../engine/analysis';
import { isWithin } from '../engine/copies';
import { shellCommands } from '../engine/shellWords';
import { expand } from '../engine/variables';
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
  let found: { value: string; range: Range } | undefined;
  for (const step of analysis.model.stepsOf('ENV')) {
    const properties = (step.instruction as unknown as { getProperties(): Property[] }).getProperties();
    for (const property of properties) {
      if (property.getName() !== 'SAGEMAKER_PROGRAM') continue;
      const value = expand(property.getValue() ?? '', step.scope, analysis.model.escape);
      const range = property.getValueRange() ?? property.getRange();
      found = value.complete ? { value: value.value, range } : undefined;
    }
  }
  return found;
}

/** A RUN that writes into /opt/ml/code (git clone, unzip, cd /opt/ml/code && …) makes the listing unknowable. */
function codeMadeByRun(analysis: Analysis): boolean {
  return analysis.model.stepsOf('RUN').some(
    (step) => isWithin(step.workdir, CODE_DIRECTORY) || shellCommands(analysis.model.logical(step.instruction).text).flat().some((word) => word.text.includes(CODE_DIRECTORY)),
  );
}
