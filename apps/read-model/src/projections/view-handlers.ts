import { ORDER_EVENT_TYPES, PAYMENT_EVENT_TYPES, type EventEnvelope } from '@app/contracts';
import type { EventHandlers } from '@app/messaging';
import type { EntityManager } from 'typeorm';

import { CustomerTotals } from './customer-totals.js';
import { project } from './projector.js';
import type { ViewStore } from './view-store.js';

export interface ViewProjection {
  handlers: EventHandlers;
  /** See EventConsumerOptions.contendedKeys. */
  contendedKeys: (event: EventEnvelope) => readonly string[];
  /** See EventConsumerOptions.beforeCommit. */
  beforeCommit: (manager: EntityManager) => Promise<void>;
}

/**
 * Every event of both streams folds into the views held by `store`. A customer's counters
 * are shared by orders of every partition; instead of updating them per event (which locks
 * them in event order, and two transactions that apply several records then deadlock),
 * their changes are summed per transaction and written once, just before it commits, in
 * customer order. The views themselves are locked per order, in one global order, through
 * the consumer's ordered locks: one order's two streams are applied by two partitions.
 */
export function viewProjection(store: ViewStore): ViewProjection {
  const pending = new WeakMap<EntityManager, CustomerTotals>();
  const apply = async (event: EventEnvelope, manager: EntityManager): Promise<void> => {
    let totals = pending.get(manager);
    if (!totals) pending.set(manager, (totals = new CustomerTotals()));
    await project(store, manager, event, totals);
  };
  return {
    handlers: Object.fromEntries(
      [...ORDER_EVENT_TYPES, ...PAYMENT_EVENT_TYPES].map((type) => [type, apply]),
    ),
    contendedKeys: (event) => [`order:${event.aggregateId}`],
    beforeCommit: async (manager) => {
      const totals = pending.get(manager);
      pending.delete(manager);
      if (totals) await store.addTotals(manager, totals);
    },
  };
}
