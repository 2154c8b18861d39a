import type { InstanceScrape } from '../scrape/instance-scrape.js';
import { samplesOf } from './metric-select.js';
import type { DeadLetterCount } from './snapshot.js';

/**
 * consumer_dead_letters_total per group and reason, summed over instances. It needs no admin
 * token, so the page shows a new dead letter at once; listing and redriving them goes
 * through the admin API.
 */
export function deadLetterCounts(scrapes: readonly InstanceScrape[]): DeadLetterCount[] {
  const counts = new Map<string, DeadLetterCount>();
  for (const s of samplesOf(scrapes, 'consumer_dead_letters_total')) {
    const { consumer: group = '', reason = '' } = s.labels;
    const key = `${group}|${reason}`;
    const row = counts.get(key) ?? { group, reason, count: 0 };
    row.count += s.value;
    counts.set(key, row);
  }
  return [...counts.values()]
    .filter((c) => c.count > 0)
    .sort((a, b) => a.group.localeCompare(b.group) || a.reason.localeCompare(b.reason));
}
