import { describe, expect, it } from 'vitest';

import { CustomerTotals } from './customer-totals.js';
import type { AmountDelta, SummaryDelta } from './order-view.js';

describe('CustomerTotals', () => {
  it('sums the counter changes of a transaction per customer, as if applied one by one', () => {
    const totals = new CustomerTotals();
    totals.add('c-1', { orders: 1, pending: 1 }, undefined);
    totals.add('c-1', { pending: -1, approved: 1 }, undefined);
    totals.add('c-2', { paymentsAuthorized: 1 }, { currency: 'EUR', authorized: 500, refunded: 0 });
    totals.add('c-2', { paymentsRefunded: 1 }, { currency: 'EUR', authorized: 0, refunded: 500 });

    // A change that sums to zero still says the customer's row exists (pending: 0).
    expect(Object.fromEntries(totals.summaries)).toEqual({
      'c-1': { orders: 1, pending: 0, approved: 1 },
      'c-2': { paymentsAuthorized: 1, paymentsRefunded: 1 },
    });
    expect([...totals.amounts.values()]).toEqual([
      { customerId: 'c-2', currency: 'EUR', authorized: 500, refunded: 500 },
    ]);
  });

  it('creates no summary for an event without counter changes', () => {
    const totals = new CustomerTotals();
    totals.add('c-3', {}, undefined);
    expect(totals.summaries.size).toBe(0);
    expect(totals.amounts.size).toBe(0);
  });

  it('adds up several transactions as one transaction of all their events would', () => {
    const changes: [string, SummaryDelta, AmountDelta | undefined][] = [
      ['c-1', { orders: 1, pending: 1 }, undefined],
      ['c-2', { paymentsAuthorized: 1 }, { currency: 'EUR', authorized: 500, refunded: 0 }],
      ['c-1', { pending: -1, approved: 1 }, undefined],
      ['c-2', { paymentsRefunded: 1 }, { currency: 'EUR', authorized: 0, refunded: 500 }],
      ['c-3', { pending: 0 }, { currency: 'USD', authorized: 0, refunded: 0 }],
    ];
    const once = new CustomerTotals();
    for (const change of changes) once.add(...change);
    const held = new CustomerTotals();
    for (const part of [changes.slice(0, 2), changes.slice(2)]) {
      const transaction = new CustomerTotals();
      for (const change of part) transaction.add(...change);
      held.addAll(transaction);
    }

    expect(Object.fromEntries(held.summaries)).toEqual(Object.fromEntries(once.summaries));
    expect([...held.amounts]).toEqual([...once.amounts]);
  });
});
