import type { EntityManager } from 'typeorm';

import type { CreditAccount } from '../../domain/credit-account.js';
import type { Payment } from '../../domain/payment.js';

/**
 * What the application needs of payment and credit-account storage
 * (infrastructure/payment.repository.ts is the adapter). An abstract class rather than an
 * interface so that it is also the DI token. Writes take the caller's transaction.
 */
export abstract class PaymentStore {
  abstract findPayment(orderId: string): Promise<Payment | null>;

  abstract findAccount(customerId: string): Promise<CreditAccount | null>;

  /** Reads and row-locks the payments that exist among `orderIds`. */
  abstract lockPayments(manager: EntityManager, orderIds: readonly string[]): Promise<Payment[]>;

  /** Opens the accounts that are new, then row-locks them all (serializes each customer's credit). */
  abstract lockAccounts(
    manager: EntityManager,
    openings: readonly CreditAccount[],
  ): Promise<CreditAccount[]>;

  abstract saveAccounts(manager: EntityManager, accounts: readonly CreditAccount[]): Promise<void>;

  abstract insertPayments(
    manager: EntityManager,
    payments: readonly Payment[],
    now: Date,
  ): Promise<void>;

  abstract updatePayments(
    manager: EntityManager,
    payments: readonly Payment[],
    now: Date,
  ): Promise<void>;
}
