import { TOPOLOGY } from '@app/contracts';

import type { InstanceScrape } from '../scrape/instance-scrape.js';
import { histogramsOf } from './metric-select.js';
import type { FlowRow, SagaStep } from './snapshot.js';

/**
 * The saga's steps as the read model applies them: every order event it applies is counted
 * once (duplicates are absorbed by its inbox before they are counted), by the _count of its
 * commit -> effect histogram. Only the live group counts, not a rebuild's scratch group.
 */
export const FLOW_CONSUMER = TOPOLOGY['read-model'].group;
export const SAGA_STEPS: readonly { step: SagaStep; eventType: string }[] = [
  { step: 'placed', eventType: 'OrderCreated' },
  { step: 'approved', eventType: 'OrderApproved' },
  { step: 'rejected', eventType: 'OrderRejected' },
  { step: 'cancelled', eventType: 'OrderCancelled' },
];

export type FlowTotals = Record<SagaStep, number>;

export function flowTotals(scrapes: readonly InstanceScrape[]): FlowTotals {
  const series = histogramsOf(scrapes, 'consumer_commit_to_effect_seconds').filter(
    (h) => h.labels.consumer === FLOW_CONSUMER,
  );
  return Object.fromEntries(
    SAGA_STEPS.map(({ step, eventType }) => [
      step,
      series.filter((h) => h.labels.event_type === eventType).reduce((n, h) => n + h.count, 0),
    ]),
  ) as FlowTotals;
}

/** Totals now, and events per second since `earlier` (a counter reset counts from zero). */
export function flowRows(
  now: { at: number; value: FlowTotals },
  earlier: { at: number; value: FlowTotals } | undefined,
): FlowRow[] {
  const seconds = earlier ? (now.at - earlier.at) / 1000 : 0;
  return SAGA_STEPS.map(({ step, eventType }) => {
    const total = now.value[step];
    const before = earlier?.value[step] ?? 0;
    const delta = total >= before ? total - before : total;
    return { step, eventType, total, perSecond: seconds >= 1 ? delta / seconds : null };
  });
}
