import type { DomainEvent, EventOf, EventPayloads, EventType } from '@app/contracts';
import { describe, expect, it } from 'vitest';

import { foldChunk, type LoadedOrder } from './fold-chunk.js';
import { emptyView } from './order-view.js';

const orderId = '0b7a1b56-7d1c-4c1e-9a51-0c4f3e0d7a11';
const customerId = 'c-1';
const paymentId = '5e0f4d7a-3b0c-4a43-8f61-cc2b3fd16a01';
let clock = Date.parse('2026-11-25T10:00:00.000Z');

function event<K extends EventType>(type: K, sequence: number, payload: EventPayloads[K]) {
  clock += 1000;
  return {
    eventId: `00000000-0000-4000-8000-${String(clock).slice(-12)}`,
    eventType: type,
    schemaVersion: 1,
    aggregateId: orderId,
    sequence,
    occurredAt: new Date(clock).toISOString(),
    correlationId: orderId,
    causationId: null,
    payload,
  } as EventOf<K>;
}

const authorized = event('PaymentAuthorized', 1, {
  paymentId,
  orderId,
  customerId,
  amount: 500,
  currency: 'EUR',
});
const refunded = event('PaymentRefunded', 2, {
  paymentId,
  orderId,
  customerId,
  amount: 500,
  currency: 'EUR',
  reason: 'cancelled',
} as EventPayloads['PaymentRefunded']);
const same = (e: DomainEvent): DomainEvent => e;

describe('foldChunk', () => {
  describe('when a stream arrives out of order within one chunk', () => {
    it('parks the early event and unparks it, leaving parked_events untouched', () => {
      const changes = foldChunk(new Map(), [refunded, authorized], same);

      expect(changes.views).toHaveLength(1);
      expect(changes.views[0]).toMatchObject({ paymentStatus: 'REFUNDED', paymentSeq: 2 });
      expect(changes.park).toEqual([]);
      expect(changes.unpark).toEqual([]);
      expect(changes.totals.amounts.get(JSON.stringify([customerId, 'EUR']))).toMatchObject({
        authorized: 500,
        refunded: 500,
      });
    });
  });

  describe('when the gap is not filled within the chunk', () => {
    it('parks the event and still writes the view it created', () => {
      const changes = foldChunk(new Map(), [refunded], same);

      expect(changes.views).toEqual([emptyView(orderId, customerId, refunded.occurredAt)]);
      expect(changes.park).toEqual([{ orderId, stream: 'payment', sequence: 2, event: refunded }]);
    });
  });

  describe('when an event parked by an earlier transaction becomes next', () => {
    it('unparks it from the table and folds it after the event that filled the gap', () => {
      const loaded = new Map<string, LoadedOrder>([
        [
          orderId,
          {
            view: emptyView(orderId, customerId, refunded.occurredAt),
            parked: { order: new Map(), payment: new Map([[2, refunded]]) },
          },
        ],
      ]);
      const changes = foldChunk(loaded, [authorized, authorized], same);

      expect(changes.views[0]).toMatchObject({ paymentStatus: 'REFUNDED', paymentSeq: 2 });
      expect(changes.unpark).toEqual([{ orderId, stream: 'payment', sequence: 2 }]);
      // The second `authorized` (a re-send under the same sequence) is stale.
      expect(changes.totals.summaries.get(customerId)).toEqual({
        paymentsAuthorized: 1,
        paymentsRefunded: 1,
      });
    });
  });
});
