import { CATALOGUE, type EventDefinition } from './catalogue.js';
import type { DeadLetterReason } from './dead-letter-reason.js';
import type { EventEnvelope } from './envelope.js';
import { envelopeSchema } from './envelope.schema.js';
import { isEventType } from './event-types.js';
import { schemaProblems } from './schema-validator.js';

export type EnvelopeCheck =
  | { ok: true; envelope: EventEnvelope<Record<string, unknown>>; definition: EventDefinition }
  | { ok: false; reason: DeadLetterReason; detail: string };

/**
 * The checks shared by the producer (before writing the outbox) and the consumer (after
 * reading the bytes), in the order that names the most useful reason first. The payload is
 * checked against the schema of the version it claims, not the current one.
 */
export function checkEnvelope(candidate: unknown): EnvelopeCheck {
  const notAnEnvelope = schemaProblems(envelopeSchema, candidate);
  if (notAnEnvelope !== null) {
    return { ok: false, reason: 'not-an-envelope', detail: notAnEnvelope };
  }
  const envelope = candidate as EventEnvelope<Record<string, unknown>>;
  const { eventType, schemaVersion, payload } = envelope;

  if (!isEventType(eventType)) {
    return { ok: false, reason: 'unknown-event-type', detail: `unknown event type "${eventType}"` };
  }
  const definition = CATALOGUE[eventType];
  const schema = definition.schemas[schemaVersion - 1];
  if (schemaVersion > definition.currentVersion || schema === undefined) {
    const detail = `${eventType} v${schemaVersion} is newer than the known v${definition.currentVersion}`;
    return { ok: false, reason: 'unsupported-version', detail };
  }

  const violation = schemaProblems(schema, payload);
  if (violation !== null) {
    return {
      ok: false,
      reason: 'schema-violation',
      detail: `${eventType} v${schemaVersion}: ${violation}`,
    };
  }
  // The record key is the aggregateId; a payload about another order would be routed to the
  // wrong partition and lose its per-order ordering.
  if (typeof payload['orderId'] === 'string' && payload['orderId'] !== envelope.aggregateId) {
    const detail = `payload.orderId "${payload['orderId']}" differs from aggregateId "${envelope.aggregateId}"`;
    return { ok: false, reason: 'schema-violation', detail };
  }
  return { ok: true, envelope, definition };
}
