import {
  HEADERS,
  currentVersionOf,
  topicOf,
  validateEnvelope,
  type EventEnvelope,
  type EventPayloads,
  type EventType,
} from '@app/contracts';
import type { Context } from '@opentelemetry/api';
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
  /**
   * The trace the event continues when it is written after its handler returned (a
   * set-based consumer's beforeCommit); the active one by default.
   */
  traceContext?: Context;
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
  const [envelope] = await appendAllToOutbox(manager, [event]);
  return envelope as EventEnvelope<EventPayloads[K]>;
}

/**
 * appendToOutbox for several events in two statements, whatever their number: one takes the
 * next sequences of every stream involved (locking each stream's counter row until commit,
 * in one order), one inserts every outbox row. Events of one stream get consecutive
 * sequences and increasing outbox ids in the order given. A set-based consumer writes the
 * events of a whole transaction this way.
 */
export async function appendAllToOutbox(
  manager: EntityManager,
  events: readonly NewEvent<EventType>[],
): Promise<EventEnvelope[]> {
  if (!manager.queryRunner?.isTransactionActive) {
    throw new Error('appendToOutbox must run inside the transaction that changes the state');
  }
  if (events.length === 0) return [];
  // A contract violation must fail the writer, not poison every consumer; it is checked
  // before a sequence is taken, so a caller that catches it leaves no gap in the stream.
  for (const event of events) validateEnvelope(envelopeAt(event, 1));

  const streams = new Map<string, { topic: string; aggregateId: string; count: number }>();
  for (const event of events) {
    const topic = topicOf(event.eventType);
    const key = `${topic}\u0000${event.aggregateId}`;
    const stream = streams.get(key);
    if (stream) stream.count += 1;
    else streams.set(key, { topic, aggregateId: event.aggregateId, count: 1 });
  }
  const all = [...streams.values()];
  const last = await queryPrepared<{ topic: string; aggregate_id: string; last_sequence: number }>(
    manager,
    NEXT_SEQUENCES,
    [all.map((s) => s.topic), all.map((s) => s.aggregateId), all.map((s) => s.count)],
  );
  // Each stream's first new sequence; handed out in the order the events were given.
  const next = new Map(
    last.map((row) => {
      const key = `${row.topic}\u0000${row.aggregate_id}`;
      return [key, row.last_sequence - streams.get(key)!.count + 1];
    }),
  );
  const envelopes = events.map((event) => {
    const key = `${topicOf(event.eventType)}\u0000${event.aggregateId}`;
    const sequence = next.get(key)!;
    next.set(key, sequence + 1);
    return { event, envelope: envelopeAt(event, sequence) };
  });
  const rows = envelopes.map(({ event, envelope }) =>
    outboxValues(envelope, event.traceparent, event.traceContext),
  );
  await queryPrepared(
    manager,
    INSERT_OUTBOX_ROWS,
    OUTBOX_COLUMN_TYPES.map((_, column) => rows.map((row) => row[column])),
  );
  return envelopes.map(({ envelope }) => envelope);
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

/** appendAllToOutbox's rows, one array per column, inserted in the arrays' order. */
const INSERT_OUTBOX_ROWS: PreparedStatement = {
  name: 'outbox-insert-rows',
  text: `INSERT INTO outbox (${OUTBOX_COLUMNS})
         SELECT ${OUTBOX_COLUMN_TYPES.map(([column]) => column).join(', ')}
           FROM unnest(${OUTBOX_COLUMN_TYPES.map(([, type], i) => `$${i + 1}::${type}[]`).join(', ')})
                WITH ORDINALITY AS row(${OUTBOX_COLUMNS}, n)
          ORDER BY n`,
};

/**
 * Each stream's counter moved on by its count of new events, returning the last sequence
 * taken. ORDER BY: two transactions lock the counter rows they share in the same order.
 */
const NEXT_SEQUENCES: PreparedStatement = {
  name: 'outbox-next-sequences',
  text: `INSERT INTO outbox_streams (topic, aggregate_id, last_sequence)
     SELECT topic, aggregate_id, n FROM unnest($1::text[], $2::text[], $3::int[])
            AS stream(topic, aggregate_id, n)
      ORDER BY topic, aggregate_id
     ON CONFLICT (topic, aggregate_id)
     DO UPDATE SET last_sequence = outbox_streams.last_sequence + excluded.last_sequence
     RETURNING topic, aggregate_id, last_sequence`,
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
export function outboxValues(
  envelope: EventEnvelope,
  traceparent?: string,
  traceContext?: Context,
): unknown[] {
  const topic = topicOf(envelope.eventType as EventType);
  const headers: Record<string, string> = {
    [HEADERS.eventType]: envelope.eventType,
    [HEADERS.schemaVersion]: String(envelope.schemaVersion),
    [HEADERS.eventId]: envelope.eventId,
    [HEADERS.correlationId]: envelope.correlationId,
  };
  // The trace continues from the request or record being handled (W3C trace context), through
  // a producer span for this event.
  const parent = traceparent ?? publishTraceparent({ ...envelope, topic }, traceContext);
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
