import type { EventEnvelope } from '@app/contracts';
import type { DataSource, EntityManager } from 'typeorm';

export interface AppliedEvent {
  n: number;
  event_id: string;
  aggregate_id: string;
  sequence: number;
}

/**
 * A stand-in for a service's state: one row per time a handler applied an event, numbered in
 * commit order. No unique key on event_id, so applying an event twice shows up as two rows
 * instead of failing.
 */
export async function createAppliedEvents(dataSource: DataSource): Promise<void> {
  await dataSource.query(`
    CREATE TABLE applied_events (
      n            bigserial PRIMARY KEY,
      event_id     uuid NOT NULL,
      aggregate_id text NOT NULL,
      sequence     integer NOT NULL
    )`);
}

/** A handler body: records `event` as applied, in the consumer's transaction. */
export async function recordApplied(event: EventEnvelope, manager: EntityManager): Promise<void> {
  await manager.query(
    'INSERT INTO applied_events (event_id, aggregate_id, sequence) VALUES ($1, $2, $3)',
    [event.eventId, event.aggregateId, event.sequence],
  );
}

/** The applied events among `eventIds`, in the order they were applied. */
export async function appliedEvents(
  dataSource: DataSource,
  eventIds: readonly string[],
): Promise<AppliedEvent[]> {
  const rows = await dataSource.query<AppliedEvent[]>(
    `SELECT n::int AS n, event_id, aggregate_id, sequence FROM applied_events
      WHERE event_id = ANY($1::uuid[]) ORDER BY n`,
    [eventIds],
  );
  return rows;
}
