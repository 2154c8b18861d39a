import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';

import { PaymentStore } from '../application/ports/payment-store.js';
import type { CreditAccount } from '../domain/credit-account.js';
import type { Payment } from '../domain/payment.js';
import { CreditAccountEntity } from './credit-account.entity.js';
import { PaymentEntity } from './payment.entity.js';

/** Payments and credit accounts, mapped to and from the domain's types. */
@Injectable()
export class PaymentRepository implements PaymentStore {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async findPayment(orderId: string): Promise<Payment | null> {
    const row = await this.dataSource.getRepository(PaymentEntity).findOneBy({ orderId });
    return row ? toPayment(row) : null;
  }

  async findAccount(customerId: string): Promise<CreditAccount | null> {
    return this.dataSource.getRepository(CreditAccountEntity).findOneBy({ customerId });
  }

  async lockPayment(manager: EntityManager, orderId: string): Promise<Payment | null> {
    const row = await manager
      .getRepository(PaymentEntity)
      .findOne({ where: { orderId }, lock: { mode: 'pessimistic_write' } });
    return row ? toPayment(row) : null;
  }

  /**
   * Creates the customer's default account if it is new, then row-locks it: every change to
   * one customer's credit is serialized, whichever partition its order came from.
   */
  async lockAccount(manager: EntityManager, opening: CreditAccount): Promise<CreditAccount> {
    await manager
      .createQueryBuilder()
      .insert()
      .into(CreditAccountEntity)
      .values(opening)
      .orIgnore()
      .execute();
    const row = await manager
      .getRepository(CreditAccountEntity)
      .findOne({ where: { customerId: opening.customerId }, lock: { mode: 'pessimistic_write' } });
    return row!;
  }

  async saveAccount(manager: EntityManager, account: CreditAccount): Promise<void> {
    await manager
      .getRepository(CreditAccountEntity)
      .update({ customerId: account.customerId }, { available: account.available });
  }

  async insertPayment(manager: EntityManager, payment: Payment, now: Date): Promise<void> {
    await manager
      .getRepository(PaymentEntity)
      .insert({ ...payment, createdAt: now, updatedAt: now });
  }

  async updatePayment(manager: EntityManager, payment: Payment, now: Date): Promise<void> {
    await manager
      .getRepository(PaymentEntity)
      .update(
        { orderId: payment.orderId },
        { status: payment.status, reason: payment.reason, updatedAt: now },
      );
  }
}

function toPayment(row: PaymentEntity): Payment {
  return {
    paymentId: row.paymentId,
    orderId: row.orderId,
    customerId: row.customerId,
    amount: row.amount,
    currency: row.currency,
    status: row.status,
    reason: row.reason,
  } as Payment;
}
