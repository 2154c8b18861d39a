import type { EventEnvelope } from '@app/contracts';
import type { EntityManager } from 'typeorm';

import { queryPrepared, type PreparedStatement } from './prepared.js';

const INSERT_INBOX_ROWS: PreparedStatement = {
  name: 'inbox-insert-rows',
  text: `INSERT INTO inbox (consumer, event_id, event_type, topic, partition, "offset")
     SELECT $1, * FROM unnest($2::uuid[], $3::text[], $4::text[], $5::int[], $6::bigint[])
     ON CONFLICT (consumer, event_id) DO NOTHING
     RETURNING event_id`,
};

/**
 * Records that `consumer` processed these events, in the caller's transaction, in one
 * statement, and returns the ids (lower case) of those it had not seen before; the caller
 * changes nothing for the others (a redelivery, a relay re-send, a replayed offset). A
 * concurrent duplicate waits on the primary key until the first commits. An id that appears twice in `records` is inserted once; the caller treats its
 * first occurrence as new and the others as duplicates.
 */
export async function recordAllInInbox(
  manager: EntityManager,
  consumer: string,
  records: readonly {
    envelope: EventEnvelope;
    origin: { topic: string; partition: number; offset: string };
  }[],
): Promise<Set<string>> {
  // uuid compares case-insensitively in PostgreSQL: so do the keys here.
  const unique = new Map(
    records.map((r) => [r.envelope.eventId.toLowerCase(), r] as const).reverse(),
  );
  if (unique.size === 0) return new Set();
  const rows = [...unique.values()];
  const inserted = await queryPrepared<{ event_id: string }>(manager, INSERT_INBOX_ROWS, [
    consumer,
    rows.map((r) => r.envelope.eventId),
    rows.map((r) => r.envelope.eventType),
    rows.map((r) => r.origin.topic),
    rows.map((r) => r.origin.partition),
    rows.map((r) => r.origin.offset),
  ]);
  return new Set(inserted.map((r) => r.event_id));
}
