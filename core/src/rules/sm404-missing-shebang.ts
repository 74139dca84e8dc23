import type { Rule } from './rule';
import { executedContextFiles, sourceRange } from './helpers';

const ELF = Buffer.from([0x7f, 0x45, 0x4c, 0x46]);

/** The kernel executes a script only through its `#!` line; without one: "exec format error" (contract §6). */
export const SM404: Rule = {
  id: 'SM404',
  title: 'Executed script has no shebang',
  severity: 'error',
  appliesTo: 'any',
  check(analysis) {
    return executedContextFiles(analysis).flatMap((file) => {
      if (file.runBy !== 'exec') return [];
      const content = analysis.model.context.readFile(file.contextPath);
      if (!content || content.subarray(0, 2).toString('latin1') === '#!' || content.subarray(0, 4).equals(ELF)) return [];
      return [
        {
          range: sourceRange(file.copy, file.contextPath),
          message:
            `SageMaker executes ${file.imagePath} (from ${file.contextPath}) directly, but it does not start with "#!", so the job fails with ` +
            '"exec format error". Make its first line a shebang such as "#!/usr/bin/env python3" or "#!/bin/sh".',
        },
      ];
    });
  },
};
