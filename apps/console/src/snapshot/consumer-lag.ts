import type { InstanceScrape } from '../scrape/instance-scrape.js';
import { samplesOf } from './metric-select.js';
import type { LagRow } from './snapshot.js';

/** A partition whose lag has not touched 0 for this long is stuck (README: "stays above 0"). */
export const STUCK_AFTER_MS = 10_000;

export type LagByPartition = Map<string, Omit<LagRow, 'health'>>;

/**
 * kafka_consumer_lag per group, topic and partition. Every instance of a service reports its
 * group's lag as the broker sees it, so instances agree; the highest value is taken.
 */
export function lagByPartition(scrapes: readonly InstanceScrape[]): LagByPartition {
  const rows: LagByPartition = new Map();
  for (const s of samplesOf(scrapes, 'kafka_consumer_lag')) {
    const { group = '', topic = '', partition = '0' } = s.labels;
    const key = `${group}|${topic}|${partition}`;
    const lag = Math.max(rows.get(key)?.lag ?? 0, s.value);
    rows.set(key, { group, topic, partition: Number(partition), lag });
  }
  return rows;
}

/**
 * ok at 0; warn while above 0; trouble when it stayed above 0 at every scrape of the last
 * STUCK_AFTER_MS (`history` covers at least that long).
 */
export function lagRows(
  now: LagByPartition,
  history: readonly { at: number; value: LagByPartition }[],
  nowAt: number,
): LagRow[] {
  const covered = history.length > 0 && nowAt - history[0]!.at >= STUCK_AFTER_MS;
  return [...now.entries()]
    .map(([key, row]): LagRow => {
      const stuck =
        covered &&
        row.lag > 0 &&
        history
          .filter((h) => h.at >= nowAt - STUCK_AFTER_MS)
          .every((h) => (h.value.get(key)?.lag ?? 0) > 0);
      return { ...row, health: stuck ? 'trouble' : row.lag > 0 ? 'warn' : 'ok' };
    })
    .sort(
      (a, b) =>
        a.group.localeCompare(b.group) ||
        a.topic.localeCompare(b.topic) ||
        a.partition - b.partition,
    );
}
