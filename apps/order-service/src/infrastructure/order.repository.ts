import { insertWithFirstEvent, type NewEvent } from '@app/messaging';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';

import { OrderStore, type OrderRecord } from '../application/ports/order-store.js';
import type { Order } from '../domain/order.js';
import { OrderEntity } from './order.entity.js';

export type { OrderRecord };

/** Maps orders between the table and the domain's discriminated union. */
@Injectable()
export class OrderRepository implements OrderStore {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async find(orderId: string): Promise<OrderRecord | null> {
    const row = await this.dataSource.getRepository(OrderEntity).findOneBy({ orderId });
    return row ? toRecord(row) : null;
  }

  /** Reads and row-locks the order until the transaction ends (serializes its transitions). */
  async lock(manager: EntityManager, orderId: string): Promise<OrderRecord | null> {
    const row = await manager
      .getRepository(OrderEntity)
      .findOne({ where: { orderId }, lock: { mode: 'pessimistic_write' } });
    return row ? toRecord(row) : null;
  }

  /**
   * Inserts unless an order with this id exists. A concurrent insert of the same id waits on
   * the primary key until the first commits, then inserts nothing: one key, one order. One
   * statement (see insertWithFirstEvent): the hot path of POST /orders.
   */
  async insertWithCreatedEvent(
    order: Order,
    meta: { idempotencyKey: string | null; requestHash: string; correlationId: string; now: Date },
    event: NewEvent<'OrderCreated'>,
  ): Promise<boolean> {
    return insertWithFirstEvent(
      this.dataSource,
      {
        name: 'order-insert-with-created',
        // No conflict target: a taken order id or idempotency key both mean "exists".
        text: `INSERT INTO orders (order_id, customer_id, currency, items, total, status,
                 rejection_reason, payment_id, idempotency_key, request_hash, correlation_id,
                 created_at, updated_at)
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12)
               ON CONFLICT DO NOTHING`,
        values: [
          order.orderId,
          order.customerId,
          order.currency,
          JSON.stringify(order.items),
          order.total,
          order.status,
          order.rejectionReason,
          order.paymentId,
          meta.idempotencyKey,
          meta.requestHash,
          meta.correlationId,
          meta.now,
        ],
      },
      event,
    );
  }

  async update(manager: EntityManager, order: Order, now: Date): Promise<void> {
    await manager.getRepository(OrderEntity).update(
      { orderId: order.orderId },
      {
        status: order.status,
        rejectionReason: order.rejectionReason,
        paymentId: order.paymentId,
        updatedAt: now,
      },
    );
  }
}

function toRecord(row: OrderEntity): OrderRecord {
  return {
    order: {
      orderId: row.orderId,
      customerId: row.customerId,
      currency: row.currency,
      items: row.items,
      total: row.total,
      status: row.status,
      rejectionReason: row.rejectionReason,
      paymentId: row.paymentId,
    } as Order,
    requestHash: row.requestHash,
    correlationId: row.correlationId,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}
