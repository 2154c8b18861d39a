import { TOPOLOGY } from '@app/contracts';
import {
  AdminTokenGuard,
  DeadLettersController,
  EventConsumerHost,
  RetentionService,
  PlatformModule,
  readServiceConfig,
} from '@app/platform';
import { Module } from '@nestjs/common';

import { AdminController } from './api/admin.controller.js';
import { ViewsController } from './api/views.controller.js';
import { CreateViews1732500000300 } from './infrastructure/migrations/1732500000300-create-views.js';
import { ViewsConsumer } from './projections/order-events.consumer.js';
import { ViewsQueries } from './queries/views.queries.js';
import { ReplayService } from './replay/replay.service.js';

export const config = readServiceConfig('read-model', TOPOLOGY['read-model']);

@Module({
  imports: [
    PlatformModule.forService({ config, entities: [], migrations: [CreateViews1732500000300] }),
  ],
  controllers: [ViewsController, AdminController, DeadLettersController],
  providers: [
    ViewsQueries,
    ViewsConsumer,
    { provide: EventConsumerHost, useExisting: ViewsConsumer },
    ReplayService,
    AdminTokenGuard,
    RetentionService,
  ],
})
export class ReadModelModule {}
