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
   * the primary key until the first commits, then inserts nothing: one key, one order.
   */
  async insertIfAbsent(
    manager: EntityManager,
    order: Order,
    meta: { idempotencyKey: string | null; requestHash: string; correlationId: string; now: Date },
  ): Promise<boolean> {
    const result = await manager
      .createQueryBuilder()
      .insert()
      .into(OrderEntity)
      .values({
        ...fromOrder(order),
        idempotencyKey: meta.idempotencyKey,
        requestHash: meta.requestHash,
        correlationId: meta.correlationId,
        createdAt: meta.now,
        updatedAt: meta.now,
      })
      .orIgnore()
      .returning(['orderId'])
      .execute();
    return (result.raw as unknown[]).length > 0;
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

function fromOrder(order: Order) {
  return {
    orderId: order.orderId,
    customerId: order.customerId,
    currency: order.currency,
    items: [...order.items],
    total: order.total,
    status: order.status,
    rejectionReason: order.rejectionReason,
    paymentId: order.paymentId,
  };
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
