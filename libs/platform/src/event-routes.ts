import { isEventType } from '@app/contracts';
import type { EventHandlerOptions, EventRoute, EventRoutes } from '@app/messaging';
import type { MessageHandler } from '@nestjs/microservices';
import { isObservable, lastValueFrom } from 'rxjs';

/**
 * The consumer's routes from Nest's handler registry: one `@EventPattern(eventType)` method
 * per event type, its options (EventHandlerOptions) given as the pattern's extras.
 */
export function routesFromHandlers(handlers: ReadonlyMap<string, MessageHandler>): EventRoutes {
  const routes = new Map<string, EventRoute>();
  for (const [pattern, handler] of handlers) {
    if (!isEventType(pattern) || !handler.isEventHandler) {
      throw new Error(`'${pattern}' is not an @EventPattern of an event type in the catalogue`);
    }
    if (handler.next) {
      // Two handlers would each need to see the inbox row as fresh: keep one per type.
      throw new Error(`more than one @EventPattern('${pattern}') handler`);
    }
    const options: EventHandlerOptions = handler.extras ?? {};
    routes.set(pattern, {
      handle: (event, context) => settled(handler(event, context)),
      lockKeys: options.lockKeys,
      beforeCommit: options.beforeCommit,
    });
  }
  return routes;
}

/** Waits for the handler, whether it returned a value, a promise or an observable. */
async function settled(result: Promise<unknown>): Promise<void> {
  try {
    const value = await result;
    if (isObservable(value)) await lastValueFrom(value, { defaultValue: undefined });
  } catch (error) {
    if (error instanceof Error) throw error;
    // Nest's own RPC filter replaced the error: the runtime must not guess it is permanent.
    throw new Error(
      `event handler failed, cause hidden by an RPC exception filter (use @EventsController()): ${JSON.stringify(error)}`,
    );
  }
}
