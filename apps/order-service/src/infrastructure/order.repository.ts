import {
  insertWithFirstEvent,
  queryPrepared,
  type NewEvent,
  type PreparedStatement,
} from '@app/messaging';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';

import { OrderStore, type OrderRecord } from '../application/ports/order-store.js';
import type { Order } from '../domain/order.js';
import { OrderEntity } from './order.entity.js';

export type { OrderRecord };

// The consumer's statements (every payment event), as plain SQL prepared once per
// connection (queryPrepared): TypeORM's query builder cost more CPU than the statements
// (ADR 0009). The entity stays the table's definition and serves the HTTP reads.
const LOCK_ORDER: PreparedStatement = {
  name: 'orders-lock',
  text: `SELECT order_id AS "orderId", customer_id AS "customerId", currency, items, total, status,
           rejection_reason AS "rejectionReason", payment_id AS "paymentId",
           idempotency_key AS "idempotencyKey", request_hash AS "requestHash",
           correlation_id AS "correlationId", created_at AS "createdAt", updated_at AS "updatedAt"
      FROM orders WHERE order_id = $1 FOR UPDATE`,
};
const UPDATE_ORDER: PreparedStatement = {
  name: 'orders-update',
  text: `UPDATE orders SET status = $2, rejection_reason = $3, payment_id = $4, updated_at = $5
          WHERE order_id = $1`,
};

/** An orders row as LOCK_ORDER reads it (bigint arrives as a string). */
type OrderRow = Omit<OrderEntity, 'total'> & { total: string };

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
    const [row] = await queryPrepared<OrderRow>(manager, LOCK_ORDER, [orderId]);
    return row ? toRecord({ ...row, total: Number(row.total) }) : null;
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
    await queryPrepared(manager, UPDATE_ORDER, [
      order.orderId,
      order.status,
      order.rejectionReason,
      order.paymentId,
      now,
    ]);
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
