import { ORDER_EVENTS_TOPIC } from '@app/contracts';
import { randomUUID } from 'node:crypto';

import { e2eStack } from '../support/e2e-stack.js';
import { describe, expect, it } from 'vitest';

import { systemApi } from '../support/api.js';
import { DEFAULT_CREDIT, newCustomerId, orderBody } from '../support/orders.js';
import { readRecords } from '../support/read-records.js';
import { settle } from '../support/snapshot.js';

/**
 * SYSTEM.md "Event contract": an Idempotency-Key determines the order id and so the id of
 * its OrderCreated, so a client retry can never make a second order or a second event.
 */
describe('POST /orders with an Idempotency-Key', () => {
  const stack = e2eStack();
  const api = systemApi(stack);

  describe('when 20 identical requests with one key arrive at once', () => {
    it('answers all with 201 and one order, replays marked, and publishes exactly one OrderCreated', async () => {
      const customerId = newCustomerId();
      const key = `key-${randomUUID()}`;
      const body = orderBody(customerId, 7_000);

      const responses = await Promise.all(
        Array.from({ length: 20 }, () =>
          api.placeOrder(body, { headers: { 'idempotency-key': key } }),
        ),
      );

      expect(responses.map((r) => r.status)).toEqual(Array(20).fill(201));
      const orderIds = new Set(responses.map((r) => r.body.orderId));
      expect(orderIds.size).toBe(1);
      const replayed = responses.filter((r) => r.headers.get('idempotent-replayed') === 'true');
      expect(replayed).toHaveLength(19);
      const [orderId] = [...orderIds] as [string];

      const snapshot = await settle(stack, api, [orderId], [customerId]);
      expect(snapshot.outcomes[orderId]!.order.status).toBe('APPROVED');
      expect(snapshot.accounts[customerId]!.available).toBe(DEFAULT_CREDIT - 7_000);
      expect(snapshot.summaries[customerId]!.orders.total).toBe(1);
      const created = (await readRecords(stack, ORDER_EVENTS_TOPIC, [orderId])).filter(
        (r) => r.envelope.eventType === 'OrderCreated',
      );
      expect(created).toHaveLength(1);

      const lateRetry = await api.placeOrder(body, { headers: { 'idempotency-key': key } });
      expect(lateRetry.status).toBe(201);
      expect(lateRetry.body).toMatchObject({ orderId, status: 'APPROVED' });
      expect(lateRetry.headers.get('idempotent-replayed')).toBe('true');
    });
  });

  describe('when the key comes again with a different body', () => {
    it('answers 422 with a JSON body and leaves the first order as it was', async () => {
      const customerId = newCustomerId();
      const key = `key-${randomUUID()}`;
      const first = await api.placeOrder(orderBody(customerId, 3_000), {
        headers: { 'idempotency-key': key },
      });
      expect(first.status).toBe(201);

      const other = await api.placeOrder(orderBody(customerId, 3_001), {
        headers: { 'idempotency-key': key },
      });
      expect(other.status).toBe(422);
      expect(other.isJson).toBe(true);

      const snapshot = await settle(stack, api, [first.body.orderId], [customerId]);
      expect(snapshot.outcomes[first.body.orderId]!.order.total).toBe(3_000);
      expect(snapshot.summaries[customerId]!.orders.total).toBe(1);
    });
  });

  describe('without a key', () => {
    it('makes a distinct order of every request, even of identical ones', async () => {
      const customerId = newCustomerId();
      const body = orderBody(customerId, 2_500);
      const responses = await Promise.all([
        api.placeOrder(body),
        api.placeOrder(body),
        api.placeOrder(body),
      ]);

      expect(responses.map((r) => r.status)).toEqual([201, 201, 201]);
      expect(responses.every((r) => r.headers.get('idempotent-replayed') === null)).toBe(true);
      const orderIds = responses.map((r) => r.body.orderId);
      expect(new Set(orderIds).size).toBe(3);
      const snapshot = await settle(stack, api, orderIds, [customerId]);
      expect(snapshot.accounts[customerId]!.available).toBe(DEFAULT_CREDIT - 3 * 2_500);
      expect(snapshot.summaries[customerId]!.orders.total).toBe(3);
    });
  });
});
