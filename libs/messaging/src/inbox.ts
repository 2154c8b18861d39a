import type { EventEnvelope } from '@app/contracts';
import type { EntityManager } from 'typeorm';

/**
 * Records that `consumer` processed this event, in the caller's transaction. Returns false
 * when it already had (a redelivery, a relay re-send, a replayed offset): the caller then
 * changes nothing. A concurrent duplicate waits on the primary key until the first commits.
 */
export async function recordInInbox(
  manager: EntityManager,
  consumer: string,
  envelope: EventEnvelope,
  origin: { topic: string; partition: number; offset: string },
): Promise<boolean> {
  const rows = await manager.query<unknown[]>(
    `INSERT INTO inbox (consumer, event_id, event_type, topic, partition, "offset")
     VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (consumer, event_id) DO NOTHING
     RETURNING event_id`,
    [consumer, envelope.eventId, envelope.eventType, origin.topic, origin.partition, origin.offset],
  );
  return rows.length > 0;
}
