import {
  HEADERS,
  currentVersionOf,
  validateEnvelope,
  type EventEnvelope,
  type EventType,
} from '@app/contracts';
import type { DataSource } from 'typeorm';

import { eventIdFor } from '@app/messaging';
import { payloadFor } from './envelopes.js';

/**
 * Commits one outbox row exactly as appendToOutbox writes it (per-stream counter row lock,
 * deterministic eventId, envelope and headers, key = aggregateId), but on the spec's own
 * topic: appendToOutbox always targets the real topics, which a relay under test must never
 * publish to.
 */
export async function commitOutboxRow(
  dataSource: DataSource,
  topic: string,
  aggregateId: string,
  eventType: EventType = 'OrderCreated',
): Promise<EventEnvelope> {
  return dataSource.transaction(async (manager) => {
    const [row] = await manager.query<[{ last_sequence: number }]>(
      `INSERT INTO outbox_streams (topic, aggregate_id, last_sequence) VALUES ($1, $2, 1)
       ON CONFLICT (topic, aggregate_id)
       DO UPDATE SET last_sequence = outbox_streams.last_sequence + 1
       RETURNING last_sequence`,
      [topic, aggregateId],
    );
    const sequence = row.last_sequence;
    const envelope: EventEnvelope = {
      eventId: eventIdFor(topic, aggregateId, sequence),
      eventType,
      schemaVersion: currentVersionOf(eventType),
      aggregateId,
      sequence,
      occurredAt: new Date().toISOString(),
      correlationId: aggregateId,
      causationId: null,
      payload: payloadFor(eventType, aggregateId),
    };
    validateEnvelope(envelope);
    const headers = {
      [HEADERS.eventType]: envelope.eventType,
      [HEADERS.schemaVersion]: String(envelope.schemaVersion),
      [HEADERS.eventId]: envelope.eventId,
      [HEADERS.correlationId]: envelope.correlationId,
      [HEADERS.traceparent]: `00-${envelope.eventId.replaceAll('-', '')}-00f067aa0ba902b7-01`,
    };
    await manager.query(
      `INSERT INTO outbox (event_id, topic, message_key, aggregate_id, sequence, event_type,
                           schema_version, envelope, headers)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [
        envelope.eventId,
        topic,
        aggregateId,
        aggregateId,
        sequence,
        envelope.eventType,
        envelope.schemaVersion,
        JSON.stringify(envelope),
        JSON.stringify(headers),
      ],
    );
    return envelope;
  });
}

/** How many of the given events are still unpublished, and how many are marked. */
export async function outboxState(
  dataSource: DataSource,
  eventIds: readonly string[],
): Promise<{ unpublished: number; published: number }> {
  const [row] = await dataSource.query<[{ unpublished: number; published: number }]>(
    `SELECT count(*) FILTER (WHERE published_at IS NULL)::int AS unpublished,
            count(*) FILTER (WHERE published_at IS NOT NULL)::int AS published
       FROM outbox WHERE event_id = ANY($1::uuid[])`,
    [eventIds],
  );
  return row;
}
