import type { DomainEvent, EventOf } from '@app/contracts';
import type { EventContext, EventHandlerOptions } from '@app/messaging';
import { EventPattern, EventsController } from '@app/platform';
import { Ctx, Payload } from '@nestjs/microservices';

import { chunkProjectionRoute, viewLockKeys } from './chunk-projection.js';

/**
 * The live views take the same set-based path as a rebuild: every type shares one route whose
 * handler only collects the event in its transaction; once per transaction (beforeCommit) the
 * orders of all its records are loaded in one query, folded in memory in log order and
 * written with one statement per table. One order's two streams are applied by two
 * partitions (one per topic), so each transaction first locks the orders it touches, in one
 * global order (lockKeys); customer counters are summed per transaction and written once,
 * in customer order, so transactions that share customers queue instead of deadlocking.
 */
const projection = chunkProjectionRoute();
const views: EventHandlerOptions = {
  lockKeys: viewLockKeys,
  beforeCommit: projection.beforeCommit,
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

function project(event: DomainEvent, context: EventContext): Promise<void> {
  return projection.handle(event, context);
}
