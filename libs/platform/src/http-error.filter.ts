import {
  Catch,
  HttpException,
  HttpStatus,
  NotFoundException,
  type ArgumentsHost,
  type ExceptionFilter,
} from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { STATUS_CODES } from 'node:http';

import type { Logger } from '@app/messaging';

import type { RouteTable } from './route-table.js';

/**
 * Every error leaves as JSON. Body-parser faults (malformed JSON, a body over the limit)
 * carry their own 4xx status and are client mistakes, not 500s. A method no route of an
 * existing path answers is a 405 with Allow, not a 404. Anything unexpected is a 500 whose
 * details stay in the log.
 */
@Catch()
export class HttpErrorFilter implements ExceptionFilter {
  constructor(
    private readonly log: Logger,
    private readonly routes: RouteTable,
  ) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<FastifyReply>();
    const request = host.switchToHttp().getRequest<FastifyRequest>();
    // `is404`: no route matched, and Fastify may refuse the request before the not-found
    // handler runs (a QUERY without Content-Type is a 400): still a 405 for a known path.
    if (exception instanceof NotFoundException || request.is404) {
      const path = request.url.split('?')[0] ?? '/';
      const allow = this.routes.allowedMethods(path);
      if (allow.length > 0 && !allow.includes(request.method)) {
        response.header('Allow', allow.join(', '));
        response.status(HttpStatus.METHOD_NOT_ALLOWED).send({
          statusCode: 405,
          error: 'Method Not Allowed',
          message: `${path} answers ${allow.join(', ')}`,
        });
        return;
      }
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const body = exception.getResponse();
      response
        .status(status)
        .send(
          typeof body === 'string'
            ? { statusCode: status, error: reason(status), message: body }
            : body,
        );
      return;
    }
    // Body-parser faults (malformed JSON, a body over the limit) that reach here unmapped.
    const status = clientStatusOf(exception);
    if (status) {
      response.status(status).send({
        statusCode: status,
        error: reason(status),
        message: (exception as Error).message,
      });
      return;
    }
    if (isDatabaseUnavailable(exception)) {
      // Not the client's fault and not a bug: the database is down or restarting. 503 with
      // Retry-After tells clients to retry (an Idempotency-Key makes that safe).
      this.log.warn({ err: exception }, 'database unavailable');
      response.header('Retry-After', '1');
      response.status(HttpStatus.SERVICE_UNAVAILABLE).send({
        statusCode: 503,
        error: 'Service Unavailable',
        message: 'The database is unavailable; retry shortly.',
      });
      return;
    }
    this.log.error({ err: exception }, 'unhandled error');
    response.status(HttpStatus.INTERNAL_SERVER_ERROR).send({
      statusCode: 500,
      error: 'Internal Server Error',
      message: 'An unexpected error occurred; it has been logged.',
    });
  }
}

const reason = (status: number): string => STATUS_CODES[status] ?? 'Error';

function clientStatusOf(exception: unknown): number | undefined {
  const error = exception as { status?: unknown; statusCode?: unknown } | null;
  const status = error?.statusCode ?? error?.status;
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
