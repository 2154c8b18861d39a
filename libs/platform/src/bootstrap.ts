import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { SwaggerModule } from '@nestjs/swagger';
import { Logger, PinoLogger } from 'nestjs-pino';

import { startEventTransport } from './event-transport.start.js';
import { HttpErrorFilter } from './http-error.filter.js';
import { openApiDocument } from './openapi.js';
import type { ServiceConfig } from './service-config.js';
import { strictValidationPipe } from './validation.js';

export interface BootstrapOptions {
  /** Only the name and port are used here (the console has no database or broker). */
  config: Pick<ServiceConfig, 'name' | 'port'>;
  title: string;
  description: string;
  /** Largest JSON body accepted; larger ones get 413. */
  bodyLimit?: string;
  /** False for an app that consumes no events (the console): no event transport starts. */
  consumesEvents?: boolean;
}

/** Creates, configures and starts one service's HTTP application. */
export async function bootstrapService(
  module: unknown,
  opts: BootstrapOptions,
): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(module as never, {
    bufferLogs: true,
    bodyParser: false,
  });
  app.useLogger(app.get(Logger));
  app.useBodyParser('json', { limit: opts.bodyLimit ?? '64kb' });
  app.useGlobalPipes(strictValidationPipe());
  const log = await app.resolve(PinoLogger);
  app.useGlobalFilters(new HttpErrorFilter(log.logger));
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
  return app;
}
