// The one error type of every expected failure. It is recognised by its `code`, never by class
// identity: the AWS half is bundled apart (dist/aws.js) and carries its own copy of this class.

/** What went wrong, by kind; the exit code each kind ends `smct` with is in EXIT_CODES. */
export type SmctErrorCode =
  /** A command line smct cannot read: an unknown command or flag, a missing value. */
  | 'USAGE'
  /** A file the command needs is missing or unreadable (a Dockerfile, a folder). */
  | 'FILE_UNREADABLE'
  /** `.smct.json` is not valid. */
  | 'CONFIG_INVALID'
  /** The job file is missing or not valid. */
  | 'JOB_FILE_INVALID'
  /** No AWS region is given anywhere (flag, job file, environment, profile). */
  | 'REGION_MISSING'
  /** The request the job file makes is one SageMaker refuses (role, region, limits). */
  | 'REQUEST_INVALID'
  /** The image named is not on this machine's Docker engine (smct check). */
  | 'IMAGE_MISSING'
  /** The Dockerfile has errors, so it is not built. */
  | 'LINT_ERRORS'
  /** The built image will certainly fail when SageMaker starts it (smct check's errors stop a submission). */
  | 'IMAGE_ERRORS'
  /** No Docker command, or its daemon does not answer. */
  | 'DOCKER_UNAVAILABLE'
  /** `docker build` (or another Docker step) failed. */
  | 'BUILD_FAILED'
  /** A local job could not run (its container could not start, a folder could not be made). */
  | 'LOCAL_RUN_FAILED'
  /** The instance type has GPUs (or Neuron devices) that this machine's Docker engine cannot give: run on the CPU when asked. */
  | 'ACCELERATOR_UNAVAILABLE'
  /** A local endpoint did not become healthy, or died (smct serve --local). */
  | 'SERVE_FAILED'
  /** A local batch transform failed: the container, or records it refused. */
  | 'TRANSFORM_FAILED'
  /** An endpoint on SageMaker failed to create or update (its FailureReason is the message). */
  | 'ENDPOINT_FAILED'
  /** `smct init` would overwrite files that exist: it writes nothing. */
  | 'INIT_EXISTS'
  /** `smct init` could not write the project (a permission, a full disk); what it wrote is removed. */
  | 'INIT_FAILED'
  /** AWS: credentials missing, expired or refused. */
  | 'AWS_CREDENTIALS'
  /** AWS: a permission is missing. */
  | 'AWS_ACCESS'
  /** AWS: a quota is used up. */
  | 'AWS_QUOTA'
  /** AWS: the request or the resource it names is refused (validation, not found). */
  | 'AWS_INVALID'
  /** AWS: throttled after the SDK's retries. */
  | 'AWS_THROTTLED'
  /** AWS: the endpoint cannot be reached. */
  | 'AWS_NETWORK'
  /** AWS: any other refusal, explained. */
  | 'AWS_OTHER'
  /** The user pressed Ctrl-C or cancelled. */
  | 'CANCELLED';

/** 2: the input (command line, files) is wrong; 1: the work was done and failed, or could not be; 130: Ctrl-C. */
export const EXIT_CODES: Readonly<Record<SmctErrorCode, number>> = {
  USAGE: 2,
  FILE_UNREADABLE: 2,
  CONFIG_INVALID: 2,
  JOB_FILE_INVALID: 2,
  REGION_MISSING: 2,
  REQUEST_INVALID: 2,
  IMAGE_MISSING: 2,
  LINT_ERRORS: 1,
  IMAGE_ERRORS: 1,
  DOCKER_UNAVAILABLE: 1,
  BUILD_FAILED: 1,
  LOCAL_RUN_FAILED: 1,
  ACCELERATOR_UNAVAILABLE: 1,
  SERVE_FAILED: 1,
  TRANSFORM_FAILED: 1,
  ENDPOINT_FAILED: 1,
  INIT_EXISTS: 2,
  INIT_FAILED: 1,
  AWS_CREDENTIALS: 1,
  AWS_ACCESS: 1,
  AWS_QUOTA: 1,
  AWS_INVALID: 1,
  AWS_THROTTLED: 1,
  AWS_NETWORK: 1,
  AWS_OTHER: 1,
  // As a shell reports a command ended by SIGINT.
  CANCELLED: 130,
};

/** The property that marks an SmctError whichever bundle made it. */
const BRAND = 'smctErrorCode';

/** An expected failure: its message is one line that says what is wrong and what to do. */
export class SmctError extends Error {
  readonly [BRAND]: SmctErrorCode;

  constructor(
    readonly code: SmctErrorCode,
    message: string,
    /** A command line that fixes it, such as `aws sso login --profile dev`. */
    readonly fix?: string,
  ) {
    super(message);
    this.name = 'SmctError';
    this[BRAND] = code;
  }
}

/** Whether `error` is an SmctError (of one of `codes`, when given), from this bundle or another. */
export function isSmctError(error: unknown, ...codes: SmctErrorCode[]): error is SmctError {
  if (typeof error !== 'object' || error === null) return false;
  const code = (error as Record<string, unknown>)[BRAND];
  return typeof code === 'string' && code in EXIT_CODES && (codes.length === 0 || codes.includes(code as SmctErrorCode));
}

/** An abort (Ctrl-C, a cancelled VS Code progress), as Node and the AWS SDK signal it. */
export function isCancellation(error: unknown): boolean {
  return isSmctError(error, 'CANCELLED') || (typeof error === 'object' && error !== null && (error as Error).name === 'AbortError');
}

/** The exit code for a failure: an SmctError's own, 130 for a cancellation, else 1. */
export function exitCodeOf(error: unknown): number {
  if (isSmctError(error)) return EXIT_CODES[error.code];
  return isCancellation(error) ? 130 : 1;
}
