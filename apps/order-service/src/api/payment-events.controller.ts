import type { EventOf } from '@app/contracts';
import type { EventContext } from '@app/messaging';
import { EventPattern, EventsController } from '@app/platform';
import { Ctx, Payload } from '@nestjs/microservices';

import { PaymentEventsHandlers } from '../application/payment-events.handlers.js';

/** payment.events as order-service reads them; PaymentRefunded means nothing to an order. */
@EventsController()
export class PaymentEventsController {
  constructor(private readonly payments: PaymentEventsHandlers) {}

  @EventPattern('PaymentAuthorized')
  onPaymentAuthorized(
    @Payload() event: EventOf<'PaymentAuthorized'>,
    @Ctx() context: EventContext,
  ): Promise<void> {
    return this.payments.onPaymentDecided(event, context);
  }

  @EventPattern('PaymentRejected')
  onPaymentRejected(
    @Payload() event: EventOf<'PaymentRejected'>,
    @Ctx() context: EventContext,
  ): Promise<void> {
    return this.payments.onPaymentDecided(event, context);
  }
}
