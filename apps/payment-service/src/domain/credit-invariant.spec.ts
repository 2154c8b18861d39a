import { describe, expect, it } from 'vitest';
import { openAccount, type CreditAccount } from './credit-account.js';
import { creditInvariantHolds } from './credit-invariant.js';
import { authorizePayment, refundPayment, type Payment } from './payment.js';

const LIMIT = 50_000;
const fresh = (): CreditAccount =>
  openAccount('customer-1', { creditLimit: LIMIT, currency: 'EUR' });
const payment = (status: Payment['status'], amount: number, customerId = 'customer-1'): Payment =>
  ({
    paymentId: `pay-${amount}`,
    orderId: `order-${amount}`,
    customerId,
    amount,
    currency: 'EUR',
    status,
    reason: status === 'REJECTED' ? 'INSUFFICIENT_CREDIT' : null,
  }) as Payment;

describe('The credit invariant (money is conserved)', () => {
  it('holds for a fresh account without payments', () => {
    expect(creditInvariantHolds(fresh(), [])).toBe(true);
  });

  it('counts only authorized, unrefunded payments of the same customer', () => {
    const account = { ...fresh(), available: LIMIT - 700 };
    const payments = [
      payment('AUTHORIZED', 700),
      payment('REFUNDED', 300),
      payment('REJECTED', 90_000),
      payment('AUTHORIZED', 5_000, 'customer-2'),
    ];
    expect(creditInvariantHolds(account, payments)).toBe(true);
  });

  it('fails when credit was reserved without an authorized payment', () => {
    expect(creditInvariantHolds({ ...fresh(), available: LIMIT - 1 }, [])).toBe(false);
  });

  it('fails when an authorized payment reserved nothing', () => {
    expect(creditInvariantHolds(fresh(), [payment('AUTHORIZED', 1)])).toBe(false);
  });

  it('holds after any sequence of authorizations and refunds', () => {
    // A seeded generator keeps the run reproducible while covering many interleavings.
    let seed = 7;
    const random = (below: number): number => (seed = (seed * 48_271) % 2_147_483_647) % below;
    let account = fresh();
    const payments = new Map<string, Payment>();
    for (let step = 0; step < 500; step += 1) {
      const refundable = [...payments.values()].filter((p) => p.status === 'AUTHORIZED');
      const target = refundable[random(refundable.length + 1)];
      if (target !== undefined && random(2) === 0) {
        const outcome = refundPayment(target, account);
        if (outcome.kind !== 'applied') throw new Error('an authorized payment must be refundable');
        account = outcome.account;
        payments.set(target.paymentId, outcome.payment);
      } else {
        const id = `pay-${step}`;
        const decision = authorizePayment(account, {
          paymentId: id,
          orderId: `order-${step}`,
          customerId: 'customer-1',
          amount: random(20_000),
          currency: random(10) === 0 ? 'USD' : 'EUR',
        });
        account = decision.account;
        payments.set(id, decision.payment);
      }
      expect(creditInvariantHolds(account, [...payments.values()])).toBe(true);
      expect(account.available).toBeGreaterThanOrEqual(0);
    }
    // The walk must have visited every state, or it proved less than it claims.
    const statuses = new Set([...payments.values()].map((p) => p.status));
    expect([...statuses].sort()).toEqual(['AUTHORIZED', 'REFUNDED', 'REJECTED']);
  });
});
