import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { formatCheckstyle } from './formats/checkstyle';
import { formatGithub } from './formats/github';
import { formatGitlab } from './formats/gitlab';
import { formatJson } from './formats/json';
import { formatSarif } from './formats/sarif';
import { formatText } from './formats/text';
import { toReported, type ReportedFinding } from './positions';
import {
  FileSystemContext,
  KIND_SETTINGS,
  SmctError,
  findProjectConfig,
  isSmctError,
  lintDockerfile,
  loadProjectConfig,
  mergeSettings,
  readDockerfile,
  severityRank,
  type KindSetting,
  type LoadedConfig,
  type Severity,
} from '../../core/src';

export const LINT_USAGE = `Usage: smct lint [options] FILE...

Checks Dockerfiles for the mistakes that make a SageMaker training or inference job fail.

Options:
  --format FORMAT                 output format (default: text):
                                    text                  one line per finding, then a count
                                    json                  an array of findings
                                    sarif                 SARIF 2.1.0, for GitHub code scanning
                                    checkstyle            Checkstyle XML, for Jenkins and reviewdog
                                    gitlab, codeclimate   GitLab Code Quality (Code Climate issues)
                                    github                GitHub Actions annotations
  --context DIR                   build context (default: from .smct.json, else the Dockerfile's folder)
  --kind training|inference|both  container kind (default: from the file or .smct.json, else auto)
  --target STAGE                  analyse this stage instead of the last one
  --fail-on error|warning|info|none
                                  exit 1 when a finding is at least this severe (default: error)
  --config FILE                   project config file (default: the nearest .smct.json)
  -h, --help                      show this help

Exit codes: 0 no finding at the --fail-on level, 1 findings at that level, 2 usage or read error.
`;

/** What a format needs besides the findings. */
interface ReportContext {
  /** How many files were read and linted. */
  readonly fileCount: number;
  /** The folder paths are made relative to, for reports that CI matches against the repository. */
  readonly cwd: string;
}

const FORMATTERS: Record<string, (findings: readonly ReportedFinding[], context: ReportContext) => string> = {
  text: (findings, { fileCount }) => formatText(findings, fileCount),
  json: (findings) => formatJson(findings),
  sarif: (findings) => formatSarif(findings),
  checkstyle: (findings) => formatCheckstyle(findings),
  gitlab: (findings, { cwd }) => formatGitlab(findings, cwd),
  // The same array: it is what the Code Climate spec calls issues, and what GitLab reads.
  codeclimate: (findings, { cwd }) => formatGitlab(findings, cwd),
  github: (findings, { cwd }) => formatGithub(findings, cwd),
};
const FORMATS = Object.keys(FORMATTERS);
const FAIL_ON = ['error', 'warning', 'info', 'none'];

export interface CommandOutput {
  readonly stdout: string;
  readonly stderr: string;
  readonly exitCode: number;
}

export function lintCommand(argv: readonly string[]): CommandOutput {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      format: { type: 'string', default: 'text' },
      context: { type: 'string' },
      kind: { type: 'string' },
      target: { type: 'string' },
      'fail-on': { type: 'string', default: 'error' },
      config: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return { stdout: LINT_USAGE, stderr: '', exitCode: 0 };
  oneOf('--format', values.format, FORMATS);
  oneOf('--fail-on', values['fail-on'], FAIL_ON);
  if (values.kind !== undefined) oneOf('--kind', values.kind, KIND_SETTINGS);
  if (positionals.length === 0) throw new SmctError('USAGE', 'smct lint needs at least one Dockerfile, e.g. "smct lint Dockerfile" (see smct lint --help).');
  const explicitConfig = values.config !== undefined ? loadProjectConfig(values.config) : undefined;

  const reported: ReportedFinding[] = [];
  const errors: string[] = [];
  const notes: string[] = [];
  for (const file of positionals) {
    try {
      const text = readDockerfile(file);
      const config = explicitConfig ?? nearestConfig(file);
      const settings = mergeSettings(config?.config, { kind: values.kind as KindSetting | undefined, target: values.target });
      const context = path.resolve(
        values.context ?? (config?.config.context ? path.resolve(path.dirname(config.file), config.config.context) : path.dirname(file)),
      );
      const result = lintDockerfile(text, { context: new FileSystemContext(context), settings });
      if (result.analysis.model.targetMissing) {
        const names = result.analysis.model.stages.map((stage) => stage.name).filter(Boolean);
        throw new SmctError('USAGE', `${file} has no stage named "${settings.target}"${names.length ? ` (its stages: ${names.join(', ')})` : ''}.`);
      }
      for (const failure of result.failures) {
        errors.push(`smct: internal error in rule ${failure.rule} on ${file}: ${(failure.error as Error)?.message ?? String(failure.error)}`);
      }
      if (result.contextLimit) {
        notes.push(
          `smct: note: ${file}: the build context ${context} was not read completely (${result.contextLimit}); findings about its files may be missing.`,
        );
      }
      reported.push(...result.findings.map((finding) => toReported(file, finding, text)));
    } catch (error) {
      if (!isSmctError(error, 'USAGE', 'FILE_UNREADABLE')) throw error;
      errors.push(`smct: ${error.message}`);
    }
  }

  const stdout = FORMATTERS[values.format as string](reported, { fileCount: positionals.length - errors.length, cwd: process.cwd() });
  const failOn = values['fail-on'] as Severity | 'none';
  const failed = failOn !== 'none' && reported.some((finding) => severityRank(finding.severity) >= severityRank(failOn));
  return { stdout, stderr: [...notes, ...errors].map((line) => line + '\n').join(''), exitCode: errors.length > 0 ? 2 : failed ? 1 : 0 };
}

function nearestConfig(file: string): LoadedConfig | undefined {
  const found = findProjectConfig(path.dirname(path.resolve(file)));
  return found ? loadProjectConfig(found) : undefined;
}

function oneOf(flag: string, value: string | undefined, allowed: readonly string[]): void {
  if (value === undefined || !allowed.includes(value)) throw new SmctError('USAGE', `${flag} must be one of ${allowed.join(', ')} (got "${value ?? ''}").`);
}
