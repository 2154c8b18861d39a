import type { EventType } from './event-payloads.js';
import type { ServiceName } from './topology.js';

/**
 * The event types each consumer group acts on (SYSTEM.md "The saga"); the others on the topics
 * it reads it acknowledges and skips. Stated once, beside the topology, so that the tests and
 * the nemesis count the same records as "acted on".
 */
export const ACTS_ON: Record<ServiceName, readonly string[]> = {
  'order-service': ['PaymentAuthorized', 'PaymentRejected'],
  'payment-service': ['OrderCreated', 'OrderCancelled'],
  'read-model': [
    'OrderCreated',
    'OrderApproved',
    'OrderRejected',
    'OrderCancelled',
    'PaymentAuthorized',
    'PaymentRejected',
    'PaymentRefunded',
  ],
} satisfies Record<ServiceName, readonly EventType[]>;
