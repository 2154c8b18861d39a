import type { ChaosStack } from './chaos-stack.js';
import { metricSum, scrape } from '../metrics.js';

export interface OutboxGauges {
  rows: number;
  oldestAgeSeconds: number;
  leader: number;
  published: number;
}

/** An order-service instance's outbox as its /metrics tells it (sampled at scrape time). */
export async function outboxGauges(url: string): Promise<OutboxGauges> {
  const text = await scrape(url);
  return {
    rows: metricSum(text, 'outbox_backlog_rows'),
    oldestAgeSeconds: metricSum(text, 'outbox_oldest_unpublished_age_seconds'),
    leader: metricSum(text, 'outbox_relay_leader'),
    published: metricSum(text, 'outbox_relay_published_total'),
  };
}

/** outbox_relay_leader of every live order-service instance, by instance name. */
export async function relayLeaders(chaos: ChaosStack): Promise<Record<string, number>> {
  const instances = chaos.instances('order-service');
  const gauges = await Promise.all(instances.map((i) => outboxGauges(i.proc.url)));
  return Object.fromEntries(instances.map((i, n) => [i.name, gauges[n]!.leader]));
}
