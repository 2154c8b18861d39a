import { CATALOGUE } from './catalogue.js';
import type { EventType } from './event-payloads.js';
import { ORDER_EVENTS_TOPIC, PAYMENT_EVENTS_TOPIC } from './topics.js';

const ALL_EVENT_TYPES = Object.keys(CATALOGUE) as EventType[];

/** The events of the `order.events` stream, in saga order. */
export const ORDER_EVENT_TYPES: readonly EventType[] = ALL_EVENT_TYPES.filter(
  (type) => CATALOGUE[type].topic === ORDER_EVENTS_TOPIC,
);

/** The events of the `payment.events` stream, in saga order. */
export const PAYMENT_EVENT_TYPES: readonly EventType[] = ALL_EVENT_TYPES.filter(
  (type) => CATALOGUE[type].topic === PAYMENT_EVENTS_TOPIC,
);

/** Own keys only, so that names like 'toString' or '__proto__' are not event types. */
export function isEventType(name: string): name is EventType {
  return Object.hasOwn(CATALOGUE, name);
}

export function topicOf(eventType: EventType): string {
  return CATALOGUE[eventType].topic;
}

/** The stream an event belongs to, named after its topic in the catalogue. */
export type EventStream = 'order' | 'payment';

const STREAM_OF_TOPIC: Readonly<Record<string, EventStream>> = {
  [ORDER_EVENTS_TOPIC]: 'order',
  [PAYMENT_EVENTS_TOPIC]: 'payment',
};

export function streamOf(eventType: EventType): EventStream {
  const stream = STREAM_OF_TOPIC[topicOf(eventType)];
  if (stream === undefined) throw new Error(`no stream for the topic of ${eventType}`);
  return stream;
}

export function currentVersionOf(eventType: EventType): number {
  return CATALOGUE[eventType].currentVersion;
}
