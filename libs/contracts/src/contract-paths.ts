// Where the published language lives under libs/contracts, as '/'-separated relative paths so
// that the pure checks can name files without touching the file system.

/** 'OrderCreated' -> 'order-created', the folder that holds its golden fixtures. */
export function fixtureFolderOf(eventType: string): string {
  return eventType.replace(
    /[A-Z]/g,
    (letter, index: number) => (index === 0 ? '' : '-') + letter.toLowerCase(),
  );
}

export function fixturePathOf(eventType: string, version: number): string {
  return `fixtures/${fixtureFolderOf(eventType)}/v${version}.json`;
}

export function publishedSchemaPathOf(eventType: string, version: number): string {
  return `published/${eventType}/v${version}.schema.json`;
}

/** The event type and version a published schema file claims, or null for any other path. */
export function parsePublishedSchemaPath(
  path: string,
): { eventType: string; version: number } | null {
  const match = /^published\/([A-Za-z][A-Za-z0-9]*)\/v([1-9][0-9]*)\.schema\.json$/.exec(path);
  if (match?.[1] === undefined || match[2] === undefined) return null;
  return { eventType: match[1], version: Number(match[2]) };
}
