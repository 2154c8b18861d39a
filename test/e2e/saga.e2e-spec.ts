import { randomUUID } from 'node:crypto';

import { eventually } from '@app/devstack';
import { e2eStack } from '../support/e2e-stack.js';
import { describe, expect, it } from 'vitest';

import { systemApi, type CustomerSummary } from '../support/api.js';
import { DEFAULT_CREDIT, newCustomerId, orderBody, placeOrder } from '../support/orders.js';
import { outcomeOf, waitUntilSettled, type Outcome } from '../support/outcome.js';

/**
 * The saga of SYSTEM.md as a client sees it through the three public APIs: place -> payment
 * decided -> order approved or rejected; cancel -> refund; the read model shows each outcome.
 */
describe('Order saga', () => {
  const stack = e2eStack();
  const api = systemApi(stack);

  /** Waits for an outcome that satisfies `check` (which asserts with expect). */
  const outcomeWhen = (
    orderId: string,
    check: (o: Outcome) => void,
    what: string,
  ): Promise<Outcome> =>
    eventually(
      async () => {
        const outcome = await outcomeOf(api, orderId);
        check(outcome);
        return outcome;
      },
      { timeoutMs: 30_000, what },
    );

  const summaryWhen = (
    customerId: string,
    expected: Partial<CustomerSummary>,
  ): Promise<CustomerSummary> =>
    eventually(
      async () => {
        const summary = await api.summary(customerId);
        expect(summary.status).toBe(200);
        expect(summary.body).toMatchObject(expected);
        return summary.body;
      },
      { what: `the summary of ${customerId}` },
    );

  describe('when the customer has enough credit', () => {
    it('approves the order, authorizes the payment and reserves the total from the credit', async () => {
      const customerId = newCustomerId();
      const placed = await placeOrder(api, customerId, 12_500);
      expect(placed).toMatchObject({
        customerId,
        status: 'PENDING',
        currency: 'EUR',
        total: 12_500,
      });
      expect(placed.items).toEqual(orderBody(customerId, 12_500).items);

      const { order, payment, view } = await outcomeWhen(
        placed.orderId,
        (o) => expect(o.order.status).toBe('APPROVED'),
        'approval',
      );
      expect(order).toMatchObject({ orderId: placed.orderId, customerId, total: 12_500 });
      expect(order.rejectionReason).toBeUndefined();
      expect(payment).toMatchObject({
        orderId: placed.orderId,
        customerId,
        status: 'AUTHORIZED',
        amount: 12_500,
        currency: 'EUR',
      });
      expect(view).toMatchObject({
        status: 'APPROVED',
        paymentStatus: 'AUTHORIZED',
        paymentAmount: 12_500,
        total: 12_500,
      });
      expect((await api.account(customerId)).body).toMatchObject({
        customerId,
        creditLimit: DEFAULT_CREDIT,
        available: DEFAULT_CREDIT - 12_500,
      });
      await summaryWhen(customerId, {
        orders: { total: 1, pending: 0, approved: 1, rejected: 0, cancelled: 0 },
        payments: { authorized: 1, rejected: 0, refunded: 0 },
        amounts: [{ currency: 'EUR', authorized: 12_500, refunded: 0, outstanding: 12_500 }],
      });
    });
  });

  describe('when the total exceeds the available credit', () => {
    it('rejects the payment (INSUFFICIENT_CREDIT) and the order, and reserves nothing', async () => {
      const customerId = newCustomerId();
      const placed = await placeOrder(api, customerId, 200_000);

      const { order, payment, view } = await outcomeWhen(
        placed.orderId,
        (o) => expect(o.order.status).toBe('REJECTED'),
        'rejection',
      );
      expect(order.rejectionReason).toBe('INSUFFICIENT_CREDIT');
      expect(payment).toMatchObject({
        status: 'REJECTED',
        reason: 'INSUFFICIENT_CREDIT',
        amount: 200_000,
      });
      expect(view).toMatchObject({
        status: 'REJECTED',
        paymentStatus: 'REJECTED',
        rejectionReason: 'INSUFFICIENT_CREDIT',
      });
      expect((await api.account(customerId)).body.available).toBe(DEFAULT_CREDIT);
      const summary = await summaryWhen(customerId, {
        orders: { total: 1, pending: 0, approved: 0, rejected: 1, cancelled: 0 },
        payments: { authorized: 0, rejected: 1, refunded: 0 },
      });
      expect(summary.amounts.filter((a) => a.outstanding !== 0)).toEqual([]);
    });

    it('answers a cancel with 409 and a JSON body, and the order stays rejected', async () => {
      const customerId = newCustomerId();
      const placed = await placeOrder(api, customerId, 150_000);
      await outcomeWhen(
        placed.orderId,
        (o) => expect(o.order.status).toBe('REJECTED'),
        'rejection',
      );

      const cancel = await api.cancel(placed.orderId, 'too late');
      expect(cancel.status).toBe(409);
      expect(cancel.isJson).toBe(true);
      expect(cancel.body).toMatchObject({ statusCode: 409 });
      expect((await api.order(placed.orderId)).body.status).toBe('REJECTED');
      expect((await api.payment(placed.orderId)).body.status).toBe('REJECTED');
    });
  });

  describe('when an approved order is cancelled', () => {
    it('cancels it, refunds the payment and restores the full credit', async () => {
      const customerId = newCustomerId();
      const placed = await placeOrder(api, customerId, 30_000);
      await outcomeWhen(placed.orderId, (o) => expect(o.order.status).toBe('APPROVED'), 'approval');
      expect((await api.account(customerId)).body.available).toBe(DEFAULT_CREDIT - 30_000);

      const cancel = await api.cancel(placed.orderId, 'changed my mind');
      expect(cancel.status).toBe(200);
      expect(cancel.body).toMatchObject({ orderId: placed.orderId, status: 'CANCELLED' });

      const { payment, view } = await outcomeWhen(
        placed.orderId,
        (o) => expect(o.payment.status).toBe('REFUNDED'),
        'the refund',
      );
      expect(payment.amount).toBe(30_000);
      expect(view).toMatchObject({
        status: 'CANCELLED',
        paymentStatus: 'REFUNDED',
        cancelReason: 'changed my mind',
      });
      await eventually(
        async () => expect((await api.account(customerId)).body.available).toBe(DEFAULT_CREDIT),
        {
          what: 'the credit to be restored',
        },
      );
      await summaryWhen(customerId, {
        orders: { total: 1, pending: 0, approved: 0, rejected: 0, cancelled: 1 },
        payments: { authorized: 1, rejected: 0, refunded: 1 },
        amounts: [{ currency: 'EUR', authorized: 30_000, refunded: 30_000, outstanding: 0 }],
      });

      const again = await api.cancel(placed.orderId);
      expect(again.status).toBe(409);
      expect(again.isJson).toBe(true);
    });
  });

  describe('the read model', () => {
    it("lists one customer's orders page by page: disjoint pages, all orders, no cursor at the end", async () => {
      const customerId = newCustomerId();
      const other = await placeOrder(api, newCustomerId(), 1_000);
      const orderIds: string[] = [];
      for (const total of [1_000, 2_000, 3_000, 4_000, 150_000])
        orderIds.push((await placeOrder(api, customerId, total)).orderId);
      await waitUntilSettled(api, [...orderIds, other.orderId]);

      const pages: string[][] = [];
      let cursor: string | null = null;
      do {
        const page = await api.listViews({ customerId, limit: 2, ...(cursor ? { cursor } : {}) });
        expect(page.status).toBe(200);
        expect(page.body.items.length).toBeLessThanOrEqual(2);
        expect(page.body.items.every((v) => v.customerId === customerId)).toBe(true);
        pages.push(page.body.items.map((v) => v.orderId));
        cursor = page.body.nextCursor;
      } while (cursor !== null && pages.length < 10);

      expect(pages.map((p) => p.length)).toEqual([2, 2, 1]);
      const listed = pages.flat();
      expect(new Set(listed).size).toBe(listed.length);
      expect([...listed].sort()).toEqual([...orderIds].sort());

      const rejected = await api.listViews({ customerId, status: 'REJECTED' });
      expect(rejected.body.items.map((v) => v.orderId)).toEqual([orderIds[4]]);
      expect(rejected.body.nextCursor).toBeNull();
    });
  });

  describe('bad input', () => {
    const customerId = newCustomerId();
    const valid = orderBody(customerId, 1_000);

    it('rejects "quantity": "2" with a 400 naming items.0.quantity (no implicit conversion)', async () => {
      const response = await api.placeOrder({
        ...valid,
        items: [{ sku: 'SKU-1', quantity: '2', unitPrice: 500 }],
      });
      expect(response.status).toBe(400);
      expect(response.isJson).toBe(true);
      expect(JSON.stringify(response.body)).toContain('items.0.quantity');
    });

    it('rejects unknown fields with a 400 naming them', async () => {
      const top = await api.placeOrder({ ...valid, discount: 10 });
      expect(top.status).toBe(400);
      expect(top.isJson).toBe(true);
      expect(JSON.stringify(top.body)).toContain('discount');
      const nested = await api.placeOrder({
        ...valid,
        items: [{ ...valid.items[0], colour: 'red' }],
      });
      expect(nested.status).toBe(400);
      expect(JSON.stringify(nested.body)).toContain('colour');
    });

    it('rejects a body over 64kb with 413 and malformed JSON with 400, both as JSON', async () => {
      const big = await api.placeOrder(undefined, {
        raw: JSON.stringify({ ...valid, note: 'x'.repeat(70 * 1024) }),
      });
      expect(big.status).toBe(413);
      expect(big.isJson).toBe(true);
      const malformed = await api.placeOrder(undefined, { raw: '{"customerId": ' });
      expect(malformed.status).toBe(400);
      expect(malformed.isJson).toBe(true);
    });

    it('answers 404 with a JSON body for an order id no service knows', async () => {
      const unknown = randomUUID();
      for (const response of [
        await api.order(unknown),
        await api.cancel(unknown),
        await api.payment(unknown),
        await api.view(unknown),
      ]) {
        expect(response.status).toBe(404);
        expect(response.isJson).toBe(true);
      }
    });

    it('never answers bad client input with a 500', async () => {
      const responses = [
        await api.placeOrder({}),
        await api.placeOrder([]),
        await api.placeOrder({ ...valid, currency: 'euro' }),
        await api.placeOrder({ ...valid, items: [] }),
        await api.placeOrder({ ...valid, items: [{ sku: 'SKU-1', quantity: -1, unitPrice: 1.5 }] }),
        await api.placeOrder({
          ...valid,
          items: [{ sku: 'SKU-1', quantity: 1e6, unitPrice: Number.MAX_SAFE_INTEGER }],
        }),
        await api.placeOrder(valid, { headers: { 'idempotency-key': ' ' } }),
        await api.order('not-a-uuid'),
        await api.view('not-a-uuid'),
        await api.payment('not-a-uuid'),
        await api.listViews({ limit: 'lots' }),
        await api.listViews({ cursor: 'bm90LWEtY3Vyc29y' }),
      ];
      for (const response of responses) {
        expect(response.status, JSON.stringify(response.body)).toBeGreaterThanOrEqual(400);
        expect(response.status, JSON.stringify(response.body)).toBeLessThan(500);
        expect(response.isJson).toBe(true);
      }
    });
  });
});
