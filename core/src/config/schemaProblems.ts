// ajv's errors turned into problems a person can act on: each names its key path and says what
// is wrong in words ("`resources.instanceCount` must be a whole number, got \"two\""). It needs
// ajv's `allErrors` (every problem of a run at once) and `verbose` (each error carries the value
// and the schema it checked: the value for "got …", the schema for the keys a typo could mean).
// Schemas here use no $ref: a oneOf's branches are found by their schema paths.
import type { ErrorObject } from 'ajv';
import { closestMatch } from './closestMatch';
import { quotedKeyPath, type FileProblem } from './fileProblems';

/** Unknown keys are followed by the keys allowed there when there are no more than this. */
const MAX_KEYS_LISTED = 8;
/** Values and keys quoted in messages are cut here, so that a message stays a readable line. */
const MAX_VALUE_LENGTH = 40;

/** One problem per mistake, in the order ajv found them (the caller sorts them in file order). */
export function schemaProblems(errors: readonly ErrorObject[]): FileProblem[] {
  const relevant = withoutTyposRequirements(withoutPropertyNamesSummaries(withoutOtherBranches(errors)));
  return relevant.map(describe);
}

/** The key path of an ajv instance path (a JSON pointer: `/inputs/training` with `~1` for `/` and `~0` for `~`). */
export function pointerPath(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((key) => key.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/**
 * Of a oneOf or anyOf that failed, only the branch for the value's type speaks: a channel given as
 * an object is told what is wrong with the object, not also that it is not a string. A value of
 * no branch's type gets one problem, the types it may have.
 */
function withoutOtherBranches(errors: readonly ErrorObject[]): ErrorObject[] {
  const dropped = new Set<ErrorObject>();
  const choices = errors.filter((error) => error.keyword === 'oneOf' || error.keyword === 'anyOf').sort((a, b) => a.schemaPath.length - b.schemaPath.length);
  for (const choice of choices) {
    if (dropped.has(choice)) continue;
    const inside = errors.filter((error) => error !== choice && isInside(error, choice));
    const branch = chosenBranch(choice, inside);
    for (const error of inside) if (branch === undefined || !error.schemaPath.startsWith(`${choice.schemaPath}/${branch}/`)) dropped.add(error);
    if (branch !== undefined) dropped.add(choice);
  }
  return errors.filter((error) => !dropped.has(error));
}

function isInside(error: ErrorObject, choice: ErrorObject): boolean {
  const sameValue = error.instancePath === choice.instancePath || error.instancePath.startsWith(`${choice.instancePath}/`);
  return sameValue && error.schemaPath.startsWith(`${choice.schemaPath}/`);
}

/** The first branch that takes the value's type and has something to say, if any. */
function chosenBranch(choice: ErrorObject, inside: readonly ErrorObject[]): number | undefined {
  const branches = Array.isArray(choice.schema) ? (choice.schema as unknown[]) : [];
  const index = branches.findIndex(
    (branch, i) => typeAccepts(schemaType(branch), choice.data) && inside.some((error) => error.schemaPath.startsWith(`${choice.schemaPath}/${i}/`)),
  );
  return index < 0 ? undefined : index;
}

function schemaType(schema: unknown): string[] | undefined {
  const type = (schema as { type?: unknown } | undefined)?.type;
  if (typeof type === 'string') return [type];
  return Array.isArray(type) ? (type as string[]) : undefined;
}

/** Whether a schema `type` takes a value; no type takes every value. */
function typeAccepts(types: readonly string[] | undefined, value: unknown): boolean {
  if (!types) return true;
  const actual = jsonType(value);
  return types.includes(actual) || (actual === 'integer' && types.includes('number'));
}

function jsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

/** ajv reports a bad key once for the rule it breaks and once more to say "property name must be valid"; the first says more. */
function withoutPropertyNamesSummaries(errors: readonly ErrorObject[]): ErrorObject[] {
  return errors.filter(
    (error) =>
      error.keyword !== 'propertyNames' ||
      !errors.some((detail) => detail.propertyName === error.params.propertyName && detail.instancePath === error.instancePath),
  );
}

/** `souce` for `source` is one mistake: the suggestion says it, so "`source` is required" beside it would say it twice. */
function withoutTyposRequirements(errors: readonly ErrorObject[]): ErrorObject[] {
  const suggested = new Set(
    errors
      .filter((error) => error.keyword === 'additionalProperties')
      .map((error) => `${error.instancePath}/${closestMatch(String(error.params.additionalProperty), allowedKeys(error)) ?? ''}`),
  );
  return errors.filter((error) => error.keyword !== 'required' || !suggested.has(`${error.instancePath}/${String(error.params.missingProperty)}`));
}

/** The keys an object may have, from the schema that refused one (ajv's verbose `parentSchema`); `$schema` and the like left out. */
function allowedKeys(error: ErrorObject): string[] {
  const properties = (error.parentSchema as { properties?: object } | undefined)?.properties ?? {};
  return Object.keys(properties).filter((key) => !key.startsWith('$'));
}

function describe(error: ErrorObject): FileProblem {
  const path = pointerPath(error.instancePath);
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'required': {
      const missing = [...path, String(params.missingProperty)];
      return { path: missing, message: `${quotedKeyPath(missing)} is required` };
    }
    case 'additionalProperties': {
      const key = String(params.additionalProperty);
      return { path: [...path, key], message: unknownKey(key, path, allowedKeys(error)) };
    }
    case 'propertyNames': {
      const key = String(params.propertyName);
      return { path: [...path, key], message: `${quotedKeyPath(path)} may not have the key ${keyWords(key)}` };
    }
  }
  // Errors about a key's name (from propertyNames) are about the key, not the value it holds.
  if (error.propertyName !== undefined) {
    return { path: [...path, error.propertyName], message: `${subject(path)} key ${keyWords(error.propertyName)} ${keyRule(error)}` };
  }
  return { path, message: `${subject(path)} ${valueRule(error)}` };
}

function subject(path: readonly string[]): string {
  return path.length === 0 ? 'the file' : quotedKeyPath(path);
}

function unknownKey(key: string, where: readonly string[], allowed: readonly string[]): string {
  const place = where.length === 0 ? '' : ` in ${quotedKeyPath(where)}`;
  const meant = closestMatch(key, allowed);
  if (meant !== undefined) return `unknown key ${keyWords(key)}${place}: did you mean \`${meant}\`?`;
  if (allowed.length > 0 && allowed.length <= MAX_KEYS_LISTED) return `unknown key ${keyWords(key)}${place}; the keys allowed there: ${allowed.join(', ')}`;
  return `unknown key ${keyWords(key)}${place}`;
}

/** A key as a message quotes it, cut like a value. */
function keyWords(key: string): string {
  return `\`${cut(key)}\``;
}

/** What a key's name breaks; the name itself is already in the message. */
function keyRule(error: ErrorObject): string {
  if (error.keyword === 'pattern') {
    const words = patternWords(error);
    return words ? `is ${words}` : `does not match the pattern ${String(error.schema)}`;
  }
  return valueRule(error);
}

/** What a value breaks, as a predicate: "must be a whole number, got \"two\"". */
function valueRule(error: ErrorObject): string {
  const params = error.params as Record<string, unknown>;
  const got = `got ${valueWords(error.data)}`;
  const limit = Number(params.limit);
  switch (error.keyword) {
    case 'type':
      return `must be ${typeWords([params.type].flat() as string[])}, ${got}`;
    case 'oneOf':
    case 'anyOf': {
      if (Array.isArray(params.passingSchemas)) return `matches more than one of the forms it may take, ${got}`;
      const types = (Array.isArray(error.schema) ? (error.schema as unknown[]) : []).flatMap((branch) => schemaType(branch) ?? []);
      return types.length > 0 ? `must be ${typeWords(types)}, ${got}` : `matches none of the forms it may take, ${got}`;
    }
    case 'enum':
      return enumRule((params.allowedValues as unknown[]) ?? [], error.data);
    case 'const':
      return `must be ${JSON.stringify(params.allowedValue)}, ${got}`;
    case 'pattern': {
      const words = patternWords(error);
      return words
        ? `is ${valueWords(error.data)}, which is ${words}`
        : `is ${valueWords(error.data)}, which does not match the pattern ${String(error.schema)}`;
    }
    case 'minLength':
      return limit === 1 ? 'must not be empty' : `must be at least ${limit} characters long, got ${characters(error.data)}`;
    case 'maxLength':
      return `must be at most ${limit} characters long, got ${characters(error.data)}`;
    case 'minimum':
      return `must be at least ${limit}, ${got}`;
    case 'maximum':
      return `must be at most ${limit}, ${got}`;
    case 'exclusiveMinimum':
      return `must be more than ${limit}, ${got}`;
    case 'exclusiveMaximum':
      return `must be less than ${limit}, ${got}`;
    case 'multipleOf':
      return `must be a multiple of ${String(params.multipleOf)}, ${got}`;
    case 'minItems':
      return limit === 1 ? 'must not be empty' : `must have at least ${limit} items, got ${count(error.data)}`;
    case 'maxItems':
      return `must have at most ${limit} items, got ${count(error.data)}`;
    case 'minProperties':
      return limit === 1 ? 'must not be empty' : `must have at least ${limit} entries, got ${count(error.data)}`;
    case 'maxProperties':
      return `must have at most ${limit} entries, got ${count(error.data)}`;
    case 'uniqueItems':
      return `must not repeat an item (items ${String(params.j)} and ${String(params.i)} are the same)`;
    default:
      return error.message ?? 'is not valid';
  }
}

function enumRule(allowed: readonly unknown[], value: unknown): string {
  const listed = allowed.map((item) => (typeof item === 'string' ? item : JSON.stringify(item))).join(', ');
  const meant =
    typeof value === 'string'
      ? closestMatch(
          value,
          allowed.filter((item): item is string => typeof item === 'string'),
        )
      : undefined;
  return `must be one of ${listed}, got ${valueWords(value)}${meant === undefined ? '' : `: did you mean ${meant}?`}`;
}

/**
 * The schema's own words for a pattern, from `patternErrorMessage` (which VS Code shows as it is
 * when it checks the file against the schema). They are written "Not <what is expected>." so
 * that they read after "is" here: "is not a valid environment variable name (…)".
 */
function patternWords(error: ErrorObject): string | undefined {
  const words = (error.parentSchema as { patternErrorMessage?: unknown } | undefined)?.patternErrorMessage;
  if (typeof words !== 'string' || !/^Not /.test(words)) return undefined;
  return `n${words.slice(1).replace(/\.$/, '')}`;
}

const TYPE_WORDS: Readonly<Record<string, string>> = {
  string: 'a string',
  integer: 'a whole number',
  number: 'a number',
  boolean: 'true or false',
  object: 'an object ({…})',
  array: 'a list ([…])',
  null: 'null',
};

function typeWords(types: readonly string[]): string {
  const words = [...new Set(types.map((type) => TYPE_WORDS[type] ?? type))];
  return words.length === 1 ? words[0] : `${words.slice(0, -1).join(', ')} or ${words[words.length - 1]}`;
}

function cut(text: string): string {
  return text.length > MAX_VALUE_LENGTH ? `${text.slice(0, MAX_VALUE_LENGTH)}…` : text;
}

/** A value as a message shows it: strings quoted (and cut), containers named. */
function valueWords(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(cut(value));
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object' && value !== null) return 'an object';
  return String(value);
}

/** Characters as ajv counts them for minLength and maxLength: code points, not UTF-16 units. */
function characters(value: unknown): number {
  return typeof value === 'string' ? [...value].length : 0;
}

function count(value: unknown): number {
  if (Array.isArray(value)) return value.length;
  return typeof value === 'object' && value !== null ? Object.keys(value).length : 0;
}
