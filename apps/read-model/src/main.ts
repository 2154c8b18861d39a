import 'reflect-metadata';

import { bootstrapService } from '@app/platform';

import { ReadModelModule, config } from './read-model.module.js';

await bootstrapService(ReadModelModule, {
  config,
  title: 'read-model',
  description:
    'Order views and customer summaries built from order.events and payment.events; rebuildable by replay.',
});
