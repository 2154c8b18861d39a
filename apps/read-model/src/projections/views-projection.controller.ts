import type { DomainEvent, EventOf } from '@app/contracts';
import type { EventContext, EventHandlerOptions } from '@app/messaging';
import { EventPattern, EventsController } from '@app/platform';
import { Ctx, Payload } from '@nestjs/microservices';

import { projectEvent } from './project-event.js';
import { ViewStore } from './view-store.js';

const store = new ViewStore();

/**
 * What every handler of the views asks of its transaction. One order's two streams are
 * applied by two partitions (one per topic), so each transaction first locks the orders it
 * touches, in one global order. A customer's counters are shared by orders of every
 * partition: instead of updating them per event (which locks them in event order, and two
 * transactions that apply several records then deadlock), their changes are summed per
 * transaction and written once, just before it commits, in customer order.
 */
const views: EventHandlerOptions = {
  lockKeys: (event) => [`order:${event.aggregateId}`],
  beforeCommit: (manager) => store.writeTotals(manager),
};

/** Every event of both streams folds into the order views and customer summaries. */
@EventsController()
export class ViewsProjectionController {
  @EventPattern('OrderCreated', views)
  onOrderCreated(@Payload() e: EventOf<'OrderCreated'>, @Ctx() c: EventContext): Promise<void> {
    return project(e, c);
  }

  @EventPattern('OrderApproved', views)
  onOrderApproved(@Payload() e: EventOf<'OrderApproved'>, @Ctx() c: EventContext): Promise<void> {
    return project(e, c);
  }

  @EventPattern('OrderRejected', views)
  onOrderRejected(@Payload() e: EventOf<'OrderRejected'>, @Ctx() c: EventContext): Promise<void> {
    return project(e, c);
  }

  @EventPattern('OrderCancelled', views)
  onOrderCancelled(@Payload() e: EventOf<'OrderCancelled'>, @Ctx() c: EventContext): Promise<void> {
    return project(e, c);
  }

  @EventPattern('PaymentAuthorized', views)
  onPaymentAuthorized(
    @Payload() e: EventOf<'PaymentAuthorized'>,
    @Ctx() c: EventContext,
  ): Promise<void> {
    return project(e, c);
  }

  @EventPattern('PaymentRejected', views)
  onPaymentRejected(
    @Payload() e: EventOf<'PaymentRejected'>,
    @Ctx() c: EventContext,
  ): Promise<void> {
    return project(e, c);
  }

  @EventPattern('PaymentRefunded', views)
  onPaymentRefunded(
    @Payload() e: EventOf<'PaymentRefunded'>,
    @Ctx() c: EventContext,
  ): Promise<void> {
    return project(e, c);
  }
}

async function project(event: DomainEvent, context: EventContext): Promise<void> {
  await projectEvent(store, context.manager, event);
}
