import { Catch, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply } from 'fastify';

import { IdempotencyKeyReusedError } from '../application/idempotency-key-reused.error.js';
import { OrderNotFoundError } from '../application/order-not-found.error.js';
import { IllegalTransitionError, InvalidOrderError } from '../domain/order.errors.js';

type Known =
  IllegalTransitionError | InvalidOrderError | OrderNotFoundError | IdempotencyKeyReusedError;

/** Domain and application errors as the HTTP statuses the public interface promises. */
@Catch(IllegalTransitionError, InvalidOrderError, OrderNotFoundError, IdempotencyKeyReusedError)
export class OrderErrorsFilter implements ExceptionFilter<Known> {
  catch(error: Known, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<FastifyReply>();
    if (error instanceof IllegalTransitionError) {
      response.status(409).send({
        statusCode: 409,
        error: 'Conflict',
        message: error.message,
        from: error.from,
        to: error.to,
      });
    } else if (error instanceof InvalidOrderError) {
      response.status(400).send({
        statusCode: 400,
        error: 'Bad Request',
        message: error.message,
        fields: error.problems,
      });
    } else if (error instanceof OrderNotFoundError) {
      response.status(404).send({ statusCode: 404, error: 'Not Found', message: error.message });
    } else {
      response.status(422).send({
        statusCode: 422,
        error: 'Unprocessable Entity',
        message: error.message,
        orderId: error.orderId,
      });
    }
  }
}
