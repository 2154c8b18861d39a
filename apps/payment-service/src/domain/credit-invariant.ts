import type { CreditAccount } from './credit-account.js';
import type { Payment } from './payment.js';

/**
 * Invariant 5, "money is conserved": the available credit equals the limit minus the amounts
 * of the customer's authorized, unrefunded payments. Summed in BigInt so that a large history
 * cannot round its way into a false "holds".
 */
export function creditInvariantHolds(
  account: CreditAccount,
  payments: readonly Payment[],
): boolean {
  const reserved = payments
    .filter((p) => p.customerId === account.customerId && p.status === 'AUTHORIZED')
    .reduce((sum, p) => sum + BigInt(p.amount), 0n);
  return BigInt(account.available) === BigInt(account.creditLimit) - reserved;
}
