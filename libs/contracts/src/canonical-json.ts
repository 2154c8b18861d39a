/**
 * One spelling per JSON value: keys sorted at every depth, two-space indent, final newline.
 * Two schemas are "the same published version" exactly when their canonical texts are equal,
 * whatever the key order or formatting of the file that holds one of them.
 */
export function canonicalJson(value: unknown): string {
  return `${JSON.stringify(sortedKeys(value), null, 2)}\n`;
}

function sortedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortedKeys);
  if (typeof value !== 'object' || value === null) return value;
  const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return Object.fromEntries(entries.map(([key, inner]) => [key, sortedKeys(inner)]));
}
