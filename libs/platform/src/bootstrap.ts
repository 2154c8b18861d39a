import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { SwaggerModule } from '@nestjs/swagger';
import { Logger, PinoLogger } from 'nestjs-pino';

import { startEventTransport } from './event-transport.start.js';
import { createHttpAdapter } from './http-adapter.js';
import { HttpErrorFilter } from './http-error.filter.js';
import { openApiDocument } from './openapi.js';
import type { ServiceConfig } from './service-config.js';
import { strictValidationPipe } from './validation.js';
import { WarmUp } from './warm-up.js';

export interface BootstrapOptions {
  /** Only the name and port are used here (the console has no database or broker). */
  config: Pick<ServiceConfig, 'name' | 'port'>;
  title: string;
  description: string;
  /** Largest JSON body accepted, in bytes (default 64 KiB); larger ones get 413. */
  bodyLimit?: number;
  /**
   * False for an app that consumes no events (the console): no event transport starts, and
   * nothing (no database, no consumer) needs warming.
   */
  consumesEvents?: boolean;
}

/** Creates, configures and starts one service's HTTP application. */
export async function bootstrapService(
  module: unknown,
  opts: BootstrapOptions,
): Promise<INestApplication> {
  const { adapter, routes } = createHttpAdapter({ bodyLimit: opts.bodyLimit });
  const app = await NestFactory.create<NestFastifyApplication>(module as never, adapter, {
    bufferLogs: true,
    bodyParser: false,
  });
  app.useLogger(app.get(Logger));
  app.useGlobalPipes(strictValidationPipe());
  const log = await app.resolve(PinoLogger);
  app.useGlobalFilters(new HttpErrorFilter(log.logger, routes));
  app.enableShutdownHooks();

  const document = openApiDocument(app, opts);
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });

  // Hybrid: the event transport's consumer joins its group in the background, so the HTTP
  // API below does not wait for the broker.
  if (opts.consumesEvents !== false) await startEventTransport(app);

  const host = process.env.HOST ?? '127.0.0.1';
  try {
    await app.listen(opts.config.port, host);
  } catch (error) {
    if ((error as { code?: string }).code === 'EADDRINUSE') {
      log.logger.error(
        `port ${host}:${opts.config.port} is busy: stop what listens there or set PORT for ${opts.config.name}`,
      );
      await app.close();
      process.exit(1);
    }
    throw error;
  }
  log.logger.info({ port: opts.config.port }, `${opts.config.name} listening`);
  // Readiness (/health/ready) waits for this and for the consumer and relay to be warm.
  if (opts.consumesEvents !== false)
    await app.get(WarmUp).run(app.getHttpAdapter().getInstance(), routes);
  return app;
}
