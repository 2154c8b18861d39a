import type { DomainEvent } from '@app/contracts';
import type { EntityManager } from 'typeorm';

import type { EventRoutes } from '@app/messaging';

export type TestHandler = (event: DomainEvent, manager: EntityManager) => Promise<void>;

/** Routes for a spec: a handler body per event type, run in the consumer's transaction. */
export function routesOf(handlers: Readonly<Record<string, TestHandler>>): EventRoutes {
  return new Map(
    Object.entries(handlers).map(([type, handle]) => [
      type,
      { handle: (event, context) => handle(event, context.manager) },
    ]),
  );
}
