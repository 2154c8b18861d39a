import { PermanentError } from '@app/messaging';
import { describe, expect, it } from 'vitest';

import type { Order } from '../domain/order.js';
import { decideOrders, type PaymentEvent } from './decide-orders.js';

const pending = (orderId: string): Order & { status: 'PENDING' } => ({
  orderId,
  customerId: 'c1',
  currency: 'EUR',
  items: [{ sku: 'SKU-1', quantity: 1, unitPrice: 500 }],
  total: 500,
  status: 'PENDING',
  rejectionReason: null,
  paymentId: null,
});
const authorized = (orderId: string, paymentId = `pay-${orderId}`): PaymentEvent =>
  ({
    eventType: 'PaymentAuthorized',
    payload: { paymentId, orderId, customerId: 'c1', amount: 500, currency: 'EUR' },
  }) as PaymentEvent;
const rejected = (orderId: string): PaymentEvent =>
  ({
    eventType: 'PaymentRejected',
    payload: {
      paymentId: `pay-${orderId}`,
      orderId,
      customerId: 'c1',
      amount: 500,
      currency: 'EUR',
      reason: 'INSUFFICIENT_CREDIT',
    },
  }) as PaymentEvent;
const orders = (...list: Order[]) => new Map(list.map((o) => [o.orderId, o]));

describe('decideOrders: one transaction of payment events, in log order', () => {
  it('approves and rejects the orders they name, one event each', () => {
    const decided = decideOrders(
      [authorized('o1'), rejected('o2')],
      orders(pending('o1'), pending('o2')),
    );

    expect(decided.changed.map((o) => [o.orderId, o.status])).toEqual([
      ['o1', 'APPROVED'],
      ['o2', 'REJECTED'],
    ]);
    expect(decided.emitted.map((e) => [e.cause, e.eventType])).toEqual([
      [0, 'OrderApproved'],
      [1, 'OrderRejected'],
    ]);
    expect(decided.ignored).toEqual([]);
  });

  it('decides a second payment event for one order against the state the first left', () => {
    const decided = decideOrders(
      [authorized('o1'), authorized('o1'), rejected('o1')],
      orders(pending('o1')),
    );

    expect(decided.changed).toEqual([
      { ...pending('o1'), status: 'APPROVED', paymentId: 'pay-o1' },
    ]);
    expect(decided.emitted.map((e) => e.cause)).toEqual([0]);
    expect(decided.ignored).toEqual([
      { cause: 1, reason: 'already-applied' },
      { cause: 2, reason: 'order-approved' },
    ]);
  });

  it('ignores an authorization that crossed a cancel, and writes nothing for it', () => {
    const decided = decideOrders(
      [authorized('o1')],
      orders({ ...pending('o1'), status: 'CANCELLED' }),
    );

    expect(decided.changed).toEqual([]);
    expect(decided.emitted).toEqual([]);
    expect(decided.ignored).toEqual([{ cause: 0, reason: 'order-cancelled' }]);
  });

  it('fails the transaction, for its records to go one by one, on an unknown order', () => {
    expect(() => decideOrders([authorized('o9')], orders(pending('o1')))).toThrow(PermanentError);
  });
});
