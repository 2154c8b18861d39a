import 'reflect-metadata';

import { bootstrapService } from '@app/platform';

import { ConsoleModule, config } from './console.module.js';

await bootstrapService(ConsoleModule, {
  config,
  title: 'console',
  description:
    'Operator console: the saga flow, lag, outboxes, relay leaders, commit -> effect p99, dead letters and replay on one live page.',
  consumesEvents: false,
});
