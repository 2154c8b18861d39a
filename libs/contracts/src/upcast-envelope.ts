import type { EventDefinition } from './catalogue.js';
import type { DecodeResult } from './decode-result.js';
import type { DomainEvent } from './domain-event.js';
import type { EventEnvelope } from './envelope.js';
import { schemaProblems } from './schema-validator.js';
import { upcast } from './upcaster.js';

/**
 * Lifts an envelope whose payload is valid for its own version to the current version of its
 * event. The result is checked against the current schema so that a broken upcaster
 * dead-letters the record instead of handing a handler a payload its type does not describe.
 */
export function upcastEnvelope(envelope: EventEnvelope, definition: EventDefinition): DecodeResult {
  const from = envelope.schemaVersion;
  const to = definition.currentVersion;
  if (from === to) return { ok: true, envelope: checked(envelope), originalVersion: from };

  const where = `${envelope.eventType} v${from} -> v${to}`;
  let payload: unknown;
  try {
    payload = upcast(envelope.payload, from, to, definition.upcasters);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { ok: false, reason: 'schema-violation', detail: `${where}: ${message}` };
  }
  const currentSchema = definition.schemas[to - 1];
  const problems =
    currentSchema === undefined ? 'no schema registered' : schemaProblems(currentSchema, payload);
  if (problems !== null) {
    return { ok: false, reason: 'schema-violation', detail: `${where}: ${problems}` };
  }
  return {
    ok: true,
    envelope: checked({ ...envelope, schemaVersion: to, payload }),
    originalVersion: from,
  };
}

/**
 * The one place where a record becomes a typed event: its type is in the catalogue and its
 * payload passed the JSON Schema of the current version, which is what the type says.
 */
const checked = (envelope: EventEnvelope): DomainEvent => envelope as DomainEvent;
