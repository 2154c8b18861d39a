import type { InstanceScrape } from '../scrape/instance-scrape.js';
import { samplesOf } from './metric-select.js';
import type { RelayRow } from './snapshot.js';

/** A take-over needs a moment; README: no leader "for more than a few seconds" is trouble. */
export const LEADERLESS_TROUBLE_MS = 5_000;

/**
 * Which instance of each service holds the relay's advisory lock (outbox_relay_leader = 1).
 * None now is a warning; none for LEADERLESS_TROUBLE_MS, or two at once, is trouble.
 * `leaderlessSince` is the time each service was first seen without a leader (kept by the caller).
 */
export function relayRows(
  scrapes: readonly InstanceScrape[],
  leaderlessSince: Map<string, number>,
  now: number,
): RelayRow[] {
  // Every process registers the gauge; only those with an outbox run a relay.
  const relaying = new Set(samplesOf(scrapes, 'outbox_backlog_rows').map((s) => s.scrape.service));
  const rows = new Map<string, RelayRow>();
  for (const s of samplesOf(scrapes, 'outbox_relay_leader')) {
    const service = s.scrape.service;
    if (!relaying.has(service)) continue;
    const row = rows.get(service) ?? { service, leader: null, instances: [], health: 'ok' };
    row.instances.push({ url: s.scrape.url, leader: s.value === 1 });
    rows.set(service, row);
  }
  for (const row of rows.values()) {
    const leaders = row.instances.filter((i) => i.leader);
    row.leader = leaders[0]?.url ?? null;
    if (leaders.length > 0) leaderlessSince.delete(row.service);
    else if (!leaderlessSince.has(row.service)) leaderlessSince.set(row.service, now);
    const since = leaderlessSince.get(row.service);
    row.health =
      leaders.length > 1 || (since !== undefined && now - since >= LEADERLESS_TROUBLE_MS)
        ? 'trouble'
        : leaders.length === 0
          ? 'warn'
          : 'ok';
  }
  return [...rows.values()];
}
