import { Ajv, type AnySchemaObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';

// ajv-formats is CommonJS: under nodenext its default export arrives as the module object.
const addFormats = addFormatsModule.default;

const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true });
addFormats(ajv, ['uuid', 'date-time']);

// Compiling is the expensive part of ajv; each schema is compiled once per process.
const compiled = new WeakMap<AnySchemaObject, ValidateFunction>();

/** A problem description when `value` does not match `schema`, otherwise null. */
export function schemaProblems(schema: AnySchemaObject, value: unknown): string | null {
  let validate = compiled.get(schema);
  if (validate === undefined) {
    validate = ajv.compile(schema);
    compiled.set(schema, validate);
  }
  if (validate(value)) return null;
  return ajv.errorsText(validate.errors, { dataVar: 'value' });
}
