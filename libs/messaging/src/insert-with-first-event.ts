import { validateEnvelope, type EventType } from '@app/contracts';
import type pg from 'pg';
import type { DataSource } from 'typeorm';

import {
  OUTBOX_COLUMNS,
  envelopeAt,
  outboxParameters,
  outboxValues,
  type NewEvent,
} from './outbox-writer.js';

/** A parameterized statement with a name: PostgreSQL parses and plans it once per connection. */
export interface NamedInsert {
  name: string;
  /** INSERT ... ON CONFLICT DO NOTHING, without RETURNING; parameters $1..$n. */
  text: string;
  values: unknown[];
}

/**
 * Inserts a new aggregate's row and, only when it was inserted, the first event of its
 * stream, in ONE statement on the pool: one round trip and one commit instead of BEGIN,
 * three INSERTs and COMMIT. A single statement is atomic, so the row and its outbox row
 * commit together or not at all, as appendToOutbox's transaction guarantees. The stream's
 * counter row is inserted without ON CONFLICT: an existing stream fails the statement rather
 * than numbering a second event 1; inserting it takes its lock as appendToOutbox does.
 * Returns whether the row was inserted (false: a row with that key exists, nothing changed).
 */
export async function insertWithFirstEvent<K extends EventType>(
  dataSource: DataSource,
  insert: NamedInsert,
  event: NewEvent<K>,
): Promise<boolean> {
  const envelope = envelopeAt(event, 1);
  // A contract violation fails the writer before anything is written.
  validateEnvelope(envelope);
  const row = outboxParameters(insert.values.length + 1);
  const [, topic, , aggregateId] = row;
  const text = `WITH inserted AS (${insert.text} RETURNING 1 AS one),
    stream AS (INSERT INTO outbox_streams (topic, aggregate_id, last_sequence)
               SELECT ${topic}, ${aggregateId}, 1 FROM inserted),
    event AS (INSERT INTO outbox (${OUTBOX_COLUMNS})
              SELECT ${row.join(', ')} FROM inserted)
    SELECT count(*)::int AS inserted FROM inserted`;
  const result = await poolOf(dataSource).query<{ inserted: number }>({
    name: insert.name,
    text,
    values: [...insert.values, ...outboxValues(envelope, event.traceparent)],
  });
  return (result.rows[0]?.inserted ?? 0) > 0;
}

/** TypeORM's own pg pool: plain statements share its connections and settings. */
function poolOf(dataSource: DataSource): pg.Pool {
  return (dataSource.driver as unknown as { master: pg.Pool }).master;
}
