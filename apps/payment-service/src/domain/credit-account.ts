import { InvalidAccountError } from './payment.errors.js';

/** A customer's credit line, in integer minor units of one currency. */
export interface CreditAccount {
  readonly customerId: string;
  /** ISO-4217 code; a payment in another currency is rejected, never converted. */
  readonly currency: string;
  readonly creditLimit: number;
  /** creditLimit minus the amounts of authorized, unrefunded payments. */
  readonly available: number;
}

/** The default account of a customer never seen before, so the demo needs no set-up. */
export function openAccount(
  customerId: string,
  { creditLimit, currency }: { creditLimit: number; currency: string },
): CreditAccount {
  if (customerId.length === 0) throw new InvalidAccountError('customerId must not be empty');
  if (!Number.isSafeInteger(creditLimit) || creditLimit < 0) {
    throw new InvalidAccountError(`creditLimit must be a non-negative integer, got ${creditLimit}`);
  }
  if (!/^[A-Z]{3}$/.test(currency)) {
    throw new InvalidAccountError(`currency must be an ISO-4217 code, got "${currency}"`);
  }
  return { customerId, currency, creditLimit, available: creditLimit };
}
