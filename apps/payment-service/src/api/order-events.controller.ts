import type { EventOf } from '@app/contracts';
import type { EventContext, EventHandlerOptions } from '@app/messaging';
import { EventPattern, EventsController } from '@app/platform';
import { Ctx, Payload } from '@nestjs/microservices';

import { OrderEventsHandlers } from '../application/order-events.handlers.js';

/**
 * A customer's credit account is written by orders of every partition: its key is locked
 * first, in one global order, by every transaction that applies these events.
 */
const customerCredit: EventHandlerOptions<'OrderCreated' | 'OrderCancelled'> = {
  lockKeys: (event) => [`customer:${event.payload.customerId}`],
};

/** order.events as payment-service reads them; approvals and rejections change no payment. */
@EventsController()
export class OrderEventsController {
  constructor(private readonly orders: OrderEventsHandlers) {}

  @EventPattern('OrderCreated', customerCredit)
  onOrderCreated(
    @Payload() event: EventOf<'OrderCreated'>,
    @Ctx() context: EventContext,
  ): Promise<void> {
    return this.orders.onOrderCreated(event, context);
  }

  @EventPattern('OrderCancelled', customerCredit)
  onOrderCancelled(
    @Payload() event: EventOf<'OrderCancelled'>,
    @Ctx() context: EventContext,
  ): Promise<void> {
    return this.orders.onOrderCancelled(event, context);
  }
}
