import { describe, expect, it } from 'vitest';

import { CustomerTotals } from './customer-totals.js';

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
});
