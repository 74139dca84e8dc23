import { parseArgs } from 'node:util';
import type { Io } from './io';
import { SmctError, checkImage, imageCheckErrors, imageCheckLines, type ImageCheckResult } from '../../core/src';

export const CHECK_USAGE = `Usage: smct check [options] IMAGE

Checks a built image for what makes SageMaker fail to start it, without running anything of it:
the process "docker run IMAGE train" starts (ENTRYPOINT, PATH, the program's file, its mode and
#! line, the interpreter and script), the platform, the user, and files hidden by SageMaker's mounts.
The image must be on this machine's Docker engine; it is never pulled.

Options:
  --kind training|inference   check "train" (default) or "serve"
  --format text|json          output format (default: text)
  -h, --help                  show this help

Exit codes: 0 no error, 1 errors (the job would fail), 2 usage error or no such image.
`;

const KINDS = ['training', 'inference'];
const FORMATS = ['text', 'json'];

export async function checkCommand(argv: readonly string[], io: Io): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: { kind: { type: 'string', default: 'training' }, format: { type: 'string', default: 'text' }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help) {
    io.out(CHECK_USAGE);
    return 0;
  }
  if (!KINDS.includes(values.kind)) throw new SmctError('USAGE', `--kind must be one of ${KINDS.join(', ')} (got "${values.kind}").`);
  if (!FORMATS.includes(values.format)) throw new SmctError('USAGE', `--format must be one of ${FORMATS.join(', ')} (got "${values.format}").`);
  if (positionals.length !== 1) throw new SmctError('USAGE', 'smct check needs one image, e.g. "smct check my-training:latest" (see smct check --help).');
  const result = await checkImage(positionals[0], { verb: values.kind === 'inference' ? 'serve' : 'train', signal: io.signal });
  io.out(values.format === 'json' ? formatCheckJson(result) : formatCheckText(result));
  return imageCheckErrors(result) > 0 ? 1 : 0;
}

/** The lines of imageCheckLines, as `smct lint` prints its findings. */
export function formatCheckText(result: ImageCheckResult): string {
  return imageCheckLines(result).join('\n') + '\n';
}

export function formatCheckJson(result: ImageCheckResult): string {
  return JSON.stringify(result, ['image', 'verb', 'platform', 'argv', 'executable', 'problems', 'severity', 'check', 'message'], 2) + '\n';
}
