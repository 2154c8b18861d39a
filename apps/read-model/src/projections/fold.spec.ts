import {
  streamOf,
  type DomainEvent,
  type EventOf,
  type EventPayloads,
  type EventType,
} from '@app/contracts';
import { describe, expect, it } from 'vitest';

import { fold } from './fold.js';
import { emptyView, type OrderView, type SummaryDelta } from './order-view.js';

const orderId = '0b7a1b56-7d1c-4c1e-9a51-0c4f3e0d7a11';
const customerId = 'c-1';
let clock = Date.parse('2026-11-25T10:00:00.000Z');

function event<K extends EventType>(
  eventType: K,
  sequence: number,
  payload: EventPayloads[K],
): EventOf<K> {
  clock += 1000;
  return {
    eventId: `00000000-0000-4000-8000-${String(clock).padStart(12, '0').slice(-12)}`,
    eventType,
    schemaVersion: 1,
    aggregateId: orderId,
    sequence,
    occurredAt: new Date(clock).toISOString(),
    correlationId: orderId,
    causationId: null,
    payload,
  };
}

const paymentId = '5e0f4d7a-3b0c-4a43-8f61-cc2b3fd16a01';
const created = event('OrderCreated', 1, {
  orderId,
  customerId,
  currency: 'EUR',
  items: [{ sku: 'A', quantity: 2, unitPrice: 500 }],
  total: 1000,
  salesChannel: 'web',
});
const authorized = event('PaymentAuthorized', 1, {
  paymentId,
  orderId,
  customerId,
  amount: 1000,
  currency: 'EUR',
});
const approved = event('OrderApproved', 2, { orderId, customerId, paymentId });
const cancelled = event('OrderCancelled', 3, { orderId, customerId, reason: 'changed my mind' });
const refunded = event('PaymentRefunded', 2, {
  paymentId,
  orderId,
  customerId,
  amount: 1000,
  currency: 'EUR',
});

/** Every interleaving of two sequences that keeps each one's own order. */
function interleavings<T>(a: T[], b: T[]): T[][] {
  if (a.length === 0) return [b];
  if (b.length === 0) return [a];
  return [
    ...interleavings(a.slice(1), b).map((rest) => [a[0]!, ...rest]),
    ...interleavings(a, b.slice(1)).map((rest) => [b[0]!, ...rest]),
  ];
}

function replay(events: DomainEvent[]): {
  view: OrderView;
  summary: Required<SummaryDelta>;
  outstanding: number;
} {
  let view = emptyView(orderId, customerId, events[0]!.occurredAt);
  const summary = {
    orders: 0,
    pending: 0,
    approved: 0,
    rejected: 0,
    cancelled: 0,
    paymentsAuthorized: 0,
    paymentsRejected: 0,
    paymentsRefunded: 0,
  };
  let outstanding = 0;
  for (const e of events) {
    const folded = fold(view, e);
    view = folded.view;
    for (const [k, v] of Object.entries(folded.summary)) summary[k as keyof SummaryDelta] += v;
    outstanding += (folded.amount?.authorized ?? 0) - (folded.amount?.refunded ?? 0);
  }
  return { view, summary, outstanding };
}

describe('read-model fold (invariant 4: convergence)', () => {
  const orderStream: DomainEvent[] = [created, approved, cancelled];
  const paymentStream: DomainEvent[] = [authorized, refunded];
  const all = interleavings(orderStream, paymentStream);

  it('reaches the same view and counters for every interleaving of the two streams', () => {
    expect(all).toHaveLength(10);
    const results = all.map(replay);
    for (const result of results) expect(result).toEqual(results[0]);
  });

  it('equals in-order delivery: cancelled, refunded, nothing outstanding', () => {
    const { view, summary, outstanding } = replay([
      created,
      authorized,
      approved,
      cancelled,
      refunded,
    ]);
    expect(view).toMatchObject({
      status: 'CANCELLED',
      paymentStatus: 'REFUNDED',
      total: 1000,
      orderSeq: 3,
      paymentSeq: 2,
      cancelReason: 'changed my mind',
    });
    expect(view.createdAt).toBe(created.occurredAt);
    expect(view.updatedAt).toBe(
      cancelled.occurredAt > refunded.occurredAt ? cancelled.occurredAt : refunded.occurredAt,
    );
    expect(summary).toEqual({
      orders: 1,
      pending: 0,
      approved: 0,
      rejected: 0,
      cancelled: 1,
      paymentsAuthorized: 1,
      paymentsRejected: 0,
      paymentsRefunded: 1,
    });
    expect(outstanding).toBe(0);
  });

  it('moves a cancelled pending order out of "pending", an approved one out of "approved"', () => {
    const pendingThenCancelled = replay([
      created,
      event('OrderCancelled', 2, { orderId, customerId, reason: null }),
    ]);
    expect(pendingThenCancelled.summary).toMatchObject({ pending: 0, cancelled: 1, approved: 0 });
    const approvedThenCancelled = replay([created, approved, cancelled]);
    expect(approvedThenCancelled.summary).toMatchObject({ pending: 0, approved: 0, cancelled: 1 });
  });

  it('keeps the last applied sequence per stream', () => {
    const { view } = replay([authorized, created]);
    expect([view.orderSeq, view.paymentSeq]).toEqual([1, 1]);
    expect(streamOf('OrderCreated')).toBe('order');
    expect(streamOf('PaymentRefunded')).toBe('payment');
  });
});
