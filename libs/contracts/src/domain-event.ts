import type { EventEnvelope } from './envelope.js';
import type { EventPayloads, EventType } from './event-payloads.js';

/** The envelope of one event type, with its current payload: `EventOf<'OrderCreated'>`. */
export type EventOf<K extends EventType> = EventEnvelope<EventPayloads[K], K>;

/**
 * Every event of the catalogue, as a union discriminated by `eventType`: a `switch` on it
 * narrows the payload, and a `never` default makes the compiler name a type left unhandled
 * (emmett's `evolve` over `Event<'Type', data>`).
 */
export type DomainEvent = { [K in EventType]: EventOf<K> }[EventType];

/** Fails to compile when a `switch` over a union missed a member. */
export function unhandled(value: never): never {
  throw new Error(`unhandled case ${JSON.stringify(value)}`);
}
