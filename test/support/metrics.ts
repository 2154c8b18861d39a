import type { E2eStack } from './e2e-stack.js';

import type { GroupName } from './lag.js';

export type ConsumerOutcome = 'applied' | 'duplicate' | 'skipped' | 'dead-lettered';

/**
 * How many records a service's consumer has handled, by outcome, since its process started
 * (Prometheus counter `consumer_events_total` at GET /metrics). Tells a duplicate that the
 * inbox recognised apart from one that was applied again and happened to change nothing.
 */
export async function consumerOutcomes(
  stack: E2eStack,
  service: GroupName,
): Promise<Record<ConsumerOutcome, number>> {
  const text = await (await fetch(`${stack.url(service)}/metrics`)).text();
  const counts: Record<ConsumerOutcome, number> = {
    applied: 0,
    duplicate: 0,
    skipped: 0,
    'dead-lettered': 0,
  };
  for (const match of text.matchAll(/^consumer_events_total\{([^}]*)\} (\S+)$/gm)) {
    const outcome = /outcome="([^"]+)"/.exec(match[1]!)?.[1];
    if (outcome && outcome in counts) counts[outcome as ConsumerOutcome] += Number(match[2]);
  }
  return counts;
}
