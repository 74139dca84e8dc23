import * as posix from 'node:path/posix';
import type { Verb } from '../dockerfile/evidence';
import { displayArgv, PYTHON, scriptArgumentIndex, SHELLS, stripEnv, stripWrapper } from '../dockerfile/program';
import { basename } from '../dockerfile/shellWords';
import { inspectImageConfig, type ImageConfig } from './imageConfig';
import { missingImage, withImageFiles, type ImageFiles, type ImageEntry, type Resolved } from './imageFiles';

/**
 * What SageMaker will start in a built image, checked without running anything of it: the
 * configuration (ENTRYPOINT, PATH, USER, platform) and the few files the process needs.
 * SageMaker starts a training image as `docker run IMAGE train` and an inference image as
 * `docker run IMAGE serve` (https://docs.aws.amazon.com/sagemaker/latest/dg/your-algorithms-training-algo-dockerfile.html,
 * https://docs.aws.amazon.com/sagemaker/latest/dg/your-algorithms-inference-code.html).
 * An error means the job certainly fails; the messages quote what Docker, the kernel or the
 * interpreter print then (runc's words checked on Docker 20.10).
 */

export type ImageCheckId =
  | 'platform'
  | 'program-not-found'
  | 'not-executable'
  | 'exec-format'
  | 'crlf-shebang'
  | 'interpreter-missing'
  | 'script-missing'
  | 'crlf-script'
  | 'not-root'
  | 'hidden-by-mount';

export interface ImageProblem {
  readonly severity: 'error' | 'warning';
  readonly check: ImageCheckId;
  readonly message: string;
}

export interface ImageCheckResult {
  readonly image: string;
  readonly verb: Verb;
  /** `linux/amd64` */
  readonly platform: string;
  /** The process SageMaker starts: ENTRYPOINT + verb, or the job's ContainerEntrypoint and ContainerArguments. */
  readonly argv: readonly string[];
  /** The file Docker executes, found in the image; undefined when it is not there. */
  readonly executable: string | undefined;
  readonly problems: readonly ImageProblem[];
}

/** What a training job sets in place of the image's ENTRYPOINT and the verb (AlgorithmSpecification). */
export interface ProcessOverride {
  readonly containerEntrypoint?: readonly string[];
  readonly containerArguments?: readonly string[];
}

export interface ImageCheckOptions extends ProcessOverride {
  /** `train` (the default) or `serve`. */
  readonly verb?: Verb;
  readonly signal?: AbortSignal;
}

/** Checks an image that is on this machine; IMAGE_MISSING when it is not. Never pulls, never starts it. */
export async function checkImage(image: string, options: ImageCheckOptions = {}): Promise<ImageCheckResult> {
  // The configuration is read while the container is created: a missing image fails both ways.
  const inspected = inspectImageConfig(image, options.signal);
  inspected.catch(() => undefined);
  return withImageFiles(
    image,
    async (files) => {
      const config = await inspected;
      if (!config) throw missingImage(image);
      return checkImageFiles(image, config, files, options.verb ?? 'train', options);
    },
    options.signal,
  );
}

/** The checks over an image's configuration and files (any ImageFiles: Docker's, or a test's). */
export async function checkImageFiles(
  image: string,
  config: ImageConfig,
  files: ImageFiles,
  verb: Verb,
  override: ProcessOverride = {},
): Promise<ImageCheckResult> {
  const problems: ImageProblem[] = [];
  const platform = config.platforms[0] ?? 'linux/amd64';
  const platformProblem = checkPlatform(platform, verb);
  if (platformProblem) problems.push(platformProblem);
  const argv = startedArgv(config, verb, override);
  const [started, hidden] = await Promise.all([checkProcess(config, files, argv, platform, verb), hiddenByMounts(files, verb)]);
  problems.push(...started.problems);
  const userProblem = checkUser(config.user);
  if (userProblem) problems.push(userProblem);
  problems.push(...hidden);
  return { image, verb, platform, argv, executable: started.executable, problems };
}

/**
 * `docker run IMAGE train`: the image's ENTRYPOINT with the verb appended (CMD is replaced). A job's
 * ContainerEntrypoint replaces the ENTRYPOINT and its ContainerArguments the verb, as Docker applies
 * `--entrypoint` and arguments (and as `smct train --local` runs them).
 */
export function startedArgv(config: ImageConfig, verb: Verb, override: ProcessOverride = {}): string[] {
  if (override.containerEntrypoint?.length) return [...override.containerEntrypoint, ...(override.containerArguments ?? [])];
  return [...config.entrypoint, ...(override.containerArguments ?? [verb])];
}

/** One error: the severity every check of the started process has. */
function error(check: ImageCheckId, message: string): ImageProblem {
  return { severity: 'error', check, message };
}

function architectureOf(platform: string): string {
  return platform.split('/')[1] ?? 'amd64';
}

/** Training instances are x86-64; inference may also run on Graviton (arm64). */
function checkPlatform(platform: string, verb: Verb): ImageProblem | undefined {
  const architecture = architectureOf(platform);
  if (architecture === 'amd64') return undefined;
  if (verb === 'train') {
    return error(
      'platform',
      `The image is for ${platform}, but SageMaker training instances are x86-64 (linux/amd64): the job fails with "exec format error". Rebuild it with --platform linux/amd64.`,
    );
  }
  if (architecture === 'arm64') return undefined;
  return error(
    'platform',
    `The image is for ${platform}: SageMaker runs inference on linux/amd64, or linux/arm64 on Graviton instances. Rebuild it for one of them.`,
  );
}

interface ProcessCheck {
  readonly executable: string | undefined;
  readonly problems: readonly ImageProblem[];
}

/**
 * Docker executes argv[0]; an init wrapper (tini --) or env then executes the next program,
 * found on the same PATH; an interpreter (python, sh) then opens its script.
 */
async function checkProcess(config: ImageConfig, files: ImageFiles, argv: readonly string[], platform: string, verb: Verb): Promise<ProcessCheck> {
  const problems: ImageProblem[] = [];
  prefetchScript(config, files, argv);
  let rest = argv;
  let launcher: string | undefined;
  let executable: string | undefined;
  // Bounded: tini -- env python x.py is three programs, and sh -c "exec python x.py" one more.
  for (let step = 0; step < 5; step++) {
    const found = await locateProgram(config, files, rest[0], launcher);
    if ('problem' in found) {
      problems.push(found.problem);
      return { executable, problems };
    }
    executable ??= found.path;
    const contentProblems = await checkContent(config, files, found.path, found.entry, platform, verb, launcher);
    problems.push(...contentProblems);
    if (contentProblems.length > 0) return { executable, problems };
    const next = stripWrapper(stripEnv(rest));
    const command = next === rest ? simpleShellCommand(rest) : next;
    if (command === undefined || command.length === 0) break;
    launcher = rest[0];
    rest = command;
  }
  problems.push(...(await checkScript(config, files, rest)));
  return { executable, problems };
}

/**
 * Starts reading the script that the chain of programs ends with, while the programs themselves are
 * looked for: each file read is one `docker cp`, and the reads are cached, so the later look-up
 * finds it done. Its failure, if any, is reported by that look-up.
 */
function prefetchScript(config: ImageConfig, files: ImageFiles, argv: readonly string[]): void {
  let command = argv;
  for (let step = 0; step < 5; step++) {
    const next = stripWrapper(stripEnv(command));
    const following = next === command ? simpleShellCommand(command) : next;
    if (following === undefined || following.length === 0) break;
    command = following;
  }
  const program = basename(command[0] ?? '');
  const interpreter = PYTHON.test(program) ? 'python' : SHELLS.test(program) ? 'shell' : undefined;
  const script = interpreter && scriptArgument(command, interpreter);
  if (script) files.resolve(posix.resolve(config.workdir, script)).catch(() => undefined);
}

/**
 * The words of `sh -c "python /opt/program/train.py"` (a shell-form ENTRYPOINT) when the command
 * string is plain words: no quotes, variables, redirections or operators, which only a shell can
 * read. A leading `exec` is dropped: the shell replaces itself with the program.
 */
function simpleShellCommand(argv: readonly string[]): readonly string[] | undefined {
  if (!SHELLS.test(basename(argv[0] ?? '')) || argv[1] !== '-c' || argv[2] === undefined) return undefined;
  if (!/^[\w@%+=:,./ -]+$/.test(argv[2])) return undefined;
  const words = argv[2].trim().split(/ +/);
  return words[0] === 'exec' ? words.slice(1) : words;
}

type Located = { readonly path: string; readonly entry: ImageEntry } | { readonly problem: ImageProblem };

/** Where Docker (or a launcher such as env or tini, with execvp) finds `program`, as Go's exec.LookPath does. */
async function locateProgram(config: ImageConfig, files: ImageFiles, program: string, launcher: string | undefined): Promise<Located> {
  if (program.includes('/')) {
    const path = posix.resolve(config.workdir, program);
    const resolved = await files.resolve(path);
    if (!resolved.found) return { problem: error('program-not-found', notFoundAt(program, path, resolved, launcher)) };
    if (!isExecutable(resolved.entry)) return { problem: notExecutable(program, resolved, launcher) };
    return { path, entry: resolved.entry };
  }
  const candidates = config.path.map((folder) => posix.resolve(config.workdir, folder, program));
  const resolved = await Promise.all(candidates.map((candidate) => files.resolve(candidate)));
  const index = resolved.findIndex((found) => found.found && isExecutable(found.entry));
  const chosen = resolved[index];
  if (chosen?.found) return { path: candidates[index], entry: chosen.entry };
  const present = resolved.findIndex((found) => found.found);
  const why =
    present >= 0
      ? ` ${candidates[present]} is in the image but is not an executable file (${describeEntry(resolved[present])}), so it is skipped. Make it executable: COPY --chmod=755, or RUN chmod +x ${candidates[present]}.`
      : ` No folder of the image's PATH (${config.path.join(':') || 'empty'}) has it. Put an executable "${program}" in one of them, or make it the ENTRYPOINT (exec form).`;
  const words = launcher ? launcherWords(launcher, program) : `exec: "${program}": executable file not found in $PATH`;
  return { problem: error('program-not-found', `${words}.${why}`) };
}

/** What a launcher prints when it cannot find the program: env's, a shell's (dash's, bash's), or tini's words. */
function launcherWords(launcher: string, program: string): string {
  const name = basename(launcher);
  if (name === 'env') return `${launcher}: '${program}': No such file or directory`;
  if (name === 'bash') return `${launcher}: line 1: ${program}: command not found`;
  if (SHELLS.test(name)) return `${launcher}: 1: ${program}: not found`;
  return `${launcher} cannot start "${program}" (exec ${program} failed: No such file or directory)`;
}

function notFoundAt(program: string, path: string, resolved: Resolved, launcher: string | undefined): string {
  const where =
    resolved.path === path
      ? ''
      : ` (a symbolic link on the way leads to ${resolved.path}, ${resolved.found ? '' : resolved.reason === 'loop' ? 'a loop' : 'which is missing'})`;
  const words = launcher ? launcherWords(launcher, program) : `exec: "${program}": stat ${path}: no such file or directory`;
  return `${words}: the image has no ${path}${where}. Copy the program there, or fix the path.`;
}

function notExecutable(program: string, resolved: Resolved & { found: true }, launcher: string | undefined): ImageProblem {
  const words = launcher ? `${launcher}: '${program}': Permission denied` : `exec: "${program}": permission denied`;
  const fix =
    resolved.entry.kind === 'directory' ? 'Name the program, not its folder.' : `Make it executable: COPY --chmod=755, or RUN chmod +x ${resolved.path}.`;
  return error('not-executable', `${words}: ${resolved.path} is ${describeEntry(resolved)}. ${fix}`);
}

function describeEntry(resolved: Resolved): string {
  if (!resolved.found) return 'missing';
  const { entry } = resolved;
  if (entry.kind === 'directory') return 'a folder';
  if (entry.kind !== 'file') return 'not a regular file';
  return `mode ${entry.mode.toString(8).padStart(4, '0')}, no execute bit`;
}

function isExecutable(entry: ImageEntry): boolean {
  return entry.kind === 'file' && (entry.mode & 0o111) !== 0;
}

const ELF_MAGIC = Buffer.from([0x7f, 0x45, 0x4c, 0x46]);
/** ELF e_machine values (the System V ABI's registry): what each platform's processor runs. */
const ELF_MACHINES: Readonly<Record<number, string>> = { 0x03: 'x86 (32-bit)', 0x28: 'arm (32-bit)', 0x3e: 'x86-64', 0xb7: 'arm64 (aarch64)' };
const MACHINE_OF_ARCHITECTURE: Readonly<Record<string, readonly number[]>> = { amd64: [0x3e, 0x03], arm64: [0xb7, 0x28] };

/** What the kernel does with the file's first bytes: a Linux binary for the right processor, or a `#!` line. */
async function checkContent(
  config: ImageConfig,
  files: ImageFiles,
  path: string,
  entry: ImageEntry,
  platform: string,
  verb: Verb,
  launcher: string | undefined,
): Promise<ImageProblem[]> {
  const head = entry.head;
  if (head.subarray(0, 4).equals(ELF_MAGIC)) return checkBinary(path, head, platform, verb);
  // Only Docker's own exec fails on a file with no #! line: a launcher's execvp (env, tini) and
  // every shell run such a file with /bin/sh instead.
  if ((head[0] !== 0x23 || head[1] !== 0x21) && launcher !== undefined) return [];
  if (head[0] !== 0x23 || head[1] !== 0x21) {
    return [
      error(
        'exec-format',
        `exec ${path}: exec format error: the file is neither a Linux program nor a script that starts with a #! line. Add a #! line (for example #!/bin/sh, or #!/usr/bin/env python3).`,
      ),
    ];
  }
  const newline = head.indexOf(0x0a);
  const line = head.subarray(2, newline === -1 ? head.length : newline).toString('utf8');
  if (line.endsWith('\r')) {
    const words = line
      .slice(0, -1)
      .trim()
      .split(/[ \t]+/);
    const failure = words.length > 1 ? `${words[0]}: '${words.slice(1).join(' ')}\\r': No such file or directory` : `exec ${path}: no such file or directory`;
    return [
      error(
        'crlf-shebang',
        `${failure}: the #! line of ${path} ends in a carriage return (Windows CRLF line endings), so the kernel looks for "${line.slice(0, -1).trim()}\\r". Convert the file to LF line endings.`,
      ),
    ];
  }
  const [interpreter = '', argument] = splitShebang(line);
  if (interpreter === '') return [error('exec-format', `exec ${path}: exec format error: its #! line names no interpreter.`)];
  const interpreterPath = posix.resolve(config.workdir, interpreter);
  const resolved = await files.resolve(interpreterPath);
  if (!resolved.found || !isExecutable(resolved.entry)) {
    const what = resolved.found ? `${describeEntry(resolved)}` : 'not in the image';
    return [
      error(
        'interpreter-missing',
        `exec ${path}: ${resolved.found ? 'permission denied' : 'no such file or directory'}: its #! line names ${interpreter}, which is ${what}. Install it, or point the #! line at an interpreter the image has.`,
      ),
    ];
  }
  if (basename(interpreter) === 'env' && argument && !argument.startsWith('-') && !/\s/.test(argument)) {
    const program = await locateProgram(config, files, argument, interpreter);
    if ('problem' in program) return [{ ...program.problem, check: 'interpreter-missing', message: `${path}: ${program.problem.message}` }];
  }
  return [];
}

/** The kernel splits a #! line into the interpreter and at most one argument (the rest of the line). */
function splitShebang(line: string): [string, string | undefined] {
  const trimmed = line.replace(/^[ \t]+/, '').replace(/[ \t]+$/, '');
  const space = trimmed.search(/[ \t]/);
  if (space === -1) return [trimmed, undefined];
  return [trimmed.slice(0, space), trimmed.slice(space).trim() || undefined];
}

function checkBinary(path: string, head: Buffer, platform: string, verb: Verb): ImageProblem[] {
  if (head.length < 20) return [];
  const machine = head[5] === 2 ? head.readUInt16BE(18) : head.readUInt16LE(18);
  // Training runs on x86-64 whatever the image says (a wrong platform is reported on its own).
  const architecture = verb === 'train' ? 'amd64' : architectureOf(platform);
  const expected = MACHINE_OF_ARCHITECTURE[architecture];
  if (!expected || expected.includes(machine)) return [];
  const name = ELF_MACHINES[machine] ?? `machine 0x${machine.toString(16)}`;
  return [
    error(
      'exec-format',
      `exec ${path}: exec format error: it is a Linux program for ${name}, and the job runs on ${architecture}. Install the ${architecture} build of it.`,
    ),
  ];
}

/** `python3 /opt/program/train.py`, `sh /run.sh`: the interpreter starts, then cannot open its script. */
async function checkScript(config: ImageConfig, files: ImageFiles, command: readonly string[]): Promise<ImageProblem[]> {
  const program = basename(command[0] ?? '');
  const interpreter = PYTHON.test(program) ? 'python' : SHELLS.test(program) ? 'shell' : undefined;
  if (!interpreter) return [];
  const script = scriptArgument(command, interpreter);
  if (script === undefined) return [];
  const path = posix.resolve(config.workdir, script);
  let resolved = await files.resolve(path);
  // bash, given a name without a slash that is not in the working folder, searches PATH for it.
  if (!resolved.found && program === 'bash' && !script.includes('/')) {
    for (const folder of config.path) {
      const candidate = await files.resolve(posix.join(folder, script));
      if (candidate.found && candidate.entry.kind === 'file') resolved = candidate;
      if (resolved.found) break;
    }
  }
  if (!resolved.found) {
    const words =
      interpreter === 'python'
        ? `${program}: can't open file '${path}': [Errno 2] No such file or directory`
        : `${program}: ${script}: No such file or directory`;
    return [error('script-missing', `${words}: the image has no ${path}. Copy the script there, or fix the path in the ENTRYPOINT.`)];
  }
  if (interpreter === 'shell' && resolved.entry.kind === 'file' && resolved.entry.head.includes('\r\n')) {
    return [
      error('crlf-script', `${program}: ${script}: line 2: $'\\r': command not found: ${path} has Windows (CRLF) line endings. Convert it to LF line endings.`),
    ];
  }
  return [];
}

/** The script an interpreter runs (none for -m, -c): the same reading as the Dockerfile rules'. */
function scriptArgument(command: readonly string[], interpreter: 'python' | 'shell'): string | undefined {
  const index = scriptArgumentIndex(command, 0, interpreter);
  return index === undefined ? undefined : command[index];
}

const ROOT = new Set(['', 'root', '0']);

/** SageMaker mounts /opt/ml for root and "expects all containers to run with root users" (contract §5, as SM402). */
function checkUser(user: string): ImageProblem | undefined {
  const [name, group] = user.split(':');
  if (ROOT.has(name) && (group === undefined || ROOT.has(group))) return undefined;
  return {
    severity: 'warning',
    check: 'not-root',
    message: `The container runs as "${user}", not root: SageMaker mounts /opt/ml for root, so reading input data or writing /opt/ml/model can fail with "permission denied". End the Dockerfile with USER root.`,
  };
}

/**
 * The folders SageMaker mounts over when a training job runs (contract §2.7); a model server gets
 * its model in /opt/ml/model.
 */
const MOUNTED: Readonly<Record<Verb, readonly string[]>> = {
  train: ['/opt/ml/input', '/opt/ml/model', '/opt/ml/output', '/opt/ml/checkpoints'],
  serve: ['/opt/ml/model'],
};

async function hiddenByMounts(files: ImageFiles, verb: Verb): Promise<ImageProblem[]> {
  const entries = await Promise.all(MOUNTED[verb].map((folder) => files.entry(folder)));
  return entries.flatMap((entry, index) =>
    entry?.firstFile
      ? [
          {
            severity: 'warning' as const,
            check: 'hidden-by-mount' as const,
            message: `SageMaker mounts ${MOUNTED[verb][index]} when the job runs, which hides what the image has there (${entry.firstFile}, maybe more). Put files the container needs elsewhere (for example /opt/program, or /opt/ml/code).`,
          },
        ]
      : [],
  );
}

/** Why a build or a submission stops at the image's errors, and how to go on anyway. */
export function imageErrorsRefusal(image: string, errors: number, action: 'build' | 'submit'): string {
  const what = errors === 1 ? 'an error' : `${errors} errors`;
  return `${image} has ${what} that will make the job fail when SageMaker starts it. Fix the Dockerfile and build again, or ${action} anyway with --force.`;
}

export function imageCheckErrors(result: ImageCheckResult): number {
  return result.problems.filter((problem) => problem.severity === 'error').length;
}

/**
 * `IMAGE: severity check message`, as `smct lint` prints `file:line:column: severity rule message`,
 * then the verdict with the process SageMaker starts. `smct check`, `smct build`, `smct submit`
 * and VS Code's output channel print these lines.
 */
export function imageCheckLines(result: ImageCheckResult): string[] {
  const lines = result.problems.map((problem) => `${result.image}: ${problem.severity} ${problem.check} ${problem.message}`);
  const errors = imageCheckErrors(result);
  const warnings = result.problems.length - errors;
  const started = `SageMaker starts "${displayArgv(result.argv)}"${result.executable ? ` (${result.executable})` : ''}, ${result.platform}`;
  const plural = (count: number, word: string): string => `${count} ${word}${count === 1 ? '' : 's'}`;
  lines.push(
    result.problems.length === 0
      ? `No SageMaker problems found in ${result.image}: ${started}.`
      : `${plural(result.problems.length, 'problem')} in ${result.image} (${plural(errors, 'error')}, ${plural(warnings, 'warning')}): ${started}.`,
  );
  return lines;
}
