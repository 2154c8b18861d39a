import { createHash, randomUUID } from 'node:crypto';

import { idFromKey } from '@app/messaging';
import type { OrderItem, SalesChannel } from '@app/contracts';
import { Injectable } from '@nestjs/common';
import { Clock } from '@app/platform';

import { placeOrder, type Order } from '../domain/order.js';
import { DEFAULT_SALES_CHANNEL, type PlaceableSalesChannel } from '../domain/sales-channel.js';
import { OrderStore } from './ports/order-store.js';
import { IdempotencyKeyReusedError } from './idempotency-key-reused.error.js';

export interface PlaceOrderCommand {
  customerId: string;
  currency: string;
  items: OrderItem[];
  /** Absent: the domain's default ('api'). */
  salesChannel?: PlaceableSalesChannel;
  idempotencyKey: string | null;
  correlationId: string | null;
}

/**
 * Creates the order PENDING and its OrderCreated in one transaction. With an
 * Idempotency-Key the order id (and so the OrderCreated id) derives from the key, so a
 * client's retry finds the first order instead of making a second one.
 */
@Injectable()
export class PlaceOrderHandler {
  constructor(
    private readonly orders: OrderStore,
    private readonly clock: Clock,
  ) {}

  async execute(cmd: PlaceOrderCommand): Promise<{ order: Order; created: boolean }> {
    const orderId = cmd.idempotencyKey ? idFromKey('order', cmd.idempotencyKey) : randomUUID();
    const { order, event } = placeOrder({
      orderId,
      customerId: cmd.customerId,
      currency: cmd.currency,
      items: cmd.items,
      salesChannel: cmd.salesChannel,
    });
    const requestHash = hashRequest(cmd, event.salesChannel);
    const correlationId = cmd.correlationId ?? orderId;
    const now = this.clock.now();

    const inserted = await this.orders.insertWithCreatedEvent(
      order,
      { idempotencyKey: cmd.idempotencyKey, requestHash, correlationId, now },
      {
        eventType: 'OrderCreated',
        aggregateId: orderId,
        payload: event,
        occurredAt: now,
        correlationId,
        causationId: null,
      },
    );
    if (inserted) return { order, created: true };
    // The insert found the order committed (a concurrent one waited for it on the key).
    const existing = await this.orders.find(orderId);
    if (!existing || existing.requestHash !== requestHash)
      throw new IdempotencyKeyReusedError(orderId);
    return { order: existing.order, created: false };
  }
}

/** The request's meaning, independent of key order and whitespace. */
function hashRequest(cmd: PlaceOrderCommand, salesChannel: SalesChannel): string {
  const meaning: unknown[] = [
    cmd.customerId,
    cmd.currency,
    cmd.items.map((i) => [i.sku, i.quantity, i.unitPrice]),
  ];
  // Orders stored before salesChannel existed were hashed without it. Leaving the default out
  // keeps a client's retry of such a request matching, while another channel is another body.
  if (salesChannel !== DEFAULT_SALES_CHANNEL) meaning.push(salesChannel);
  return createHash('sha256').update(JSON.stringify(meaning)).digest('hex');
}
