import type { EventEnvelope, EventPayloads, EventType } from '@app/contracts';
import type { EntityManager } from 'typeorm';

/**
 * What a service's consumer says about events: for each type it handles, what the event
 * means, applied through `manager` inside the transaction that also records it in the inbox.
 * Nothing about retries, dedupe or dead letters: the runtime owns those.
 */
export type EventHandlers = {
  [K in EventType]?: (
    event: EventEnvelope<EventPayloads[K]>,
    manager: EntityManager,
  ) => Promise<void>;
};
