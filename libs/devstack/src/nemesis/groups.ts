import { ORDER_EVENTS_TOPIC, PAYMENT_EVENTS_TOPIC, type ConsumerGroupName } from '@app/contracts';

/** Each consumer group, the topics it reads and the event types it acts on (SYSTEM.md). */
export const GROUP_TOPICS: Record<ConsumerGroupName, { topics: string[]; actsOn: string[] }> = {
  'order-service': {
    topics: [PAYMENT_EVENTS_TOPIC],
    actsOn: ['PaymentAuthorized', 'PaymentRejected'],
  },
  'payment-service': { topics: [ORDER_EVENTS_TOPIC], actsOn: ['OrderCreated', 'OrderCancelled'] },
  'read-model': {
    topics: [ORDER_EVENTS_TOPIC, PAYMENT_EVENTS_TOPIC],
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
