import type { ErrorObject } from 'ajv';

/**
 * One line that names the file, the key and what is wrong with it, from ajv's errors: the most
 * specific error (the deepest key) is the one a person can act on.
 */
export function describeSchemaError(file: string, errors: readonly ErrorObject[] | null | undefined): string {
  const problem = [...(errors ?? [])].sort((a, b) => b.instancePath.split('/').length - a.instancePath.split('/').length)[0];
  if (!problem) return `${file} is invalid.`;
  const where = problem.instancePath ? problem.instancePath.slice(1).replace(/\//g, '.') : '(top level)';
  const params = problem.params as Record<string, unknown>;
  const allowed = Array.isArray(params.allowedValues) ? `: use one of ${(params.allowedValues as string[]).join(', ')}` : '';
  const extra = typeof params.additionalProperty === 'string' ? ` "${params.additionalProperty}"` : '';
  const missing = typeof params.missingProperty === 'string' ? ` "${params.missingProperty}"` : '';
  return `${file}: ${where}${extra} ${problem.message ?? 'is invalid'}${missing && !problem.message?.includes(missing.trim()) ? missing : ''}${allowed}.`;
}
