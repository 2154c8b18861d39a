/**
 * One topic per stream, keyed by orderId: a topic per event type would lose the
 * per-order ordering across event types. Versions live in the envelope, not in names.
 */
export const ORDER_EVENTS_TOPIC = 'order.events';
export const PAYMENT_EVENTS_TOPIC = 'payment.events';

/**
 * One dead-letter topic per consumer group, so that a redrive goes back to exactly the
 * consumer that could not process the record (a record may be fine for another group).
 */
export const DEAD_LETTER_TOPICS = {
  'order-service': 'order-service.dlt',
  'payment-service': 'payment-service.dlt',
  'read-model': 'read-model.dlt',
} as const;

export type ConsumerGroupName = keyof typeof DEAD_LETTER_TOPICS;

export const ALL_TOPICS: readonly string[] = [
  ORDER_EVENTS_TOPIC,
  PAYMENT_EVENTS_TOPIC,
  ...Object.values(DEAD_LETTER_TOPICS),
];

export const DEFAULT_PARTITIONS = 6;
