import type { InstanceScrape } from '../scrape/instance-scrape.js';
import { samplesOf } from './metric-select.js';
import type { Health, OutboxRow } from './snapshot.js';

/** README: an oldest unpublished row "above a few seconds" means changes are not reaching Kafka. */
export const OUTBOX_AGE_WARN_SECONDS = 1;
export const OUTBOX_AGE_TROUBLE_SECONDS = 5;

/**
 * Each service's outbox backlog and the age of its oldest unpublished row. They are read
 * from the service's own database, so all instances of a service report the same table;
 * the highest value is taken. Services without an outbox (the read model) have no row.
 */
export function outboxRows(scrapes: readonly InstanceScrape[]): OutboxRow[] {
  const rows = new Map<string, OutboxRow>();
  const row = (service: string): OutboxRow => {
    let found = rows.get(service);
    if (!found) {
      found = { service, backlog: 0, oldestAgeSeconds: 0, health: 'ok' };
      rows.set(service, found);
    }
    return found;
  };
  for (const s of samplesOf(scrapes, 'outbox_backlog_rows'))
    row(s.scrape.service).backlog = Math.max(row(s.scrape.service).backlog, s.value);
  for (const s of samplesOf(scrapes, 'outbox_oldest_unpublished_age_seconds')) {
    const r = row(s.scrape.service);
    r.oldestAgeSeconds = Math.max(r.oldestAgeSeconds, s.value);
  }
  for (const r of rows.values()) r.health = outboxHealth(r.oldestAgeSeconds);
  return [...rows.values()];
}

const outboxHealth = (ageSeconds: number): Health =>
  ageSeconds > OUTBOX_AGE_TROUBLE_SECONDS
    ? 'trouble'
    : ageSeconds > OUTBOX_AGE_WARN_SECONDS
      ? 'warn'
      : 'ok';
