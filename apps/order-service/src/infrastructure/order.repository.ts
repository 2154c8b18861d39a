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
const LOCK_ORDERS: PreparedStatement = {
  name: 'orders-lock-all',
  // ORDER BY: rows are locked as they are read, so in one order whoever locks them.
  text: `SELECT order_id AS "orderId", customer_id AS "customerId", currency, items, total, status,
           rejection_reason AS "rejectionReason", payment_id AS "paymentId",
           idempotency_key AS "idempotencyKey", request_hash AS "requestHash",
           correlation_id AS "correlationId", created_at AS "createdAt", updated_at AS "updatedAt"
      FROM orders WHERE order_id = ANY($1::uuid[]) ORDER BY order_id FOR UPDATE`,
};
const UPDATE_ORDERS: PreparedStatement = {
  name: 'orders-update-all',
  text: `UPDATE orders SET status = u.status, rejection_reason = u.rejection_reason,
                payment_id = u.payment_id, updated_at = $5
           FROM unnest($1::uuid[], $2::text[], $3::text[], $4::uuid[])
                AS u(order_id, status, rejection_reason, payment_id)
          WHERE orders.order_id = u.order_id`,
};

/** An orders row as LOCK_ORDERS reads it (bigint arrives as a string). */
type OrderRow = Omit<OrderEntity, 'total'> & { total: string };

/** Maps orders between the table and the domain's discriminated union. */
@Injectable()
export class OrderRepository implements OrderStore {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async find(orderId: string): Promise<OrderRecord | null> {
    const row = await this.dataSource.getRepository(OrderEntity).findOneBy({ orderId });
    return row ? toRecord(row) : null;
  }

  /** Reads and row-locks the orders until the transaction ends (serializes their transitions). */
  async lockAll(manager: EntityManager, orderIds: readonly string[]): Promise<OrderRecord[]> {
    const rows = await queryPrepared<OrderRow>(manager, LOCK_ORDERS, [orderIds]);
    return rows.map((row) => toRecord({ ...row, total: Number(row.total) }));
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

  async updateAll(manager: EntityManager, orders: readonly Order[], now: Date): Promise<void> {
    if (orders.length === 0) return;
    await queryPrepared(manager, UPDATE_ORDERS, [
      orders.map((o) => o.orderId),
      orders.map((o) => o.status),
      orders.map((o) => o.rejectionReason),
      orders.map((o) => o.paymentId),
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
