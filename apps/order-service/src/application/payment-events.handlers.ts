import type { EventOf, EventPayloads } from '@app/contracts';
import { PermanentError, appendToOutbox, sentTogether } from '@app/messaging';
import { Injectable } from '@nestjs/common';
import { PinoLogger } from 'nestjs-pino';
import type { EntityManager } from 'typeorm';

import { approve, reject, type MessageOutcome, type Order } from '../domain/order.js';
import { OrderStore } from './ports/order-store.js';
import { Clock } from '@app/platform';

/**
 * What payment events mean to an order. Dedupe, retries and dead letters are the consumer
 * runtime's; a transition that already happened is the state machine's 'ignored'.
 */
@Injectable()
export class PaymentEventsHandlers {
  constructor(
    private readonly orders: OrderStore,
    private readonly clock: Clock,
    private readonly logger: PinoLogger,
  ) {}

  onAuthorized(event: EventOf<'PaymentAuthorized'>, manager: EntityManager): Promise<void> {
    return this.transition(event, manager, 'OrderApproved', (order) =>
      approve(order, { paymentId: event.payload.paymentId }),
    );
  }

  onRejected(event: EventOf<'PaymentRejected'>, manager: EntityManager): Promise<void> {
    return this.transition(event, manager, 'OrderRejected', (order) =>
      reject(order, { reason: event.payload.reason }),
    );
  }

  private async transition<K extends 'OrderApproved' | 'OrderRejected'>(
    event: EventOf<'PaymentAuthorized' | 'PaymentRejected'>,
    manager: EntityManager,
    emits: K,
    decide: (order: Order) => MessageOutcome<Order, EventPayloads[K]>,
  ): Promise<void> {
    const record = await this.orders.lock(manager, event.payload.orderId);
    if (!record) {
      // Payments exist only for orders whose OrderCreated committed here first.
      throw new PermanentError('unknown-order', `no order ${event.payload.orderId}`);
    }
    const decision = decide(record.order);
    if (decision.kind === 'ignored') {
      this.logger.info(
        { orderId: record.order.orderId, eventType: event.eventType, reason: decision.reason },
        'transition ignored',
      );
      return;
    }
    const now = this.clock.now();
    // Started together, they leave in one write and run in this order (sentTogether); if one
    // fails, the transaction and both fail.
    await Promise.all(
      sentTogether(manager, () => [
        this.orders.update(manager, decision.order, now),
        appendToOutbox(manager, {
          eventType: emits,
          aggregateId: record.order.orderId,
          payload: decision.event,
          occurredAt: now,
          correlationId: event.correlationId,
          causationId: event.eventId,
        }),
      ]),
    );
  }
}
