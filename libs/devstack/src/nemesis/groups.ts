import { TOPOLOGY, type ConsumerGroupName } from '@app/contracts';

/** Each consumer group, the topics it reads and the event types it acts on (SYSTEM.md). */
export const GROUP_TOPICS: Record<
  ConsumerGroupName,
  { topics: readonly string[]; actsOn: string[] }
> = {
  'order-service': {
    topics: TOPOLOGY['order-service'].consumes,
    actsOn: ['PaymentAuthorized', 'PaymentRejected'],
  },
  'payment-service': {
    topics: TOPOLOGY['payment-service'].consumes,
    actsOn: ['OrderCreated', 'OrderCancelled'],
  },
  'read-model': {
    topics: TOPOLOGY['read-model'].consumes,
    actsOn: [
      'OrderCreated',
      'OrderApproved',
      'OrderRejected',
      'OrderCancelled',
      'PaymentAuthorized',
      'PaymentRejected',
      'PaymentRefunded',
    ],
  },
};
export const GROUP_IDS = Object.keys(GROUP_TOPICS) as ConsumerGroupName[];
