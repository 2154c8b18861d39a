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

  abstract lockPayment(manager: EntityManager, orderId: string): Promise<Payment | null>;

  /** Opens the account if it is new, then row-locks it (serializes one customer's credit). */
  abstract lockAccount(manager: EntityManager, opening: CreditAccount): Promise<CreditAccount>;

  abstract saveAccount(manager: EntityManager, account: CreditAccount): Promise<void>;

  abstract insertPayment(manager: EntityManager, payment: Payment, now: Date): Promise<void>;

  abstract updatePayment(manager: EntityManager, payment: Payment, now: Date): Promise<void>;
}
