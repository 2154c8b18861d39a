import type { EventOf, EventType } from '@app/contracts';
import type { EventContext, EventHandlerOptions } from '@app/messaging';
import { EventPattern as NestEventPattern } from '@nestjs/microservices';

type EventHandlerMethod<K extends EventType> = (
  event: EventOf<K>,
  context: EventContext,
) => Promise<void>;

/**
 * Nest's `@EventPattern(eventType, options)`, typed for the catalogue: the compiler checks
 * that the name is an event type, that the handler's `@Payload()` is that type's event and
 * its `@Ctx()` an EventContext, and that the options (EventHandlerOptions: lockKeys,
 * beforeCommit) fit the event. (Nest 12's own typed overload wants `unknown` for every
 * parameter after the payload, which rules out a typed `@Ctx()`.)
 */
export function EventPattern<K extends EventType>(
  eventType: K,
  options: EventHandlerOptions<K> = {},
) {
  const decorate: MethodDecorator = NestEventPattern<string>(eventType, { ...options });
  return <M extends EventHandlerMethod<K>>(
    target: object,
    key: string | symbol,
    descriptor: TypedPropertyDescriptor<M>,
  ): void => {
    decorate(target, key, descriptor);
  };
}
