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
