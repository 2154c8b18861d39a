import { MetricsController } from '@app/platform';
import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { randomUUID } from 'node:crypto';
import { LoggerModule } from 'nestjs-pino';
import { collectDefaultMetrics, register } from 'prom-client';

import { AdminForwarder } from './api/admin-forwarder.js';
import { AdminProxyController } from './api/admin-proxy.controller.js';
import { ConsoleHealthController } from './api/console-health.controller.js';
import { PageController } from './api/page.controller.js';
import { SnapshotStream } from './api/snapshot-stream.js';
import { StreamController } from './api/stream.controller.js';
import { CONSOLE_CONFIG, readConsoleConfig } from './console-config.js';
import { MetricsScraper } from './scrape/metrics-scraper.js';

export const config = readConsoleConfig();

if (!register.getSingleMetric('process_cpu_seconds_total')) {
  collectDefaultMetrics({ labels: { service: config.name } });
}

/**
 * The operator console: one page, fed by the services' /metrics (scraped here and streamed
 * as server-sent events) and their /admin APIs (forwarded with the operator's token). It has
 * no database and no broker connection of its own.
 */
@Module({
  imports: [
    LoggerModule.forRoot({
      pinoHttp: {
        level: config.logLevel,
        base: { service: config.name },
        genReqId: (req) => (req.headers['x-request-id'] as string | undefined) ?? randomUUID(),
        autoLogging: {
          ignore: (req) => /^\/(health|metrics|api\/stream|assets)/.test(req.url ?? ''),
        },
      },
    }),
    TerminusModule,
  ],
  controllers: [
    PageController,
    StreamController,
    AdminProxyController,
    ConsoleHealthController,
    MetricsController,
  ],
  providers: [
    { provide: CONSOLE_CONFIG, useValue: config },
    MetricsScraper,
    SnapshotStream,
    AdminForwarder,
  ],
})
export class ConsoleModule {}
