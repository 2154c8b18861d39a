import 'reflect-metadata';

import { bootstrapService } from '@app/platform';

import { PaymentServiceModule, config } from './payment-service.module.js';

await bootstrapService(PaymentServiceModule, {
  config,
  title: 'payment-service',
  description:
    'Authorizes, rejects and refunds payments against customer credit; publishes payment.events.',
});
