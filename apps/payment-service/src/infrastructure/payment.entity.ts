import { bigintNumber } from '@app/platform';
import { Column, Entity, PrimaryColumn } from 'typeorm';

import type { PaymentStatus } from '../domain/payment.js';

/** One payment per order: the order id is the key, so a re-run can never pay twice. */
@Entity('payments')
export class PaymentEntity {
  @PrimaryColumn('uuid', { name: 'order_id' })
  orderId!: string;

  @Column('uuid', { name: 'payment_id' })
  paymentId!: string;

  @Column('text', { name: 'customer_id' })
  customerId!: string;

  @Column('bigint', { transformer: bigintNumber })
  amount!: number;

  @Column('text')
  currency!: string;

  @Column('text')
  status!: PaymentStatus;

  @Column('text', { nullable: true })
  reason!: string | null;

  @Column('timestamptz', { name: 'created_at' })
  createdAt!: Date;

  @Column('timestamptz', { name: 'updated_at' })
  updatedAt!: Date;
}
