import type { NewEvent } from '@app/messaging';
import type { EntityManager } from 'typeorm';

import type { Order } from '../../domain/order.js';

/** An order as stored, with what the API needs besides the state itself. */
export interface OrderRecord {
  order: Order;
  requestHash: string;
  correlationId: string;
  createdAt: Date;
  updatedAt: Date;
}

/**
 * What the application needs of order storage (infrastructure/order.repository.ts is the
 * adapter). An abstract class rather than an interface so that it is also the DI token. Writes
 * take the caller's transaction: the order row and its outbox row commit together.
 */
export abstract class OrderStore {
  abstract find(orderId: string): Promise<OrderRecord | null>;

  /**
   * Reads and row-locks the orders that exist among `orderIds` until the transaction ends
   * (serializes their transitions).
   */
  abstract lockAll(manager: EntityManager, orderIds: readonly string[]): Promise<OrderRecord[]>;

  /**
   * Inserts unless an order with this id (or idempotency key) exists and, only then, its
   * OrderCreated as the first event of its stream, atomically; true when it inserted.
   */
  abstract insertWithCreatedEvent(
    order: Order,
    meta: { idempotencyKey: string | null; requestHash: string; correlationId: string; now: Date },
    event: NewEvent<'OrderCreated'>,
  ): Promise<boolean>;

  /** Writes the orders' new states, in one statement. */
  abstract updateAll(manager: EntityManager, orders: readonly Order[], now: Date): Promise<void>;
}
