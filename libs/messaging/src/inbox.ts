import type { EventEnvelope } from '@app/contracts';

import type { BoundStatement, PreparedStatement } from './prepared.js';

// In: the rows as one JSON document (JSON.stringify is native; a text array per column
// costs pg's escaping of every element in JS). Out: the new ids as one JSON array, not a
// row each for pg to parse. Rows keep their order, as unnest kept it.
const INSERT_INBOX_ROWS: PreparedStatement = {
  name: 'inbox-insert-rows',
  text: `WITH fresh AS (
       INSERT INTO inbox (consumer, event_id, event_type, topic, partition, "offset")
       SELECT $1, r.* FROM json_to_recordset($2::json)
           AS r(event_id uuid, event_type text, topic text, partition int, "offset" bigint)
       ON CONFLICT (consumer, event_id) DO NOTHING
       RETURNING event_id)
     SELECT coalesce(json_agg(event_id), '[]') AS ids FROM fresh`,
};

export interface InboxRecord {
  envelope: EventEnvelope;
  origin: { topic: string; partition: number; offset: string };
}

/**
 * The statement that records that `consumer` processed these events, in the caller's
 * transaction (sent with its opening, inPipelinedTransaction); `freshIds` reads from its rows
 * the ids (lower case) of those it had not seen before, and the caller changes nothing for
 * the others (a redelivery, a relay re-send, a replayed offset). A concurrent duplicate waits
 * on the primary key until the first commits. An id that appears twice in `records` is
 * inserted once; the caller treats its first occurrence as new and the others as
 * duplicates. Undefined when there is no record.
 */
export function inboxInsert(
  consumer: string,
  records: readonly InboxRecord[],
): BoundStatement | undefined {
  // uuid compares case-insensitively in PostgreSQL: so do the keys here.
  const unique = new Map(
    records.map((r) => [r.envelope.eventId.toLowerCase(), r] as const).reverse(),
  );
  if (unique.size === 0) return undefined;
  const rows = JSON.stringify(
    [...unique.values()].map((r) => ({
      event_id: r.envelope.eventId,
      event_type: r.envelope.eventType,
      topic: r.origin.topic,
      partition: r.origin.partition,
      offset: r.origin.offset,
    })),
  );
  return { statement: INSERT_INBOX_ROWS, values: [consumer, rows] };
}

/** The new ids (lower case) in the inbox insert's rows. */
export function freshIds(rows: readonly unknown[]): Set<string> {
  return new Set((rows[0] as { ids: string[] } | undefined)?.ids ?? []);
}
