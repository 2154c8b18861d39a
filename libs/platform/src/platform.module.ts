import { CreateMessagingTables1732500000000 } from '@app/messaging';
import { Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';
import { TerminusModule } from '@nestjs/terminus';
import { TypeOrmModule } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { LoggerModule } from 'nestjs-pino';
import { collectDefaultMetrics, register } from 'prom-client';
import { DataSource, type EntitySchema, type MixedList } from 'typeorm';

import { HealthController } from './health.controller.js';
import { kafkaProvider } from './kafka.provider.js';
import { KafkaHealthIndicator } from './kafka.health.js';
import { MetricsController } from './metrics.controller.js';
import { runMigrationsLocked } from './migrations.js';
import { SERVICE_CONFIG, type ServiceConfig } from './service-config.js';
import { setupTracing, shutdownTracing, traceFields } from './tracing.js';
import { WARM_CONNECTIONS, WARM_UP_HEADER, WarmUp } from './warm-up.js';

export interface PlatformOptions {
  config: ServiceConfig;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  entities: MixedList<Function | string | EntitySchema>;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  migrations: MixedList<Function | string>;
  /** Connections in this service's pool. */
  poolSize?: number;
}

/**
 * What every service shares: config, JSON logs, its database (migrated at start), the Kafka
 * client, health and metrics endpoints.
 */
@Module({})
export class PlatformModule implements OnApplicationShutdown {
  /** After the consumers and the relay stopped: their last spans are flushed, not lost. */
  async onApplicationShutdown(): Promise<void> {
    await shutdownTracing();
  }

  static forService(opts: PlatformOptions): DynamicModule {
    setupTracing(opts.config.name);
    if (!register.getSingleMetric('process_cpu_seconds_total')) {
      collectDefaultMetrics({ labels: { service: opts.config.name } });
    }
    return {
      module: PlatformModule,
      global: true,
      imports: [
        LoggerModule.forRoot({
          pinoHttp: {
            level: opts.config.logLevel,
            base: { service: opts.config.name },
            genReqId: (req) => (req.headers['x-request-id'] as string | undefined) ?? randomUUID(),
            customProps: (req) => ({ correlationId: req.headers['x-correlation-id'] }),
            mixin: traceFields,
            autoLogging: {
              ignore: (req) =>
                req.headers[WARM_UP_HEADER] === '1' || /^\/(health|metrics)/.test(req.url ?? ''),
            },
          },
        }),
        TerminusModule,
        ScheduleModule.forRoot(),
        TypeOrmModule.forRootAsync({
          useFactory: () => ({
            type: 'postgres' as const,
            url: opts.config.databaseUrl,
            entities: opts.entities,
            migrations: [CreateMessagingTables1732500000000, ...(opts.migrations as never[])],
            synchronize: false,
            migrationsRun: false,
            applicationName: opts.config.name,
            // The connections the warm-up opens stay open (pg closes idle ones above min).
            extra: {
              // pg's pipeline mode: statements sent together leave in one write and are
              // answered in order (the consumers' transaction openings; ADR 0009). Statements
              // awaited one by one behave as without it. No cursors or streams in this mode.
              pipeline: true,
              max: opts.poolSize ?? 10,
              min: Math.min(WARM_CONNECTIONS, opts.poolSize ?? 10),
            },
          }),
          dataSourceFactory: async (options) => {
            const dataSource = await new DataSource(options!).initialize();
            await runMigrationsLocked(dataSource);
            return dataSource;
          },
        }),
      ],
      controllers: [HealthController, MetricsController],
      providers: [
        { provide: SERVICE_CONFIG, useValue: opts.config },
        kafkaProvider,
        KafkaHealthIndicator,
        WarmUp,
      ],
      exports: [SERVICE_CONFIG, kafkaProvider],
    };
  }
}
