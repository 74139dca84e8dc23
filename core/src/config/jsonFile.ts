import * as fs from 'node:fs';
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import { describeProblems, type FileProblem, type LocatedProblem } from './fileProblems';
import { parseJson, type JsonText } from './jsonText';
import { pointerPath, schemaProblems } from './schemaProblems';

/** A file's text read as JSON and checked against the schema, before anything else is asked of it. */
export type CheckedJson =
  | { readonly syntaxError: LocatedProblem }
  | {
      readonly value: unknown;
      /** Every schema problem, not yet in file order: the caller may add its own before locating them all. */
      readonly problems: readonly FileProblem[];
      readonly text: JsonText;
    };

/**
 * A JSON file checked against a JSON Schema (compiled on first use: compiling costs more than
 * the rest of `smct lint`'s start). Every problem of the file is thrown at once as
 * `makeError(message)`: the file's name, then one line per problem naming its key.
 */
export class SchemaFile<T> {
  private compiled: ValidateFunction<T> | undefined;

  constructor(
    private readonly schema: object,
    private readonly makeError: (message: string) => Error,
    private readonly whenMissing: (file: string) => string = (file) => `${file}: no such file.`,
  ) {}

  /** The file as a valid value, or an error naming `file` (as the caller gave it) and listing every problem. */
  load(file: string): T {
    const checked = this.check(this.read(file));
    const problems = 'syntaxError' in checked ? [checked.syntaxError] : checked.text.locate(checked.problems);
    if (problems.length > 0) throw this.fail(file, problems);
    return (checked as { value: T }).value;
  }

  read(file: string): string {
    try {
      return fs.readFileSync(file, 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw this.makeError(code === 'ENOENT' ? this.whenMissing(file) : `Cannot read ${file}: ${code ?? String(error)}.`);
    }
  }

  check(source: string): CheckedJson {
    const parsed = parseJson(source);
    if ('syntaxError' in parsed) return parsed;
    const validate = this.validator();
    const problems = validate(parsed.value) ? [] : schemaProblems(validate.errors ?? []);
    return { value: parsed.value, problems, text: parsed.text };
  }

  fail(file: string, problems: readonly FileProblem[]): Error {
    return this.makeError(describeProblems(file, problems));
  }

  /**
   * A copy of the value without the parts the schema refuses, so that later checks (SageMaker's
   * limits) can look at the rest and a run reports everything at once. Removing a part can leave
   * its parent invalid (a channel without its `source`), so it goes on until nothing more can be
   * removed; what the top level itself lacks (a required key) stays missing.
   */
  validPart(value: unknown): unknown {
    const copy = structuredClone(value);
    const validate = this.validator();
    for (let round = 0; round < MAX_PRUNING_ROUNDS && !validate(copy); round++) {
      const parts = (validate.errors ?? []).map((error) => invalidPart(copy, error)).filter((path) => path.length > 0);
      if (parts.length === 0) break;
      parts.forEach((path) => removeAt(copy, path));
    }
    return copy;
  }

  private validator(): ValidateFunction<T> {
    // verbose: each error carries the value and the schema it checked, which the messages quote.
    // patternErrorMessage is VS Code's keyword for a pattern's words; ajv is told it is one.
    this.compiled ??= new Ajv({ allErrors: true, allowUnionTypes: true, verbose: true })
      .addKeyword({ keyword: 'patternErrorMessage', schemaType: 'string' })
      .compile<T>(this.schema);
    return this.compiled;
  }
}

/** Every round removes at least one level of the file; job and config files are a few levels deep. */
const MAX_PRUNING_ROUNDS = 10;

/** The key path of the part an error is about: the unknown key, the badly named key, the object missing a key, or the value. */
function invalidPart(root: unknown, error: ErrorObject): string[] {
  const path = pointerPath(error.instancePath);
  const key = error.keyword === 'additionalProperties' ? error.params.additionalProperty : (error.propertyName ?? error.params.propertyName);
  const part = typeof key === 'string' && error.keyword !== 'required' ? [...path, key] : path;
  // A list without one of its items would renumber the others; the list goes as a whole.
  return Array.isArray(valueAt(root, part.slice(0, -1))) ? part.slice(0, -1) : part;
}

function valueAt(root: unknown, path: readonly string[]): unknown {
  return path.reduce<unknown>((value, key) => (typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined), root);
}

function removeAt(root: unknown, path: readonly string[]): void {
  const parent = valueAt(root, path.slice(0, -1));
  if (typeof parent === 'object' && parent !== null) Reflect.deleteProperty(parent, path[path.length - 1]);
}
