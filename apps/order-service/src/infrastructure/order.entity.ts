import { bigintNumber } from '@app/platform';
import type { OrderItem } from '@app/contracts';
import { Column, Entity, PrimaryColumn } from 'typeorm';

import type { OrderStatus } from '../domain/order.js';

/** The orders table. The domain never sees this class; the repository maps it. */
@Entity('orders')
export class OrderEntity {
  @PrimaryColumn('uuid', { name: 'order_id' })
  orderId!: string;

  @Column('text', { name: 'customer_id' })
  customerId!: string;

  @Column('text')
  currency!: string;

  @Column('jsonb')
  items!: OrderItem[];

  @Column('bigint', { transformer: bigintNumber })
  total!: number;

  @Column('text')
  status!: OrderStatus;

  @Column('text', { name: 'rejection_reason', nullable: true })
  rejectionReason!: string | null;

  @Column('uuid', { name: 'payment_id', nullable: true })
  paymentId!: string | null;

  @Column('text', { name: 'idempotency_key', nullable: true })
  idempotencyKey!: string | null;

  @Column('text', { name: 'request_hash' })
  requestHash!: string;

  @Column('text', { name: 'correlation_id' })
  correlationId!: string;

  @Column('timestamptz', { name: 'created_at' })
  createdAt!: Date;

  @Column('timestamptz', { name: 'updated_at' })
  updatedAt!: Date;
}
