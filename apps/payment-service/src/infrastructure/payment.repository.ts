import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { queryPrepared, sentTogether, type PreparedStatement } from '@app/messaging';

import { PaymentStore } from '../application/ports/payment-store.js';
import type { CreditAccount } from '../domain/credit-account.js';
import type { Payment } from '../domain/payment.js';
import { CreditAccountEntity } from './credit-account.entity.js';
import { PaymentEntity } from './payment.entity.js';

// The consumer's statements, as plain SQL prepared once per connection (queryPrepared): they
// run for every OrderCreated and OrderCancelled, where TypeORM's query builder cost more CPU
// than the statements themselves (ADR 0009). Reads for the HTTP API stay on TypeORM.
const PAYMENT_COLUMNS = `order_id AS "orderId", payment_id AS "paymentId", customer_id AS "customerId",
  amount, currency, status, reason`;
const LOCK_PAYMENT: PreparedStatement = {
  name: 'payments-lock',
  text: `SELECT ${PAYMENT_COLUMNS} FROM payments WHERE order_id = $1 FOR UPDATE`,
};
const INSERT_PAYMENT: PreparedStatement = {
  name: 'payments-insert',
  text: `INSERT INTO payments (order_id, payment_id, customer_id, amount, currency, status, reason,
           created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)`,
};
const UPDATE_PAYMENT: PreparedStatement = {
  name: 'payments-update',
  text: 'UPDATE payments SET status = $2, reason = $3, updated_at = $4 WHERE order_id = $1',
};
// A concurrent opening of the same account waits on the key, then inserts nothing.
const OPEN_ACCOUNT: PreparedStatement = {
  name: 'credit-accounts-open',
  text: `INSERT INTO credit_accounts (customer_id, currency, credit_limit, available)
         VALUES ($1, $2, $3, $4) ON CONFLICT (customer_id) DO NOTHING`,
};
const LOCK_ACCOUNT: PreparedStatement = {
  name: 'credit-accounts-lock',
  text: `SELECT customer_id AS "customerId", currency, credit_limit AS "creditLimit", available
           FROM credit_accounts WHERE customer_id = $1 FOR UPDATE`,
};
const SAVE_ACCOUNT: PreparedStatement = {
  name: 'credit-accounts-save',
  text: 'UPDATE credit_accounts SET available = $2 WHERE customer_id = $1',
};

/** A payments row as LOCK_PAYMENT reads it (bigint arrives as a string). */
type PaymentRow = Omit<PaymentEntity, 'amount' | 'createdAt' | 'updatedAt'> & { amount: string };
type AccountRow = { customerId: string; currency: string; creditLimit: string; available: string };

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
    const [row] = await queryPrepared<PaymentRow>(manager, LOCK_PAYMENT, [orderId]);
    return row ? toPayment(row) : null;
  }

  /**
   * Creates the customer's default account if it is new, then row-locks it: every change to
   * one customer's credit is serialized, whichever partition its order came from.
   */
  async lockAccount(manager: EntityManager, opening: CreditAccount): Promise<CreditAccount> {
    // Both leave in one write (sentTogether) and run in this order.
    const [, [row]] = await Promise.all(
      sentTogether(
        manager,
        () =>
          [
            queryPrepared(manager, OPEN_ACCOUNT, [
              opening.customerId,
              opening.currency,
              opening.creditLimit,
              opening.available,
            ]),
            queryPrepared<AccountRow>(manager, LOCK_ACCOUNT, [opening.customerId]),
          ] as const,
      ),
    );
    return toAccount(row!);
  }

  async saveAccount(manager: EntityManager, account: CreditAccount): Promise<void> {
    await queryPrepared(manager, SAVE_ACCOUNT, [account.customerId, account.available]);
  }

  async insertPayment(manager: EntityManager, payment: Payment, now: Date): Promise<void> {
    await queryPrepared(manager, INSERT_PAYMENT, [
      payment.orderId,
      payment.paymentId,
      payment.customerId,
      payment.amount,
      payment.currency,
      payment.status,
      payment.reason,
      now,
    ]);
  }

  async updatePayment(manager: EntityManager, payment: Payment, now: Date): Promise<void> {
    await queryPrepared(manager, UPDATE_PAYMENT, [
      payment.orderId,
      payment.status,
      payment.reason,
      now,
    ]);
  }
}

function toPayment(row: PaymentEntity | PaymentRow): Payment {
  return {
    paymentId: row.paymentId,
    orderId: row.orderId,
    customerId: row.customerId,
    amount: Number(row.amount),
    currency: row.currency,
    status: row.status,
    reason: row.reason,
  } as Payment;
}

function toAccount(row: AccountRow): CreditAccount {
  return {
    customerId: row.customerId,
    currency: row.currency,
    creditLimit: Number(row.creditLimit),
    available: Number(row.available),
  };
}
