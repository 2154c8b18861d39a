import type { ConsumerGroupName } from '@app/contracts';

import type { ChaosStack } from './chaos-stack.js';
import {
  addOutcomes,
  consumerOutcomes,
  metricSum,
  noOutcomes,
  scrape,
  type OutcomeCounts,
} from '../metrics.js';

export type Tally = Record<ConsumerGroupName, OutcomeCounts & { instances: number }>;

/**
 * Consumer outcomes summed over the live instances of each service (its consumer group).
 * Counters live in the process: an instance that was killed took its counts with it, which
 * is why a scenario states which groups ran in one process throughout.
 */
export async function tallyConsumers(chaos: ChaosStack): Promise<Tally> {
  const tally = {} as Tally;
  for (const group of ['order-service', 'payment-service', 'read-model'] as const) {
    let sum = noOutcomes();
    const instances = chaos.instances(group);
    for (const i of instances) sum = addOutcomes(sum, consumerOutcomes(await scrape(i.proc.url)));
    tally[group] = { ...sum, instances: instances.length };
  }
  return tally;
}

/** Handler failures by class (transient: retried; permanent: dead-lettered), summed per group. */
export async function handlerFailures(
  chaos: ChaosStack,
): Promise<Record<ConsumerGroupName, { transient: number; permanent: number }>> {
  const out = {} as Record<ConsumerGroupName, { transient: number; permanent: number }>;
  for (const group of ['order-service', 'payment-service', 'read-model'] as const) {
    out[group] = { transient: 0, permanent: 0 };
    for (const i of chaos.instances(group)) {
      const text = await scrape(i.proc.url);
      out[group].transient += metricSum(text, 'consumer_handler_failures_total', {
        class: 'transient',
      });
      out[group].permanent += metricSum(text, 'consumer_handler_failures_total', {
        class: 'permanent',
      });
    }
  }
  return out;
}
