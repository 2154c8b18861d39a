import { currentVersionOf, validateEnvelope, type OrderItem } from '@app/contracts';
import { describe, expect, it } from 'vitest';
import type { NewOrder } from './new-order.rules.js';
import { approve, cancel, placeOrder, reject, type Order } from './order.js';
import { IllegalTransitionError, InvalidOrderError } from './order.errors.js';

const MAX = Number.MAX_SAFE_INTEGER;
const newOrder = (change: Partial<NewOrder> = {}): NewOrder => ({
  orderId: 'order-1',
  customerId: 'customer-1',
  currency: 'EUR',
  items: [
    { sku: 'SKU-BOOK', quantity: 2, unitPrice: 1250 },
    { sku: 'SKU-PEN', quantity: 1, unitPrice: 499 },
  ],
  ...change,
});
const item = (change: Partial<Record<keyof OrderItem, unknown>>): OrderItem =>
  ({ sku: 'SKU', quantity: 1, unitPrice: 100, ...change }) as OrderItem;

/** The field names of the problems placeOrder reports for `input`. */
function problemFields(input: NewOrder): string[] {
  try {
    placeOrder(input);
  } catch (error) {
    if (error instanceof InvalidOrderError) return error.problems.map((p) => p.field);
    throw error;
  }
  return [];
}

// Orders are frozen so that a transition that mutated its input would throw.
const pending = (): Order => Object.freeze(placeOrder(newOrder()).order);
const approved = (): Order =>
  Object.freeze(expectApplied(approve(pending(), { paymentId: 'pay-1' })));
const rejected = (): Order =>
  Object.freeze(expectApplied(reject(pending(), { reason: 'INSUFFICIENT_CREDIT' })));
const cancelledFrom = (from: Order): Order => Object.freeze(cancel(from, { reason: null }).order);

function expectApplied(outcome: { kind: 'applied'; order: Order } | { kind: 'ignored' }): Order {
  if (outcome.kind !== 'applied') throw new Error('expected the transition to apply');
  return outcome.order;
}

describe('Order', () => {
  describe('when placed', () => {
    it('is pending, totals its lines and states OrderCreated', () => {
      const { order, event } = placeOrder(newOrder());
      expect(order).toEqual({
        ...newOrder(),
        total: 2999,
        status: 'PENDING',
        rejectionReason: null,
        paymentId: null,
      });
      expect(event).toEqual({ ...newOrder(), total: 2999, salesChannel: 'api' });
    });

    it.each(['web', 'mobile', 'api'] as const)(
      'states the channel it was placed through (%s)',
      (c) => {
        expect(placeOrder(newOrder({ salesChannel: c })).event.salesChannel).toBe(c);
      },
    );

    it.each([
      ['names no channel', {}],
      ['names the channel null', { salesChannel: null }],
    ])('takes an order that %s as placed through the api', (_, change) => {
      expect(placeOrder(newOrder(change)).event.salesChannel).toBe('api');
    });

    it('keeps the channel in the event only, not in the order state', () => {
      expect(placeOrder(newOrder({ salesChannel: 'web' })).order).not.toHaveProperty(
        'salesChannel',
      );
    });

    it('states an OrderCreated that the current contract accepts', () => {
      const { event } = placeOrder(newOrder({ salesChannel: 'mobile' }));
      const envelope = {
        eventId: '1f0e9d8c-7b6a-4594-8372-615049382716',
        eventType: 'OrderCreated',
        schemaVersion: currentVersionOf('OrderCreated'),
        aggregateId: event.orderId,
        sequence: 1,
        occurredAt: '2026-11-24T10:00:00.000Z',
        correlationId: event.orderId,
        causationId: null,
        payload: event,
      };
      expect(() => validateEnvelope(envelope)).not.toThrow();
    });

    it('keeps only the known fields of each item', () => {
      const extra = { sku: 'SKU', quantity: 1, unitPrice: 5, note: 'gift' } as OrderItem;
      expect(placeOrder(newOrder({ items: [extra] })).event.items).toEqual([
        { sku: 'SKU', quantity: 1, unitPrice: 5 },
      ]);
    });

    it('accepts free items and exactly 100 lines', () => {
      expect(placeOrder(newOrder({ items: [item({ unitPrice: 0 })] })).order.total).toBe(0);
      expect(placeOrder(newOrder({ items: Array(100).fill(item({})) })).order.total).toBe(10_000);
    });

    it.each([
      ['no item', { items: [] }, ['items']],
      ['101 items', { items: Array(101).fill(item({})) }, ['items']],
      ['a lower-case currency', { currency: 'eur' }, ['currency']],
      ['a four-letter currency', { currency: 'EURO' }, ['currency']],
      ['an empty customerId', { customerId: '' }, ['customerId']],
      ['an empty orderId', { orderId: '' }, ['orderId']],
      [
        'the channel "unknown" (kept for orders older than v2)',
        { salesChannel: 'unknown' },
        ['salesChannel'],
      ],
      ['a channel outside the list', { salesChannel: 'tv' }, ['salesChannel']],
      ['an upper-case channel', { salesChannel: 'WEB' }, ['salesChannel']],
      ['an empty sku', { items: [item({ sku: '' })] }, ['items[0].sku']],
      ['a quantity of 0', { items: [item({ quantity: 0 })] }, ['items[0].quantity']],
      ['a fractional quantity', { items: [item({ quantity: 1.5 })] }, ['items[0].quantity']],
      ['the quantity "2" (a string)', { items: [item({ quantity: '2' })] }, ['items[0].quantity']],
      ['a negative unit price', { items: [item({ unitPrice: -1 })] }, ['items[0].unitPrice']],
      [
        'a unit price in major units',
        { items: [item({ unitPrice: 12.5 })] },
        ['items[0].unitPrice'],
      ],
      ['an unsafe unit price', { items: [item({ unitPrice: MAX + 1 })] }, ['items[0].unitPrice']],
      ['a line total beyond 2^53', { items: [item({ quantity: 2, unitPrice: MAX })] }, ['total']],
      [
        'a sum beyond 2^53',
        { items: [item({ unitPrice: MAX }), item({ unitPrice: 1 })] },
        ['total'],
      ],
    ] as const)('refuses %s', (_, change, fields) => {
      expect(problemFields(newOrder(change as Partial<NewOrder>))).toEqual(fields);
    });

    it('names every broken rule at once', () => {
      const input = newOrder({ currency: 'x', items: [item({ quantity: 0, unitPrice: -1 })] });
      expect(problemFields(input)).toEqual(['currency', 'items[0].quantity', 'items[0].unitPrice']);
    });
  });

  describe('when pending', () => {
    it('is approved by an authorized payment, stating OrderApproved', () => {
      expect(approve(pending(), { paymentId: 'pay-1' })).toEqual({
        kind: 'applied',
        order: { ...pending(), status: 'APPROVED', paymentId: 'pay-1' },
        event: { orderId: 'order-1', customerId: 'customer-1', paymentId: 'pay-1' },
      });
    });

    it('is rejected by a rejected payment, stating OrderRejected with the reason', () => {
      expect(reject(pending(), { reason: 'INSUFFICIENT_CREDIT' })).toEqual({
        kind: 'applied',
        order: { ...pending(), status: 'REJECTED', rejectionReason: 'INSUFFICIENT_CREDIT' },
        event: { orderId: 'order-1', customerId: 'customer-1', reason: 'INSUFFICIENT_CREDIT' },
      });
    });

    it('can be cancelled, stating OrderCancelled', () => {
      expect(cancel(pending(), { reason: 'changed my mind' })).toEqual({
        order: { ...pending(), status: 'CANCELLED' },
        event: { orderId: 'order-1', customerId: 'customer-1', reason: 'changed my mind' },
      });
    });
  });

  describe('when approved', () => {
    it('ignores a redelivered authorization as already applied', () => {
      expect(approve(approved(), { paymentId: 'pay-1' })).toEqual({
        kind: 'ignored',
        reason: 'already-applied',
      });
    });

    it('ignores a rejection', () => {
      expect(reject(approved(), { reason: 'INSUFFICIENT_CREDIT' })).toEqual({
        kind: 'ignored',
        reason: 'order-approved',
      });
    });

    it('can be cancelled and keeps its payment, which payment-service then refunds', () => {
      const { order, event } = cancel(approved(), { reason: null });
      expect(order).toEqual({ ...approved(), status: 'CANCELLED', paymentId: 'pay-1' });
      expect(event).toEqual({ orderId: 'order-1', customerId: 'customer-1', reason: null });
    });
  });

  describe('when rejected', () => {
    it('ignores a redelivered rejection as already applied', () => {
      expect(reject(rejected(), { reason: 'INSUFFICIENT_CREDIT' })).toEqual({
        kind: 'ignored',
        reason: 'already-applied',
      });
    });

    it('ignores an authorization', () => {
      expect(approve(rejected(), { paymentId: 'pay-1' })).toEqual({
        kind: 'ignored',
        reason: 'order-rejected',
      });
    });

    it('cannot be cancelled (409)', () => {
      expect(() => cancel(rejected(), { reason: null })).toThrow(
        expect.objectContaining({
          name: 'IllegalTransitionError',
          orderId: 'order-1',
          from: 'REJECTED',
          to: 'CANCELLED',
        }),
      );
    });
  });

  describe('when cancelled', () => {
    it('ignores a late authorization that crossed the cancel', () => {
      expect(approve(cancelledFrom(pending()), { paymentId: 'pay-1' })).toEqual({
        kind: 'ignored',
        reason: 'order-cancelled',
      });
    });

    it('ignores a late rejection', () => {
      expect(reject(cancelledFrom(pending()), { reason: 'INSUFFICIENT_CREDIT' })).toEqual({
        kind: 'ignored',
        reason: 'order-cancelled',
      });
    });

    it.each([
      ['while pending', pending],
      ['after approval', approved],
    ])('cannot be cancelled twice (cancelled %s)', (_, from) => {
      const again = (): unknown => cancel(cancelledFrom(from()), { reason: null });
      expect(again).toThrow(IllegalTransitionError);
      expect(again).toThrow(expect.objectContaining({ from: 'CANCELLED', to: 'CANCELLED' }));
    });
  });

  describe('given a cancel that crossed the authorization in flight', () => {
    it('stays cancelled when the authorization arrives after the cancel', () => {
      const order = cancelledFrom(pending());
      expect(approve(order, { paymentId: 'pay-1' }).kind).toBe('ignored');
      expect(order).toMatchObject({ status: 'CANCELLED', paymentId: null });
    });

    it('ends cancelled too when the authorization won, carrying the payment to refund', () => {
      expect(cancelledFrom(approved())).toMatchObject({ status: 'CANCELLED', paymentId: 'pay-1' });
    });
  });
});
