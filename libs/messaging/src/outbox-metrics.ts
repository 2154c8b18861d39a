import { Gauge, register } from 'prom-client';

export interface OutboxBacklog {
  rows: number;
  oldestAgeSeconds: number;
}

/**
 * Outbox backlog and the age of its oldest unpublished row, read from the database at scrape
 * time. A growing age means committed changes are not reaching Kafka (broker down, relay
 * stuck): invariant 1 is holding them, but consumers are falling behind.
 */
export function watchOutbox(read: () => Promise<OutboxBacklog>): void {
  if (register.getSingleMetric('outbox_backlog_rows')) return;
  let last: OutboxBacklog = { rows: 0, oldestAgeSeconds: 0 };
  let inFlight: { at: number; value: Promise<OutboxBacklog> } | undefined;
  // Both gauges are collected in one scrape: one query serves them.
  const sample = (): Promise<OutboxBacklog> => {
    if (inFlight && Date.now() - inFlight.at < 500) return inFlight.value;
    const value = read()
      .then((b) => (last = b))
      .catch(() => last); // keep the last known values while the database is unreachable
    inFlight = { at: Date.now(), value };
    return value;
  };
  new Gauge({
    name: 'outbox_backlog_rows',
    help: 'Outbox rows committed but not yet published',
    async collect() {
      this.set((await sample()).rows);
    },
  });
  new Gauge({
    name: 'outbox_oldest_unpublished_age_seconds',
    help: 'Age of the oldest unpublished outbox row (0 when none)',
    async collect() {
      this.set((await sample()).oldestAgeSeconds);
    },
  });
}

export const OUTBOX_BACKLOG_SQL = `
  SELECT count(*)::int AS rows,
         coalesce(extract(epoch FROM clock_timestamp() - min(created_at)), 0)::float AS "oldestAgeSeconds"
    FROM outbox WHERE published_at IS NULL`;
