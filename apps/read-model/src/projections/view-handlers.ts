import { ORDER_EVENT_TYPES, PAYMENT_EVENT_TYPES, type EventEnvelope } from '@app/contracts';
import type { EventHandlers } from '@app/messaging';
import type { EntityManager } from 'typeorm';

import { project } from './projector.js';
import type { ViewStore } from './view-store.js';

/** Every event of both streams folds into the views held by `store`. */
export function viewHandlers(store: ViewStore): EventHandlers {
  const apply = async (event: EventEnvelope, manager: EntityManager): Promise<void> => {
    await project(store, manager, event);
  };
  return Object.fromEntries(
    [...ORDER_EVENT_TYPES, ...PAYMENT_EVENT_TYPES].map((type) => [type, apply]),
  );
}

/**
 * Rows an event can share with events of other partitions: its customer's summary and
 * amounts (a customer's orders are spread over all partitions), and its order's view (one
 * order's two streams are consumed by two partition consumers at once).
 */
export function viewLockKeys(event: EventEnvelope): readonly string[] {
  const { customerId } = event.payload as { customerId: string };
  return [`order:${event.aggregateId}`, `customer:${customerId}`];
}
