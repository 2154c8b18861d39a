import type { SchemaObject } from 'ajv';
import { isDeepStrictEqual } from 'node:util';

/** What changed between two versions of one payload, as seen by a reader of the newer one. */
export interface SchemaEvolution {
  /** Changes no default can repair: each sentence names the field. */
  readonly breaking: string[];
  /** Paths the newer version requires and the older did not: fine only if upcasting fills them. */
  readonly newlyRequired: string[];
}

// Keywords that bound a value. On an existing field a tightening fails old records and a
// loosening fails readers that relied on the bound, so any change is a change of meaning.
const BOUNDS = [
  'format',
  'pattern',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'multipleOf',
  'minLength',
  'maxLength',
  'minItems',
  'maxItems',
  'uniqueItems',
  'const',
] as const;

/** Compares field by field, into array items, the way a consumer's code would read them. */
export function schemaEvolution(older: SchemaObject, newer: SchemaObject): SchemaEvolution {
  const evolution = { breaking: [] as string[], newlyRequired: [] as string[] };
  compare(older, newer, '', evolution);
  return evolution;
}

function compare(
  older: SchemaObject,
  newer: SchemaObject,
  path: string,
  out: SchemaEvolution,
): void {
  const where = path === '' ? 'the payload' : `"${path}"`;
  const [typesBefore, typesAfter] = [typesOf(older), typesOf(newer)];
  if (!isDeepStrictEqual(typesBefore, typesAfter)) {
    out.breaking.push(`${where} changed type from ${typesBefore} to ${typesAfter}`);
    return;
  }
  if (Array.isArray(newer['enum'])) {
    const allowed = newer['enum'] as unknown[];
    const dropped = Array.isArray(older['enum'])
      ? (older['enum'] as unknown[]).filter((v) => !allowed.some((a) => isDeepStrictEqual(a, v)))
      : ['any other value'];
    if (dropped.length > 0)
      out.breaking.push(`${where} narrowed its enum: dropped ${show(dropped)}`);
  }
  for (const bound of BOUNDS) {
    if (!isDeepStrictEqual(older[bound], newer[bound])) {
      out.breaking.push(
        `${where} changed ${bound} from ${show(older[bound])} to ${show(newer[bound])}`,
      );
    }
  }
  if (older['additionalProperties'] !== false && newer['additionalProperties'] === false) {
    out.breaking.push(`${where} no longer accepts unknown fields`);
  }
  compareProperties(older, newer, path, out);
  const [itemsBefore, itemsAfter] = [older['items'] as unknown, newer['items'] as unknown];
  if (isSchema(itemsBefore)) {
    if (isSchema(itemsAfter)) compare(itemsBefore, itemsAfter, `${path}[]`, out);
    else out.breaking.push(`${where} no longer describes its items`);
  }
}

function compareProperties(
  older: SchemaObject,
  newer: SchemaObject,
  path: string,
  out: SchemaEvolution,
): void {
  const before = (older['properties'] ?? {}) as Record<string, SchemaObject>;
  const after = (newer['properties'] ?? {}) as Record<string, SchemaObject>;
  const field = (name: string): string => (path === '' ? name : `${path}.${name}`);
  for (const [name, schema] of Object.entries(before)) {
    const next = Object.hasOwn(after, name) ? after[name] : undefined;
    if (next === undefined) out.breaking.push(`"${field(name)}" was removed`);
    else compare(schema, next, field(name), out);
  }
  const requiredBefore = (older['required'] ?? []) as string[];
  const requiredAfter = (newer['required'] ?? []) as string[];
  for (const name of requiredBefore.filter((n) => !requiredAfter.includes(n))) {
    out.breaking.push(`"${field(name)}" is no longer required`);
  }
  out.newlyRequired.push(...requiredAfter.filter((n) => !requiredBefore.includes(n)).map(field));
}

/** The JSON types a schema admits, in a stable order; no `type` admits anything. */
function typesOf(schema: SchemaObject): string {
  const type = schema['type'] as string | string[] | undefined;
  if (type === undefined) return 'any';
  return (Array.isArray(type) ? [...type].sort() : [type]).join('|');
}

function isSchema(value: unknown): value is SchemaObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function show(value: unknown): string {
  return value === undefined ? 'none' : JSON.stringify(value);
}
