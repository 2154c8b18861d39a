import {
  Catch,
  HttpException,
  HttpStatus,
  NotFoundException,
  type ArgumentsHost,
  type ExceptionFilter,
} from '@nestjs/common';
import type { Request, Response } from 'express';

import type { Logger } from '@app/messaging';

import { allowedMethods, type RouterLayer } from './allowed-methods.js';

/**
 * Every error leaves as JSON. Body-parser faults (malformed JSON, a body over the limit)
 * carry their own 4xx status and are client mistakes, not 500s. A method no route of an
 * existing path answers is a 405 with Allow, not a 404. Anything unexpected is a 500 whose
 * details stay in the log.
 */
@Catch()
export class HttpErrorFilter implements ExceptionFilter {
  constructor(private readonly log: Logger) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    if (exception instanceof NotFoundException) {
      const request = host.switchToHttp().getRequest<Request>();
      const allow = allowedMethods(routerStack(request), request.path);
      if (allow.length > 0 && !allow.includes(request.method)) {
        response.setHeader('Allow', allow.join(', '));
        response.status(HttpStatus.METHOD_NOT_ALLOWED).json({
          statusCode: 405,
          error: 'Method Not Allowed',
          message: `${request.path} answers ${allow.join(', ')}`,
        });
        return;
      }
    }
    if (exception instanceof HttpException) {
      const body = exception.getResponse();
      response
        .status(exception.getStatus())
        .json(
          typeof body === 'string' ? { statusCode: exception.getStatus(), message: body } : body,
        );
      return;
    }
    const status = clientStatusOf(exception);
    if (status) {
      response.status(status).json({
        statusCode: status,
        error: status === 413 ? 'Payload Too Large' : 'Bad Request',
        message: (exception as Error).message,
      });
      return;
    }
    if (isDatabaseUnavailable(exception)) {
      // Not the client's fault and not a bug: the database is down or restarting. 503 with
      // Retry-After tells clients to retry (an Idempotency-Key makes that safe).
      this.log.warn({ err: exception }, 'database unavailable');
      response.setHeader('Retry-After', '1');
      response.status(HttpStatus.SERVICE_UNAVAILABLE).json({
        statusCode: 503,
        error: 'Service Unavailable',
        message: 'The database is unavailable; retry shortly.',
      });
      return;
    }
    this.log.error({ err: exception }, 'unhandled error');
    response.status(HttpStatus.INTERNAL_SERVER_ERROR).json({
      statusCode: 500,
      error: 'Internal Server Error',
      message: 'An unexpected error occurred; it has been logged.',
    });
  }
}

/** The application router's layers (Express 5: `app.router`), where Nest puts its routes. */
function routerStack(request: Request): readonly RouterLayer[] {
  const app = request.app as unknown as { router?: { stack?: RouterLayer[] } } | undefined;
  return app?.router?.stack ?? [];
}

function clientStatusOf(exception: unknown): number | undefined {
  const status = (exception as { status?: unknown; statusCode?: unknown } | null)?.status;
  return typeof status === 'number' && status >= 400 && status < 500 ? status : undefined;
}

/** Connection failures and server shutdown/recovery states (SQLSTATE classes 08 and 57P). */
function isDatabaseUnavailable(exception: unknown): boolean {
  const error = exception as {
    code?: unknown;
    driverError?: { code?: unknown };
    message?: unknown;
  } | null;
  const code = error?.driverError?.code ?? error?.code;
  if (
    typeof code === 'string' &&
    (code.startsWith('08') ||
      code.startsWith('57P') ||
      code === 'ECONNREFUSED' ||
      code === 'ECONNRESET')
  ) {
    return true;
  }
  return (
    typeof error?.message === 'string' &&
    /Connection terminated|connect ECONNREFUSED|the database system is (starting up|shutting down|in recovery mode)/.test(
      error.message,
    )
  );
}
