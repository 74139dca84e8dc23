/** A problem with the command line or its inputs: printed as one clear line, exit code 2. */
export class UsageError extends Error {}
