import {
  Catch,
  Controller,
  UseFilters,
  applyDecorators,
  type ExceptionFilter,
} from '@nestjs/common';
import { throwError, type Observable } from 'rxjs';

/**
 * Hands a handler's error to the transport unchanged. Nest's default RPC filter turns every
 * error into `{ status: 'error', message: 'Internal server error' }`, and the runtime could
 * then no longer tell a PermanentError (dead-letter it) from a lost connection (retry it).
 */
@Catch()
export class EventHandlerErrors implements ExceptionFilter {
  catch(exception: unknown): Observable<never> {
    return throwError(() => exception);
  }
}

/**
 * A controller of `@EventPattern` handlers served by EventTransport. Each handler receives
 * the decoded event (upcast to its current version) with `@Payload()` and an EventContext
 * (the inbox transaction's EntityManager, the record's topic/partition/offset and headers)
 * with `@Ctx()`.
 */
export const EventsController = (): ClassDecorator =>
  applyDecorators(Controller(), UseFilters(new EventHandlerErrors()));
