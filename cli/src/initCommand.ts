import { parseArgs } from 'node:util';
import * as path from 'node:path';
import type { Io } from './io';
import { DEFAULT_BASE_IMAGE, PROJECT_TEMPLATES, SmctError, initProject } from '../../core/src';

const TEMPLATE_LINES = PROJECT_TEMPLATES.map((template) => `  ${template.id.padEnd(14)}${template.description}`).join('\n');

export const INIT_USAGE = `Usage: smct init FOLDER --template NAME [--serving] [--base-image IMAGE] [--role ARN] [--name NAME]

Writes a complete SageMaker training container project into FOLDER (made when missing): a
Dockerfile, a training program that keeps SageMaker's contract (hyperparameters, channels, the
model folder, the failure file, a checkpoint on SIGTERM), sagemaker-job.json, .dockerignore, a
small sample data set and a README. Nothing is overwritten: if any of its files exists, nothing
is written.

Templates:
${TEMPLATE_LINES}

Options:
  --template NAME      one of the templates above
  --serving            also a "serve" program answering /ping and /invocations on port 8080
  --base-image IMAGE   the Dockerfile's BASE_IMAGE default (default: ${DEFAULT_BASE_IMAGE})
  --role ARN           the IAM role SageMaker runs the job as (the job file's roleArn)
  --name NAME          the job, image and endpoint name (default: made from FOLDER's name)
  -h, --help           show this help

Exit codes: 0 written, 1 it could not be written, 2 usage error or files in the way.
`;

export async function initCommand(argv: readonly string[], io: Io): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      template: { type: 'string' },
      serving: { type: 'boolean', default: false },
      'base-image': { type: 'string' },
      role: { type: 'string' },
      name: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    io.out(INIT_USAGE);
    return 0;
  }
  if (positionals.length !== 1) {
    throw new SmctError('USAGE', 'smct init needs one folder, e.g. "smct init my-job --template scikit-learn" (see smct init --help).');
  }
  if (values.template === undefined) {
    throw new SmctError('USAGE', `smct init needs --template: one of ${PROJECT_TEMPLATES.map((template) => template.id).join(', ')}.`);
  }
  const result = await initProject({
    folder: positionals[0],
    template: values.template,
    serving: values.serving,
    baseImage: values['base-image'],
    roleArn: values.role,
    name: values.name,
  });
  const relative = path.relative(process.cwd(), result.folder) || '.';
  // As the user would type it in a POSIX shell: single-quoted (nothing expands there) unless plain.
  const shown = /^[\w./-]+$/.test(relative) ? relative : `'${relative.replaceAll("'", "'\\''")}'`;
  io.out(`Wrote ${result.files.length} files into ${shown}:\n${result.files.map((file) => `  ${file}`).join('\n')}\n`);
  io.out(`Next: cd ${shown} && npx smct build && npx smct train --local\n`);
  return 0;
}
