import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { queryPrepared, sentTogether, type PreparedStatement } from '@app/messaging';

import { PaymentStore } from '../application/ports/payment-store.js';
import type { CreditAccount } from '../domain/credit-account.js';
import type { Payment } from '../domain/payment.js';
import { CreditAccountEntity } from './credit-account.entity.js';
import { PaymentEntity } from './payment.entity.js';

// The consumer's statements, as plain SQL prepared once per connection (queryPrepared), each
// for all the records of a transaction at once (arrays in, unnest): TypeORM's query builder
// cost more CPU than the statements themselves (ADR 0009). Reads for the HTTP API stay on
// TypeORM. Locks are taken in key order (ORDER BY), the same order whoever takes them.
const PAYMENT_COLUMNS = `order_id AS "orderId", payment_id AS "paymentId", customer_id AS "customerId",
  amount, currency, status, reason`;
const LOCK_PAYMENTS: PreparedStatement = {
  name: 'payments-lock-all',
  text: `SELECT ${PAYMENT_COLUMNS} FROM payments WHERE order_id = ANY($1::uuid[])
          ORDER BY order_id FOR UPDATE`,
};
const INSERT_PAYMENTS: PreparedStatement = {
  name: 'payments-insert-all',
  text: `INSERT INTO payments (order_id, payment_id, customer_id, amount, currency, status, reason,
           created_at, updated_at)
         SELECT order_id, payment_id, customer_id, amount, currency, status, reason, $8, $8
           FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::bigint[], $5::text[], $6::text[],
                       $7::text[]) AS p(order_id, payment_id, customer_id, amount, currency, status,
                       reason)`,
};
const UPDATE_PAYMENTS: PreparedStatement = {
  name: 'payments-update-all',
  text: `UPDATE payments SET status = p.status, reason = p.reason, updated_at = $4
           FROM unnest($1::uuid[], $2::text[], $3::text[]) AS p(order_id, status, reason)
          WHERE payments.order_id = p.order_id`,
};
// A concurrent opening of the same account waits on the key, then inserts nothing.
const OPEN_ACCOUNTS: PreparedStatement = {
  name: 'credit-accounts-open-all',
  text: `INSERT INTO credit_accounts (customer_id, currency, credit_limit, available)
         SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[], $4::bigint[])
          ORDER BY 1
         ON CONFLICT (customer_id) DO NOTHING`,
};
const LOCK_ACCOUNTS: PreparedStatement = {
  name: 'credit-accounts-lock-all',
  text: `SELECT customer_id AS "customerId", currency, credit_limit AS "creditLimit", available
           FROM credit_accounts WHERE customer_id = ANY($1::text[])
          ORDER BY customer_id FOR UPDATE`,
};
const SAVE_ACCOUNTS: PreparedStatement = {
  name: 'credit-accounts-save-all',
  text: `UPDATE credit_accounts SET available = a.available
           FROM unnest($1::text[], $2::bigint[]) AS a(customer_id, available)
          WHERE credit_accounts.customer_id = a.customer_id`,
};

/** A payments row as LOCK_PAYMENTS reads it (bigint arrives as a string). */
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

  async lockPayments(manager: EntityManager, orderIds: readonly string[]): Promise<Payment[]> {
    const rows = await queryPrepared<PaymentRow>(manager, LOCK_PAYMENTS, [orderIds]);
    return rows.map(toPayment);
  }

  /**
   * Creates the customers' default accounts that are new, then row-locks them all: every
   * change to one customer's credit is serialized, whichever partition its order came from.
   */
  async lockAccounts(
    manager: EntityManager,
    openings: readonly CreditAccount[],
  ): Promise<CreditAccount[]> {
    // Both leave in one write (sentTogether) and run in this order.
    const [, rows] = await Promise.all(
      sentTogether(
        manager,
        () =>
          [
            queryPrepared(manager, OPEN_ACCOUNTS, [
              openings.map((a) => a.customerId),
              openings.map((a) => a.currency),
              openings.map((a) => a.creditLimit),
              openings.map((a) => a.available),
            ]),
            queryPrepared<AccountRow>(manager, LOCK_ACCOUNTS, [openings.map((a) => a.customerId)]),
          ] as const,
      ),
    );
    return rows.map(toAccount);
  }

  async saveAccounts(manager: EntityManager, accounts: readonly CreditAccount[]): Promise<void> {
    if (accounts.length === 0) return;
    await queryPrepared(manager, SAVE_ACCOUNTS, [
      accounts.map((a) => a.customerId),
      accounts.map((a) => a.available),
    ]);
  }

  async insertPayments(
    manager: EntityManager,
    payments: readonly Payment[],
    now: Date,
  ): Promise<void> {
    if (payments.length === 0) return;
    await queryPrepared(manager, INSERT_PAYMENTS, [
      payments.map((p) => p.orderId),
      payments.map((p) => p.paymentId),
      payments.map((p) => p.customerId),
      payments.map((p) => p.amount),
      payments.map((p) => p.currency),
      payments.map((p) => p.status),
      payments.map((p) => p.reason),
      now,
    ]);
  }

  async updatePayments(
    manager: EntityManager,
    payments: readonly Payment[],
    now: Date,
  ): Promise<void> {
    if (payments.length === 0) return;
    await queryPrepared(manager, UPDATE_PAYMENTS, [
      payments.map((p) => p.orderId),
      payments.map((p) => p.status),
      payments.map((p) => p.reason),
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
