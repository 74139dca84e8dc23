import { javaPattern, UntranslatablePatternError } from './javaRegex';
import type { MemberRef, ServiceModel, Shape } from './models';

/**
 * What AWS would refuse in a request, found with the official model:
 * - `constraint`: a required member missing, a length, range, pattern or enum not met (ValidationException);
 * - `unknown-member`: a member the shape does not have, which AWS would drop silently and so hides typos;
 * - `type`: a value of the wrong JSON type (AWS answers SerializationException);
 * - `model`: the model could not be applied (a pattern the emulator cannot translate): a bug of the emulator.
 */
export interface ValidationIssue {
  readonly kind: 'constraint' | 'unknown-member' | 'type' | 'model';
  /** As AWS names it: members in camelCase, list items as `inputDataConfig.1.member`. */
  readonly path: string;
  readonly message: string;
  /** The error code when the service has its own for this rule (S3's InvalidBucketName). */
  readonly code?: string;
}

export interface ValidationOptions {
  /** REST inputs are built from the model's own members (headers, query): nothing unknown can be in them. */
  readonly allowUnknownMembers?: boolean;
}

export class ModelValidationError extends Error {}

/** Validates an operation's input against its input shape; an operation without input takes `{}` only. */
export function validateInput(model: ServiceModel, operation: string, input: unknown, options: ValidationOptions = {}): ValidationIssue[] {
  const op = model.operations[operation];
  if (!op) throw new ModelValidationError(`The model has no operation ${operation}`);
  if (!op.input) {
    const empty = typeof input === 'object' && input !== null && !Array.isArray(input) && Object.keys(input).length === 0;
    return empty ? [] : [{ kind: 'unknown-member', path: '', message: `${operation} takes no input, but was given ${JSON.stringify(input)}` }];
  }
  return validateValue(model, op.input.shape, input, '', options);
}

/** Validates a value against a named shape; `path` is where it sits in the request ('' for the input itself). */
export function validateValue(model: ServiceModel, shapeName: string, value: unknown, path: string, options: ValidationOptions = {}): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  new Checker(model, options, issues).check(shapeName, value, path);
  return issues;
}

/**
 * The error AWS would answer for these issues: InternalFailure when the model could not be applied,
 * SerializationException for wrong types (the request cannot be read at all), else ValidationException
 * with Coral's message, `N validation errors detected: …; …`.
 */
export function issuesError(issues: readonly ValidationIssue[]): { code: string; message: string } | undefined {
  if (issues.length === 0) return undefined;
  const model = issues.filter((issue) => issue.kind === 'model');
  if (model.length > 0) return { code: 'InternalFailure', message: model.map((issue) => issue.message).join('; ') };
  const coded = issues.find((issue) => issue.code !== undefined);
  if (coded) return { code: coded.code as string, message: coded.message };
  const types = issues.filter((issue) => issue.kind === 'type');
  if (types.length > 0) return { code: 'SerializationException', message: types.map((issue) => issue.message).join('; ') };
  const count = issues.length;
  return {
    code: 'ValidationException',
    message: `${count} validation error${count === 1 ? '' : 's'} detected: ${issues.map((issue) => issue.message).join('; ')}`,
  };
}

const INT32 = 2 ** 31;

class Checker {
  constructor(
    private readonly model: ServiceModel,
    private readonly options: ValidationOptions,
    private readonly issues: ValidationIssue[],
  ) {}

  check(shapeName: string, value: unknown, path: string): void {
    const shape = this.shape(shapeName);
    const wrongType = typeProblem(shape, value);
    if (wrongType) {
      this.issues.push({ kind: 'type', path, message: `Cannot read the value at '${path || 'input'}' as ${shapeName} (${shape.type}): ${wrongType}` });
      return;
    }
    for (const failure of this.constraintFailures(shapeName, shape, value, path)) this.constraint(path, shape, value, failure);
    if (shape.type === 'structure') this.structure(shapeName, shape, value as Record<string, unknown>, path);
    else if (shape.type === 'list') this.list(shape, value as unknown[], path);
    else if (shape.type === 'map') this.map(shape, value as Record<string, unknown>, path);
  }

  private shape(name: string): Shape {
    const shape = this.model.shapes[name];
    if (!shape) throw new ModelValidationError(`The model has no shape ${name}`);
    return shape;
  }

  private constraint(path: string, shape: Shape, value: unknown, failure: string): void {
    const shown = shape.sensitive ? 'Value' : `Value ${render(value)}`;
    this.issues.push({ kind: 'constraint', path, message: `${shown} at '${path}' failed to satisfy constraint: ${failure}` });
  }

  private structure(shapeName: string, shape: Shape, value: Record<string, unknown>, path: string): void {
    const members = shape.members ?? {};
    for (const name of shape.required ?? []) {
      if (value[name] === undefined || value[name] === null) {
        this.issues.push({
          kind: 'constraint',
          path: join(path, name),
          message: `Value null at '${join(path, name)}' failed to satisfy constraint: Member must not be null`,
        });
      }
    }
    if (!this.options.allowUnknownMembers) {
      for (const name of Object.keys(value).filter((key) => !(key in members))) {
        this.issues.push({
          kind: 'unknown-member',
          path: join(path, name),
          message: `Value ${render(value[name])} at '${join(path, name)}' failed to satisfy constraint: ${name} is not a member of ${shapeName} (members: ${Object.keys(members).join(', ')})`,
        });
      }
    }
    const set = Object.keys(members).filter((name) => value[name] !== undefined && value[name] !== null);
    if (shape.union && set.length !== 1) {
      this.issues.push({
        kind: 'constraint',
        path,
        message: `Value ${render(value)} at '${path}' failed to satisfy constraint: Union ${shapeName} must have exactly one member set, not ${set.length}`,
      });
    }
    for (const name of set) this.check(members[name].shape, value[name], join(path, name));
  }

  private list(shape: Shape, value: unknown[], path: string): void {
    const member = shape.member as MemberRef;
    value.forEach((item, i) => {
      const itemPath = `${path}.${i + 1}.member`;
      if (item === null || item === undefined) {
        this.issues.push({ kind: 'constraint', path: itemPath, message: `Value null at '${itemPath}' failed to satisfy constraint: Member must not be null` });
      } else {
        this.check(member.shape, item, itemPath);
      }
    });
  }

  /** Scalar keys and values are reported as Coral does, once for the map; composite values are checked where they sit. */
  private map(shape: Shape, value: Record<string, unknown>, path: string): void {
    const key = shape.key as MemberRef;
    const valueRef = shape.value as MemberRef;
    const keyShape = this.shape(key.shape);
    const valueShape = this.shape(valueRef.shape);
    const keyFailures = new Set<string>();
    const valueFailures = new Set<string>();
    for (const [name, item] of Object.entries(value)) {
      for (const failure of this.constraintFailures(key.shape, keyShape, name, path)) keyFailures.add(failure);
      if (item === null || item === undefined) {
        valueFailures.add('Member must not be null');
      } else if (valueShape.type === 'structure' || valueShape.type === 'list' || valueShape.type === 'map') {
        this.check(valueRef.shape, item, `${path}.${name}`);
      } else {
        const wrongType = typeProblem(valueShape, item);
        if (wrongType) {
          this.issues.push({ kind: 'type', path: `${path}.${name}`, message: `Cannot read the value at '${path}.${name}' as ${valueRef.shape}: ${wrongType}` });
        } else for (const failure of this.constraintFailures(valueRef.shape, valueShape, item, path)) valueFailures.add(failure);
      }
    }
    if (keyFailures.size > 0) this.constraint(path, shape, value, `Map keys must satisfy constraint: [${[...keyFailures].join(', ')}]`);
    if (valueFailures.size > 0) this.constraint(path, shape, value, `Map value must satisfy constraint: [${[...valueFailures].join(', ')}]`);
  }

  /** The value's own constraints (length or size, range, pattern, enum), in Coral's words. */
  private constraintFailures(shapeName: string, shape: Shape, value: unknown, path: string): string[] {
    const failures: string[] = [];
    const size = sizeOf(shape, value);
    if (size !== undefined) {
      if (shape.min !== undefined && size < shape.min) failures.push(`Member must have length greater than or equal to ${shape.min}`);
      if (shape.max !== undefined && size > shape.max) failures.push(`Member must have length less than or equal to ${shape.max}`);
    } else if (typeof value === 'number') {
      if (shape.min !== undefined && value < shape.min) failures.push(`Member must have value greater than or equal to ${shape.min}`);
      if (shape.max !== undefined && value > shape.max) failures.push(`Member must have value less than or equal to ${shape.max}`);
    }
    if (typeof value === 'string' && shape.pattern !== undefined && !this.matches(shapeName, shape.pattern, value, path)) {
      // The services' messages show the pattern anchored (`^…`), as their own models had it before botocore dropped the anchors.
      failures.push(`Member must satisfy regular expression pattern: ${shape.pattern.startsWith('^') ? '' : '^'}${shape.pattern}`);
    }
    if (typeof value === 'string' && shape.enum !== undefined && !shape.enum.includes(value)) {
      failures.push(`Member must satisfy enum value set: [${shape.enum.join(', ')}]`);
    }
    return failures;
  }

  /** Whether the value matches; a pattern that cannot be translated is an issue of its own, never a pass. */
  private matches(shapeName: string, pattern: string, value: string, path: string): boolean {
    try {
      return javaPattern(pattern).test(value);
    } catch (error) {
      if (!(error instanceof UntranslatablePatternError)) throw error;
      this.issues.push({ kind: 'model', path, message: `The emulator cannot check '${path}' against the pattern of ${shapeName}: ${error.message}` });
      return true;
    }
  }
}

/** Coral's member paths: each member name with its first letter in lower case. */
function join(path: string, member: string): string {
  const name = member.charAt(0).toLowerCase() + member.slice(1);
  return path ? `${path}.${name}` : name;
}

/** Why the JSON value cannot be the shape's type, or undefined when it can. */
function typeProblem(shape: Shape, value: unknown): string | undefined {
  const got = describe(value);
  switch (shape.type) {
    case 'structure':
    case 'map':
      return typeof value === 'object' && value !== null && !Array.isArray(value) ? undefined : `expected an object, got ${got}`;
    case 'list':
      return Array.isArray(value) ? undefined : `expected an array, got ${got}`;
    case 'string':
      return typeof value === 'string' ? undefined : `expected a string, got ${got}`;
    case 'boolean':
      return typeof value === 'boolean' ? undefined : `expected true or false, got ${got}`;
    case 'integer':
      return Number.isInteger(value) && (value as number) >= -INT32 && (value as number) < INT32 ? undefined : `expected a 32-bit integer, got ${got}`;
    case 'long':
      return Number.isSafeInteger(value) ? undefined : `expected a whole number, got ${got}`;
    case 'float':
    case 'double':
      return typeof value === 'number' || value === 'NaN' || value === 'Infinity' || value === '-Infinity' ? undefined : `expected a number, got ${got}`;
    case 'timestamp':
      // The JSON protocols send epoch seconds, with a fraction for milliseconds.
      return typeof value === 'number' && Number.isFinite(value) ? undefined : `expected epoch seconds (a number), got ${got}`;
    case 'blob':
      return typeof value === 'string' && /^[A-Za-z0-9+/]*={0,2}$/.test(value) && value.length % 4 === 0 ? undefined : `expected base64 text, got ${got}`;
    default:
      return `the model's type ${String(shape.type)} is unknown to the emulator`;
  }
}

/** Length in code points for strings, bytes for blobs, entries for lists and maps; undefined for numbers. */
function sizeOf(shape: Shape, value: unknown): number | undefined {
  if (shape.type === 'blob' && typeof value === 'string') return Buffer.from(value, 'base64').length;
  if (typeof value === 'string') return [...value].length;
  if (Array.isArray(value)) return value.length;
  if (shape.type === 'map' && typeof value === 'object' && value !== null) return Object.keys(value).length;
  return undefined;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  if (typeof value === 'object') return 'an object';
  return `the ${typeof value} ${String(value)}`;
}

/** A value as Coral prints it in messages: Java's toString, quoted. */
function render(value: unknown): string {
  return `'${inner(value)}'`;
}

function inner(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(inner).join(', ')}]`;
  if (typeof value === 'object' && value !== null) {
    return `{${Object.entries(value)
      .map(([key, item]) => `${key}=${inner(item)}`)
      .join(', ')}}`;
  }
  return String(value);
}
