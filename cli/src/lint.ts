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
  baseReferenceOf,
  FileSystemContext,
  inspectLocalImages,
  localImageLookup,
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
  type LintSettings,
  type LoadedConfig,
  type LocalImageLookup,
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
  --no-docker                     do not read base images already on this machine (by default
                                  docker image inspect reads them, never pulls; no Docker: no error)
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

export interface LintCommandOptions {
  /** Aborted on Ctrl-C: stops the reading of local base images. */
  readonly signal?: AbortSignal;
  /** Reads the base images from the local engine; tests wrap it to see what it was asked and answered. */
  readonly inspectLocalImages?: typeof inspectLocalImages;
}

/** One Dockerfile's lint, as reported: what it found, and the lines for standard error. */
interface FileLint {
  readonly file: string;
  readonly findings: readonly ReportedFinding[];
  readonly errors: readonly string[];
  readonly notes: readonly string[];
  /** How to lint it again with the configurations of local base images. */
  readonly relint?: (localImage: LocalImageLookup) => FileLint;
  /** The external image its stage chain starts from, when the local engine can be asked for it. */
  readonly baseReference?: string;
}

export async function lintCommand(argv: readonly string[], options: LintCommandOptions = {}): Promise<CommandOutput> {
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
      'no-docker': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return { stdout: LINT_USAGE, stderr: '', exitCode: 0 };
  oneOf('--format', values.format, FORMATS);
  oneOf('--fail-on', values['fail-on'], FAIL_ON);
  if (values.kind !== undefined) oneOf('--kind', values.kind, KIND_SETTINGS);
  if (positionals.length === 0) throw new SmctError('USAGE', 'smct lint needs at least one Dockerfile, e.g. "smct lint Dockerfile" (see smct lint --help).');
  const explicitConfig = values.config !== undefined ? loadProjectConfig(values.config) : undefined;
  const request: LintRequest = { explicitConfig, kind: values.kind as KindSetting | undefined, target: values.target, context: values.context };

  const linted: FileLint[] = [];
  for (const file of positionals) {
    linted.push(lintFile(file, request));
    // Linting is synchronous: between files, a Ctrl-C gets its turn.
    await nextTurn();
  }
  if (!values['no-docker']) await lintAgainWithLocalImages(linted, options);

  const reported = linted.flatMap((lint) => lint.findings);
  const errors = linted.flatMap((lint) => lint.errors);
  const notes = linted.flatMap((lint) => lint.notes);
  const stdout = FORMATTERS[values.format as string](reported, { fileCount: positionals.length - errors.length, cwd: process.cwd() });
  const failOn = values['fail-on'] as Severity | 'none';
  const failed = failOn !== 'none' && reported.some((finding) => severityRank(finding.severity) >= severityRank(failOn));
  return { stdout, stderr: [...notes, ...errors].map((line) => line + '\n').join(''), exitCode: errors.length > 0 ? 2 : failed ? 1 : 0 };
}

interface LintRequest {
  readonly explicitConfig: LoadedConfig | undefined;
  readonly kind: KindSetting | undefined;
  readonly target: string | undefined;
  readonly context: string | undefined;
}

function lintFile(file: string, request: LintRequest): FileLint {
  let text: string;
  let settings: LintSettings;
  let context: string;
  try {
    text = readDockerfile(file);
    const config = request.explicitConfig ?? nearestConfig(file);
    settings = mergeSettings(config?.config, { kind: request.kind, target: request.target });
    context = path.resolve(request.context ?? (config?.config.context ? path.resolve(path.dirname(config.file), config.config.context) : path.dirname(file)));
  } catch (error) {
    return failedLint(file, error);
  }
  const lint = (localImage?: LocalImageLookup): FileLint => {
    try {
      const result = lintDockerfile(text, { context: new FileSystemContext(context), settings, localImage });
      if (result.analysis.model.targetMissing) {
        const names = result.analysis.model.stages.map((stage) => stage.name).filter(Boolean);
        throw new SmctError('USAGE', `${file} has no stage named "${settings.target}"${names.length ? ` (its stages: ${names.join(', ')})` : ''}.`);
      }
      return {
        file,
        findings: result.findings.map((finding) => toReported(file, finding, text)),
        errors: result.failures.map(
          (failure) => `smct: internal error in rule ${failure.rule} on ${file}: ${(failure.error as Error)?.message ?? String(failure.error)}`,
        ),
        notes: result.contextLimit
          ? [`smct: note: ${file}: the build context ${context} was not read completely (${result.contextLimit}); findings about its files may be missing.`]
          : [],
        relint: lint,
        baseReference: baseReferenceOf(result.analysis.model),
      };
    } catch (error) {
      return failedLint(file, error);
    }
  };
  return lint();
}

function failedLint(file: string, error: unknown): FileLint {
  if (!isSmctError(error, 'USAGE', 'FILE_UNREADABLE')) throw error;
  return { file, findings: [], errors: [`smct: ${error.message}`], notes: [] };
}

/**
 * What a Dockerfile inherits from a base image already on this machine (its ENTRYPOINT, PATH, …)
 * is read with `docker image inspect`, never pulled. Most bases are not there (and CI often has
 * no Docker at all, which is no error): only the files whose base was found are linted again.
 */
async function lintAgainWithLocalImages(linted: FileLint[], options: LintCommandOptions): Promise<void> {
  const references = linted.map((lint) => lint.baseReference).filter((reference) => reference !== undefined);
  if (references.length === 0) return;
  const read = await (options.inspectLocalImages ?? inspectLocalImages)(references, { signal: options.signal });
  if (read.found.size === 0) return;
  const lookup = localImageLookup(read.found);
  for (const [index, lint] of linted.entries()) {
    if (lint.relint && lint.baseReference !== undefined && read.found.has(lint.baseReference)) {
      linted[index] = lint.relint(lookup);
      await nextTurn();
    }
  }
}

function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

function nearestConfig(file: string): LoadedConfig | undefined {
  const found = findProjectConfig(path.dirname(path.resolve(file)));
  return found ? loadProjectConfig(found) : undefined;
}

function oneOf(flag: string, value: string | undefined, allowed: readonly string[]): void {
  if (value === undefined || !allowed.includes(value)) throw new SmctError('USAGE', `${flag} must be one of ${allowed.join(', ')} (got "${value ?? ''}").`);
}
