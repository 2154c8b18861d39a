import { appendToOutbox } from '@app/messaging';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

import { cancel, type Order } from '../domain/order.js';
import { OrderStore } from './ports/order-store.js';
import { Clock } from '@app/platform';
import { OrderNotFoundError } from './order-not-found.error.js';

/**
 * PENDING or APPROVED -> CANCELLED (+ OrderCancelled). The row lock serializes the cancel
 * with a PaymentAuthorized being applied at the same moment: whichever commits second sees
 * the first's state, so the two always converge (a late authorization is ignored, and
 * payment-service refunds because it sees OrderCancelled after OrderCreated).
 */
@Injectable()
export class CancelOrderHandler {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly orders: OrderStore,
    private readonly clock: Clock,
  ) {}

  async execute(orderId: string, reason: string | null): Promise<Order> {
    return this.dataSource.transaction(async (manager) => {
      const [record] = await this.orders.lockAll(manager, [orderId]);
      if (!record) throw new OrderNotFoundError(orderId);
      // Throws IllegalTransitionError (HTTP 409) from REJECTED or CANCELLED.
      const { order, event } = cancel(record.order, { reason });
      const now = this.clock.now();
      await this.orders.updateAll(manager, [order], now);
      await appendToOutbox(manager, {
        eventType: 'OrderCancelled',
        aggregateId: orderId,
        payload: event,
        occurredAt: now,
        correlationId: record.correlationId,
        causationId: null,
      });
      return order;
    });
  }
}
