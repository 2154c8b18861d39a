import { randomUUID } from 'node:crypto';

import { ORDER_EVENTS_TOPIC, PAYMENT_EVENTS_TOPIC } from '@app/contracts';
import { eventually } from '@app/devstack';
import { beforeEach, describe, expect, it } from 'vitest';

import { e2eStack } from '../support/e2e-stack.js';
import { systemApi, type Order } from '../support/api.js';
import { queryReadOnly } from '../support/db.js';
import { isDown, withFaultyInstance } from '../support/faults.js';
import { DEFAULT_CREDIT, newCustomerId, orderBody, placeOrder } from '../support/orders.js';
import { waitUntilQuiet } from '../support/quiet.js';
import { readRecords } from '../support/read-records.js';
import { settle } from '../support/snapshot.js';

const count = <T>(items: readonly T[], pick: (item: T) => boolean): number =>
  items.filter(pick).length;

/**
 * Invariant 1, "no lost event": every committed state change is published eventually, even if
 * the process dies between commit and publish. The relay is at-least-once, so a crash after
 * the broker's ack re-sends; the consumers' inboxes make that re-send harmless (invariant 3).
 */
describe('Invariant 1 "no lost event": the outbox relay survives crashes', () => {
  const stack = e2eStack();
  const api = systemApi(stack);

  // Nothing of earlier tests may be in flight: the faulty instance's relay must send only
  // what this test commits.
  beforeEach(() => waitUntilQuiet(stack));

  describe('when order-service dies after committing orders and before publishing them', () => {
    it('publishes every committed OrderCreated after the restart, and each order gets exactly one payment', async () => {
      const customerId = newCustomerId();
      const totals = [1_000, 2_000, 3_000, 4_000, 5_000, 6_000];
      const placed: Order[] = [];

      await withFaultyInstance(stack, 'order-service', { OUTBOX_RELAY: 'off' }, async () => {
        for (const total of totals) placed.push(await placeOrder(api, customerId, total));
        // The crash window is real: all committed, none published (so no payment either).
        const [unpublished] = await queryReadOnly<{ n: number }>(
          stack.databaseUrl('order-service'),
          `SELECT count(*)::int AS n FROM outbox
            WHERE event_type = 'OrderCreated' AND aggregate_id = ANY($1::text[]) AND published_at IS NULL`,
          [placed.map((o) => o.orderId)],
        );
        expect(unpublished!.n).toBe(totals.length);
        expect((await api.payment(placed[0]!.orderId)).status).toBe(404);
        await stack.kill('order-service');
      });

      const orderIds = placed.map((o) => o.orderId);
      const snapshot = await settle(stack, api, orderIds, [customerId]);
      expect(Object.values(snapshot.outcomes).map((o) => o.order.status)).toEqual(
        totals.map(() => 'APPROVED'),
      );
      const created = await readRecords(stack, ORDER_EVENTS_TOPIC, orderIds);
      const decisions = await readRecords(stack, PAYMENT_EVENTS_TOPIC, orderIds);
      for (const orderId of orderIds) {
        const mine = (
          r: { envelope: { aggregateId: string; eventType: string } },
          type: string,
        ): boolean => r.envelope.aggregateId === orderId && r.envelope.eventType === type;
        expect(
          count(created, (r) => mine(r, 'OrderCreated')),
          `OrderCreated of ${orderId}`,
        ).toBeGreaterThanOrEqual(1);
        expect(
          count(decisions, (r) => mine(r, 'PaymentAuthorized')),
          `payments of ${orderId}`,
        ).toBe(1);
      }
      const sum = totals.reduce((a, b) => a + b, 0);
      expect(snapshot.accounts[customerId]!.available).toBe(DEFAULT_CREDIT - sum);
      expect(snapshot.summaries[customerId]).toMatchObject({
        orders: { total: totals.length, approved: totals.length },
        payments: { authorized: totals.length },
        amounts: [{ currency: 'EUR', authorized: sum, outstanding: sum }],
      });
    });
  });

  describe('when order-service dies after the broker acked a batch and before marking it published', () => {
    it('re-sends the OrderCreated after the restart, yet the order is approved and paid once', async () => {
      const customerId = newCustomerId();
      const body = orderBody(customerId, 9_000);
      const key = `crash-${randomUUID()}`;
      let orderId: string | undefined;

      await withFaultyInstance(
        stack,
        'order-service',
        { FAULT_RELAY_CRASH_AFTER_SEND: '1' },
        async () => {
          // The process may die before its answer leaves; the client then retries (below).
          const response = await api
            .placeOrder(body, { headers: { 'idempotency-key': key } })
            .catch(() => undefined);
          if (response) {
            expect(response.status).toBe(201);
            orderId = response.body.orderId;
          }
          await eventually(() => isDown(stack.url('order-service')), {
            what: 'order-service to kill itself right after its relay sent the batch',
          });
        },
      );
      if (!orderId) {
        const retry = await api.placeOrder(body, { headers: { 'idempotency-key': key } });
        expect(retry.status).toBe(201);
        orderId = retry.body.orderId;
      }
      const id = orderId;

      const created = await eventually(
        async () => {
          const records = (await readRecords(stack, ORDER_EVENTS_TOPIC, [id])).filter(
            (r) => r.envelope.eventType === 'OrderCreated',
          );
          expect(
            records.length,
            'OrderCreated records (sent, then re-sent)',
          ).toBeGreaterThanOrEqual(2);
          return records;
        },
        { timeoutMs: 60_000, what: 'the restarted relay to re-send the OrderCreated' },
      );
      expect(new Set(created.map((r) => r.envelope.eventId)).size).toBe(1);

      const snapshot = await settle(stack, api, [id], [customerId]);
      expect(snapshot.outcomes[id]!.order.status).toBe('APPROVED');
      expect(snapshot.outcomes[id]!.payment).toMatchObject({ status: 'AUTHORIZED', amount: 9_000 });
      expect(snapshot.accounts[customerId]!.available).toBe(DEFAULT_CREDIT - 9_000);
      expect(snapshot.summaries[customerId]).toMatchObject({
        orders: { total: 1, pending: 0, approved: 1 },
        payments: { authorized: 1 },
        amounts: [{ currency: 'EUR', authorized: 9_000, refunded: 0, outstanding: 9_000 }],
      });
      const decisions = await readRecords(stack, PAYMENT_EVENTS_TOPIC, [id]);
      expect(decisions.map((r) => r.envelope.eventType)).toEqual(['PaymentAuthorized']);
      const approvals = await readRecords(stack, ORDER_EVENTS_TOPIC, [id]);
      expect(count(approvals, (r) => r.envelope.eventType === 'OrderApproved')).toBe(1);
    });
  });
});
