import {
  HEADERS,
  currentVersionOf,
  topicOf,
  validateEnvelope,
  type EventEnvelope,
  type EventPayloads,
  type EventType,
} from '@app/contracts';
import type { EntityManager } from 'typeorm';

import { eventIdFor } from './event-ids.js';
import { queryPrepared, type PreparedStatement } from './prepared.js';
import { publishTraceparent } from './tracing.js';

export interface NewEvent<K extends EventType> {
  eventType: K;
  aggregateId: string;
  payload: EventPayloads[K];
  occurredAt: Date;
  correlationId: string;
  causationId: string | null;
  traceparent?: string;
}

/**
 * Appends an event to the outbox inside the caller's transaction: the state change and the
 * fact that it happened commit (or roll back) together, so no committed change can miss its
 * event and no event can describe a change that rolled back.
 */
export async function appendToOutbox<K extends EventType>(
  manager: EntityManager,
  event: NewEvent<K>,
): Promise<EventEnvelope<EventPayloads[K]>> {
  if (!manager.queryRunner?.isTransactionActive) {
    throw new Error('appendToOutbox must run inside the transaction that changes the state');
  }
  // A contract violation must fail the writer, not poison every consumer; it is checked
  // before a sequence is taken, so a caller that catches it leaves no gap in the stream.
  validateEnvelope(envelopeAt(event, 1));

  // Takes (and keeps until commit) the stream's counter row lock: see the migration.
  const [row] = await queryPrepared<{ last_sequence: number }>(manager, NEXT_SEQUENCE, [
    topicOf(event.eventType),
    event.aggregateId,
  ]);
  const envelope = envelopeAt(event, row!.last_sequence);
  await queryPrepared(manager, INSERT_OUTBOX_ROW, outboxValues(envelope, event.traceparent));
  return envelope;
}

/** The outbox's columns and their SQL types, in the order of `outboxValues()`. */
const OUTBOX_COLUMN_TYPES = [
  ['event_id', 'uuid'],
  ['topic', 'text'],
  ['message_key', 'text'],
  ['aggregate_id', 'text'],
  ['sequence', 'int'],
  ['event_type', 'text'],
  ['schema_version', 'int'],
  ['envelope', 'jsonb'],
  ['headers', 'jsonb'],
] as const;

export const OUTBOX_COLUMNS = OUTBOX_COLUMN_TYPES.map(([column]) => column).join(', ');

/**
 * `$first::uuid, $(first+1)::text, ...`: the outbox row's parameters, typed (a parameter in a
 * SELECT list is not typed by the column it goes into).
 */
export const outboxParameters = (first: number): string[] =>
  OUTBOX_COLUMN_TYPES.map(([, type], i) => `$${first + i}::${type}`);

/** appendToOutbox's row insert (built once, when the module loads). */
const INSERT_OUTBOX_ROW: PreparedStatement = {
  name: 'outbox-insert-row',
  text: `INSERT INTO outbox (${OUTBOX_COLUMNS}) VALUES (${outboxParameters(1).join(', ')})`,
};

const NEXT_SEQUENCE: PreparedStatement = {
  name: 'outbox-next-sequence',
  text: `INSERT INTO outbox_streams (topic, aggregate_id, last_sequence) VALUES ($1, $2, 1)
     ON CONFLICT (topic, aggregate_id)
     DO UPDATE SET last_sequence = outbox_streams.last_sequence + 1
     RETURNING last_sequence`,
};

/** The envelope of `event` at `sequence` of its stream. */
export function envelopeAt<K extends EventType>(
  event: NewEvent<K>,
  sequence: number,
): EventEnvelope<EventPayloads[K]> {
  return {
    eventId: eventIdFor(topicOf(event.eventType), event.aggregateId, sequence),
    eventType: event.eventType,
    schemaVersion: currentVersionOf(event.eventType),
    aggregateId: event.aggregateId,
    sequence,
    occurredAt: event.occurredAt.toISOString(),
    correlationId: event.correlationId,
    causationId: event.causationId,
    payload: event.payload,
  };
}

/** The outbox row (OUTBOX_COLUMNS) that carries `envelope`, with its Kafka headers. */
export function outboxValues(envelope: EventEnvelope, traceparent?: string): unknown[] {
  const topic = topicOf(envelope.eventType as EventType);
  const headers: Record<string, string> = {
    [HEADERS.eventType]: envelope.eventType,
    [HEADERS.schemaVersion]: String(envelope.schemaVersion),
    [HEADERS.eventId]: envelope.eventId,
    [HEADERS.correlationId]: envelope.correlationId,
  };
  // The trace continues from the request or record being handled (W3C trace context), through
  // a producer span for this event.
  const parent = traceparent ?? publishTraceparent({ ...envelope, topic });
  if (parent) headers[HEADERS.traceparent] = parent;
  return [
    envelope.eventId,
    topic,
    // Every record's key is the orderId (= aggregateId): one order, one partition, one order.
    envelope.aggregateId,
    envelope.aggregateId,
    envelope.sequence,
    envelope.eventType,
    envelope.schemaVersion,
    JSON.stringify(envelope),
    JSON.stringify(headers),
  ];
}
