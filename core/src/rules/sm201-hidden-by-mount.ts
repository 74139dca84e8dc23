import * as posix from 'node:path/posix';
import type { Range } from 'vscode-languageserver-types';
import type { Analysis } from '../dockerfile/analysis';
import { isWithin } from '../dockerfile/copies';
import { expand } from '../dockerfile/variables';
import type { Finding, Rule } from './rule';
import { commandWords } from './helpers';

/** The folders SageMaker mounts over at run time; `/opt/ml/code` is not one of them (contract §2.7). */
const MOUNTED = ['/opt/ml/input', '/opt/ml/model', '/opt/ml/output', '/opt/ml/checkpoints'];

export const SM201: Rule = {
  id: 'SM201',
  title: 'Content hidden by SageMaker mounts',
  severity: 'warning',
  appliesTo: 'any',
  check(analysis) {
    const findings: Finding[] = [];
    for (const copy of analysis.files.copies) {
      if (copy.destination && copy.destinationArgument) {
        const finding = hidden(copy.destination, copy.destinationArgument.range, copy.keyword);
        if (finding) findings.push(finding);
      }
    }
    for (const volume of volumes(analysis)) {
      const finding = hidden(volume.path, volume.range, 'VOLUME');
      if (finding) findings.push(finding);
    }
    return findings;
  },
};

function hidden(path: string, range: Range, keyword: string): Finding | undefined {
  const mount = MOUNTED.find((folder) => isWithin(path, folder));
  if (mount) {
    return {
      range,
      message:
        `SageMaker mounts ${mount} when the job runs, which hides whatever this ${keyword} puts at ${path}. ` +
        'Put files the container needs elsewhere (for example /opt/program, or /opt/ml/code for the training toolkit).',
    };
  }
  if (path === '/opt/ml') {
    return {
      range,
      message:
        `SageMaker mounts ${MOUNTED.join(', ')} inside /opt/ml when the job runs, so content this ${keyword} puts there is hidden. ` +
        'Put files the container needs elsewhere (for example /opt/program, or /opt/ml/code for the training toolkit).',
    };
  }
  return undefined;
}

function volumes(analysis: Analysis): { path: string; range: Range }[] {
  return analysis.model.stepsOf('VOLUME').flatMap((step) =>
    commandWords(analysis, step.instruction)
      .flat()
      .map((word) => ({ expanded: expand(word.text, step.scope, analysis.model.escape), range: word.range }))
      .filter((word) => word.expanded.complete && word.expanded.value !== '')
      .map((word) => ({ path: posix.normalize(posix.resolve(step.workdir, word.expanded.value)).replace(/(.)\/+$/, '$1'), range: word.range })),
  );
}
