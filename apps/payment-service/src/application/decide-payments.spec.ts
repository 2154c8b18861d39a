import type { EventOf } from '@app/contracts';
import { PermanentError } from '@app/messaging';
import { describe, expect, it } from 'vitest';

import { openAccount, type CreditAccount } from '../domain/credit-account.js';
import type { Payment } from '../domain/payment.js';
import { decidePayments, type OrderEvent } from './decide-payments.js';

const EUR = { creditLimit: 10_000, currency: 'EUR' };
const accountOf = (customerId: string, available = 10_000): CreditAccount => ({
  ...openAccount(customerId, EUR),
  available,
});

const created = (orderId: string, customerId: string, total: number): OrderEvent => ({
  kind: 'created',
  event: {
    eventId: `created-${orderId}`,
    eventType: 'OrderCreated',
    payload: { orderId, customerId, total, currency: 'EUR' },
  } as unknown as EventOf<'OrderCreated'>,
});
const cancelled = (orderId: string, customerId: string): OrderEvent => ({
  kind: 'cancelled',
  event: {
    eventId: `cancelled-${orderId}`,
    eventType: 'OrderCancelled',
    payload: { orderId, customerId, reason: null },
  } as unknown as EventOf<'OrderCancelled'>,
});

const accounts = (...list: CreditAccount[]) => new Map(list.map((a) => [a.customerId, a]));
const payments = (...list: Payment[]) => new Map(list.map((p) => [p.orderId, p]));

describe('decidePayments: one transaction of order events, in log order', () => {
  it("draws each customer's orders on one account, each seeing the credit the ones before it left", () => {
    const decided = decidePayments(
      [created('o1', 'c1', 6_000), created('o2', 'c2', 500), created('o3', 'c1', 6_000)],
      accounts(accountOf('c1'), accountOf('c2')),
      payments(),
    );

    expect(decided.emitted.map((e) => [e.cause, e.eventType])).toEqual([
      [0, 'PaymentAuthorized'],
      [1, 'PaymentAuthorized'],
      [2, 'PaymentRejected'],
    ]);
    expect(decided.inserted.map((p) => [p.orderId, p.status])).toEqual([
      ['o1', 'AUTHORIZED'],
      ['o2', 'AUTHORIZED'],
      ['o3', 'REJECTED'],
    ]);
    expect(decided.updated).toEqual([]);
    expect(decided.accounts).toEqual([accountOf('c1', 4_000), accountOf('c2', 9_500)]);
  });

  it('inserts an order created and cancelled in the same transaction already refunded', () => {
    const decided = decidePayments(
      [created('o1', 'c1', 2_500), cancelled('o1', 'c1')],
      accounts(accountOf('c1')),
      payments(),
    );

    expect(decided.emitted.map((e) => e.eventType)).toEqual([
      'PaymentAuthorized',
      'PaymentRefunded',
    ]);
    expect(decided.inserted.map((p) => [p.orderId, p.status])).toEqual([['o1', 'REFUNDED']]);
    expect(decided.updated).toEqual([]);
    expect(decided.accounts).toEqual([accountOf('c1', 10_000)]);
  });

  it('updates a payment decided in an earlier transaction, and ignores a second OrderCreated for it', () => {
    const earlier: Payment = {
      paymentId: 'p1',
      orderId: 'o1',
      customerId: 'c1',
      amount: 2_500,
      currency: 'EUR',
      status: 'AUTHORIZED',
      reason: null,
    };
    const decided = decidePayments(
      [created('o1', 'c1', 2_500), cancelled('o1', 'c1'), cancelled('o1', 'c1')],
      accounts(accountOf('c1', 7_500)),
      payments(earlier),
    );

    expect(decided.inserted).toEqual([]);
    expect(decided.updated).toEqual([{ ...earlier, status: 'REFUNDED' }]);
    expect(decided.accounts).toEqual([accountOf('c1', 10_000)]);
    expect(decided.emitted.map((e) => [e.cause, e.eventType])).toEqual([[1, 'PaymentRefunded']]);
    expect(decided.ignored).toEqual([
      { cause: 0, reason: 'payment already decided' },
      { cause: 2, reason: 'already-applied' },
    ]);
  });

  it('fails the transaction, for its records to go one by one, on a cancel without a payment', () => {
    expect(() =>
      decidePayments([cancelled('o9', 'c1')], accounts(accountOf('c1')), payments()),
    ).toThrow(PermanentError);
  });
});
