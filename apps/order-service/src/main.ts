import 'reflect-metadata';

import { bootstrapService } from '@app/platform';

import { OrderServiceModule, config } from './order-service.module.js';

await bootstrapService(OrderServiceModule, {
  config,
  title: 'order-service',
  description: 'Places and cancels orders; publishes order.events through its outbox.',
});
