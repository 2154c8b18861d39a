import type { DataSource } from 'typeorm';

/**
 * Published outbox rows are already in Kafka; inbox rows only have to outlive every way a
 * record can come back (redelivery, re-send, replay from the earliest retained offset).
 * Deletes run in batches so a large backlog never holds long locks.
 */
export async function purgePublishedOutbox(
  dataSource: DataSource,
  olderThan: Date,
  batch = 5000,
): Promise<number> {
  return purgeInBatches(
    dataSource,
    `DELETE FROM outbox WHERE id IN (
       SELECT id FROM outbox WHERE published_at IS NOT NULL AND published_at < $1 LIMIT $2)`,
    [olderThan, batch],
  );
}

export async function purgeInbox(
  dataSource: DataSource,
  olderThan: Date,
  batch = 5000,
): Promise<number> {
  return purgeInBatches(
    dataSource,
    `DELETE FROM inbox WHERE (consumer, event_id) IN (
       SELECT consumer, event_id FROM inbox WHERE processed_at < $1 LIMIT $2)`,
    [olderThan, batch],
  );
}

async function purgeInBatches(
  dataSource: DataSource,
  sql: string,
  params: [Date, number],
): Promise<number> {
  let total = 0;
  for (;;) {
    const [, deleted] = await dataSource.query<[unknown[], number]>(sql, params);
    total += deleted;
    if (deleted < params[1]) return total;
  }
}

/**
 * The inbox horizon that keeps dedupe safe: never shorter than the longest retention of the
 * topics this service consumes (a replay from the earliest offset must still find every id),
 * plus a margin.
 */
export function safeInboxHorizonMs(
  requestedMs: number,
  topicRetentionMs: number[],
  marginMs = 3_600_000,
): number {
  const longest = Math.max(0, ...topicRetentionMs.filter((ms) => ms >= 0));
  const infinite = topicRetentionMs.some((ms) => ms < 0);
  if (infinite) return Number.POSITIVE_INFINITY;
  return Math.max(requestedMs, longest + marginMs);
}
