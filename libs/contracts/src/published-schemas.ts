import type { SchemaObject } from 'ajv';
import { CATALOGUE } from './catalogue.js';
import type { EventType } from './event-payloads.js';

/** The payload schema of one published version, or undefined if it was never published. */
export function schemaOf(eventType: EventType, version: number): SchemaObject | undefined {
  if (!Number.isInteger(version) || version < 1) return undefined;
  return CATALOGUE[eventType].schemas[version - 1];
}

/**
 * Every schema of every version, keyed "EventType/vN", so that a compatibility check can
 * snapshot them and fail when a published one changes.
 */
export function publishedSchemas(): Record<string, SchemaObject> {
  const all: Record<string, SchemaObject> = {};
  for (const [eventType, definition] of Object.entries(CATALOGUE)) {
    definition.schemas.forEach((schema, index) => {
      all[`${eventType}/v${index + 1}`] = schema;
    });
  }
  return all;
}
