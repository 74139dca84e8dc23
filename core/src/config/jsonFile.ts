import * as fs from 'node:fs';
import Ajv, { type ValidateFunction } from 'ajv';
import { parseJson } from './jsonText';
import { describeSchemaError } from './schemaErrors';

/**
 * A JSON file checked against a JSON Schema (compiled on first use: compiling costs more than
 * the rest of `smct lint`'s start). Every problem is thrown as `makeError(message)`, one line
 * naming the file and the key.
 */
export class SchemaFile<T> {
  private validate: ValidateFunction<T> | undefined;

  constructor(
    private readonly schema: object,
    private readonly makeError: (message: string) => Error,
    private readonly whenMissing: (file: string) => string = (file) => `${file}: no such file.`,
  ) {}

  load(file: string): T {
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw this.makeError(code === 'ENOENT' ? this.whenMissing(file) : `Cannot read ${file}: ${code ?? String(error)}.`);
    }
    const parsed = parseJson(text);
    if ('syntaxError' in parsed) throw this.makeError(`${file}: ${parsed.syntaxError.message}`);
    this.validate ??= new Ajv({ allErrors: true, allowUnionTypes: true }).compile<T>(this.schema);
    if (!this.validate(parsed.value)) throw this.makeError(describeSchemaError(file, this.validate.errors));
    return parsed.value;
  }
}
