import { TOPOLOGY } from '@app/contracts';
import {
  AdminTokenGuard,
  DeadLettersController,
  RetentionService,
  PlatformModule,
  readServiceConfig,
  eventTransport,
} from '@app/platform';
import { Module } from '@nestjs/common';

import { AdminController } from './api/admin.controller.js';
import { ViewsController } from './api/views.controller.js';
import { CreateViews1732500000300 } from './infrastructure/migrations/1732500000300-create-views.js';
import { ViewsProjectionController } from './projections/views-projection.controller.js';
import { ViewsQueries } from './queries/views.queries.js';
import { ReplayService } from './replay/replay.service.js';

export const config = readServiceConfig('read-model', TOPOLOGY['read-model']);

@Module({
  imports: [
    PlatformModule.forService({ config, entities: [], migrations: [CreateViews1732500000300] }),
  ],
  controllers: [ViewsProjectionController, ViewsController, AdminController, DeadLettersController],
  providers: [
    ViewsQueries,
    ...eventTransport(TOPOLOGY['read-model']),
    ReplayService,
    AdminTokenGuard,
    RetentionService,
  ],
})
export class ReadModelModule {}
