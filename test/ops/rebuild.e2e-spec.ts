import { setTimeout as pause } from 'node:timers/promises';

import pg from 'pg';

import { DEAD_LETTER_TOPICS, ORDER_EVENTS_TOPIC, PAYMENT_EVENTS_TOPIC } from '@app/contracts';
import { eventually } from '@app/devstack';
import { describe, expect, it } from 'vitest';

import { e2eStack } from '../support/e2e-stack.js';
import { systemApi, type SystemApi } from '../support/api.js';
import { queryReadOnly } from '../support/db.js';
import { kafkaOf } from '../support/kafka.js';
import { consumerOutcomes, scrape } from '../support/metrics.js';
import { newCustomerId, orderBody, placeOrder } from '../support/orders.js';
import { outcomeOf, waitUntilSettled } from '../support/outcome.js';
import { mapWithLimit } from '../support/pool.js';
import { waitUntilQuiet } from '../support/quiet.js';
import { readRecords } from '../support/read-records.js';
import { admin, recordsIn, type ReplayStatus } from '../support/ops.js';

const READ_MODEL_DLT = DEAD_LETTER_TOPICS['read-model'];
const VIEW_TABLES = ['order_views', 'customer_summaries', 'customer_amounts', 'parked_events'];

/** Requests that failed: a 5xx, a network error, or an answer the API never gives here. */
type Failures = string[];

const describeError = (error: unknown): string =>
  error instanceof Error ? `${error.name}: ${error.message}` : String(error);

/**
 * Background order traffic, paced at `perSecond` and bounded by `maxOrders`: a fresh customer
 * every five orders (small totals, so every payment is authorized), and every fourth order
 * cancelled two orders later (so some cancels meet PENDING orders, some APPROVED ones).
 */
function orderTraffic(api: SystemApi, perSecond: number, maxOrders: number) {
  const orders: { orderId: string; customerId: string }[] = [];
  const customers: string[] = [];
  const failures: Failures = [];
  let stopped = false;
  const toCancel: string[] = [];

  const cancel = async (orderId: string): Promise<void> => {
    try {
      const response = await api.cancel(orderId, 'ops test');
      if (response.status !== 200)
        failures.push(
          `POST /orders/${orderId}/cancel -> ${response.status} ${JSON.stringify(response.body)}`,
        );
    } catch (error) {
      failures.push(`POST /orders/${orderId}/cancel: ${describeError(error)}`);
    }
  };

  const done = (async () => {
    for (let i = 0; !stopped && i < maxOrders; i += 1) {
      const tick = Date.now();
      if (i % 5 === 0) customers.push(newCustomerId());
      const customerId = customers.at(-1)!;
      try {
        const response = await api.placeOrder(orderBody(customerId, 1_000 + (i % 7) * 250));
        if (response.status === 201) {
          orders.push({ orderId: response.body.orderId, customerId });
          if (i % 4 === 1) toCancel.push(response.body.orderId);
        } else {
          failures.push(`POST /orders -> ${response.status} ${JSON.stringify(response.body)}`);
        }
      } catch (error) {
        failures.push(`POST /orders: ${describeError(error)}`);
      }
      if (i % 4 === 3 && toCancel.length > 0) await cancel(toCancel.shift()!);
      await pause(Math.max(0, 1000 / perSecond - (Date.now() - tick)));
    }
    for (const orderId of toCancel) await cancel(orderId);
  })();

  return {
    orders,
    customers,
    failures,
    stop: async (): Promise<void> => {
      stopped = true;
      await done;
    },
  };
}

/**
 * Reads of the read model while it is rebuilt: GET /orders/:id of recent orders (404 is fine
 * for one not visible yet) and GET /orders?customerId= of recent customers (always 200).
 */
function readTraffic(api: SystemApi, traffic: ReturnType<typeof orderTraffic>, perSecond: number) {
  const failures: Failures = [];
  const statuses = new Map<number, number>();
  let stopped = false;
  const done = (async () => {
    for (let i = 0; !stopped; i += 1) {
      const tick = Date.now();
      const order = traffic.orders.at(-1 - (i % 10));
      if (order) {
        const byId = i % 2 === 0;
        const what = byId
          ? `GET /orders/${order.orderId}`
          : `GET /orders?customerId=${order.customerId}`;
        try {
          const response = byId
            ? await api.view(order.orderId)
            : await api.listViews({ customerId: order.customerId, limit: 20 });
          statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
          const fine = byId
            ? (response.status === 200 &&
                (response.body as { orderId: string }).orderId === order.orderId) ||
              response.status === 404
            : response.status === 200 &&
              Array.isArray((response.body as { items?: unknown }).items);
          if (!fine)
            failures.push(`${what} -> ${response.status} ${JSON.stringify(response.body)}`);
        } catch (error) {
          failures.push(`${what}: ${describeError(error)}`);
        }
      }
      await pause(Math.max(0, 1000 / perSecond - (Date.now() - tick)));
    }
  })();
  return {
    failures,
    statuses,
    stop: async (): Promise<void> => {
      stopped = true;
      await done;
    },
  };
}

/** The OID of each view table in `schema` (null where it does not exist). */
async function tableOids(
  stack: ReturnType<typeof e2eStack>,
  schema: string,
): Promise<Record<string, number | null>> {
  const [row] = await queryReadOnly<Record<string, number | null>>(
    stack.databaseUrl('read-model'),
    `SELECT ${VIEW_TABLES.map((t) => `to_regclass('"${schema}".${t}')::oid::int AS ${t}`).join(', ')}`,
  );
  return row!;
}

/**
 * What a schema's view tables are beyond their rows: whether each is logged (a rebuild
 * fills them UNLOGGED) and every index, as pg_indexes prints it (a rebuild builds the
 * secondary ones at the end), with the schema's name taken out.
 */
async function tableShapes(stack: ReturnType<typeof e2eStack>, schema: string): Promise<string[]> {
  const rows = await queryReadOnly<{ shape: string }>(
    stack.databaseUrl('read-model'),
    `SELECT c.relname || ' ' || c.relpersistence::text AS shape
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = $1 AND c.relname = ANY($2::text[])
     UNION ALL
     SELECT replace(indexdef, quote_ident($1) || '.', '') FROM pg_indexes
      WHERE schemaname = $1 AND tablename = ANY($2::text[])
     ORDER BY 1`,
    [schema, VIEW_TABLES],
  );
  return rows.map((r) => r.shape);
}

/**
 * Invariant 6, "replay is safe": rebuilding the read model from the earliest offset gives
 * exactly the state live processing built (equal checksums of the view tables), while orders
 * keep flowing and the API keeps answering; the fresh tables replace the live ones; and a
 * replay re-sends nothing, so no other service sees anything twice.
 */
describe('Invariant 6 "replay is safe": a read-model rebuild under traffic', () => {
  const stack = e2eStack();
  const api = systemApi(stack);

  it('rebuilds the views from the earliest offset while orders flow, finds equal checksums, swaps the fresh tables in, fails no request and re-sends nothing', async () => {
    await waitUntilQuiet(stack);
    const kafka = kafkaOf(stack, 'e2e-ops-rebuild');
    const kafkaAdmin = kafka.admin();
    await kafkaAdmin.connect();
    try {
      const recordsBefore = {
        orders: await recordsIn(kafkaAdmin, ORDER_EVENTS_TOPIC),
        payments: await recordsIn(kafkaAdmin, PAYMENT_EVENTS_TOPIC),
        deadLetters: await recordsIn(kafkaAdmin, READ_MODEL_DLT),
      };
      const appliedBefore = {
        orderService: consumerOutcomes(await scrape(stack.url('order-service'))).applied,
        paymentService: consumerOutcomes(await scrape(stack.url('payment-service'))).applied,
      };
      const liveTablesBefore = await tableOids(stack, 'public');
      const liveShapesBefore = await tableShapes(stack, 'public');

      const traffic = orderTraffic(api, 10, 1_500);
      const reads = readTraffic(api, traffic, 5);
      let final: ReplayStatus;
      let placedDuringRebuild: number;
      const phases = new Set<string>();
      try {
        await eventually(() => traffic.orders.length >= 20, {
          timeoutMs: 30_000,
          what: 'the first 20 orders of the background traffic',
        });
        const placedAtStart = traffic.orders.length;

        const started = await admin<ReplayStatus>(stack, 'read-model', 'POST', '/admin/replay', {
          json: { mode: 'rebuild' },
        });
        expect(started.status, JSON.stringify(started.body)).toBe(202);
        expect(started.body).toMatchObject({ mode: 'rebuild' });

        const second = await admin<{ statusCode: number; message: string }>(
          stack,
          'read-model',
          'POST',
          '/admin/replay',
          { json: { mode: 'rebuild' } },
        );
        expect(second.status, JSON.stringify(second.body)).toBe(409);
        expect(second.isJson).toBe(true);
        expect(second.body).toMatchObject({ statusCode: 409 });
        expect(second.body.message).toMatch(/already running/);

        final = await eventually(
          async () => {
            const status = await admin<ReplayStatus>(stack, 'read-model', 'GET', '/admin/replay');
            expect(status.status).toBe(200);
            phases.add(status.body.phase);
            return ['done', 'failed'].includes(status.body.phase) ? status.body : false;
          },
          { timeoutMs: 240_000, intervalMs: 250, what: 'the rebuild to finish' },
        );
        placedDuringRebuild = traffic.orders.length - placedAtStart;

        // Some more traffic after the swap: it must land in the swapped-in tables.
        const atSwap = traffic.orders.length;
        await eventually(() => traffic.orders.length >= atSwap + 20, {
          timeoutMs: 30_000,
          what: '20 more orders after the rebuild',
        });
      } finally {
        await traffic.stop();
        await reads.stop();
      }

      // The rebuild itself. Soft assertions: a failure here still lets the checks below say
      // whether the views ended right.
      expect
        .soft(final, `rebuild: ${JSON.stringify(final)}, phases seen ${[...phases].join(' ')}`)
        .toMatchObject({
          mode: 'rebuild',
          phase: 'done',
          checksumsMatch: true,
          swapped: true,
          error: null,
        });
      expect.soft(final.liveChecksum).toMatch(/^[0-9a-f]{32}$/);
      expect.soft(final.rebuiltChecksum).toBe(final.liveChecksum);
      expect.soft(placedDuringRebuild, 'orders placed while the rebuild ran').toBeGreaterThan(0);

      // Nothing failed meanwhile: no 5xx, no network error, nothing unexpected.
      expect.soft(traffic.failures, 'order traffic failures').toEqual([]);
      expect.soft(reads.failures, 'read-model reads that failed').toEqual([]);
      expect.soft(reads.statuses.get(200) ?? 0, 'successful reads').toBeGreaterThan(10);

      // The fresh tables are the live ones now; the old ones were retired.
      const liveTablesAfter = await tableOids(stack, 'public');
      const retired = await tableOids(stack, 'retired_views');
      const scratch = await tableOids(stack, 'rebuild');
      for (const table of VIEW_TABLES) {
        expect
          .soft(liveTablesAfter[table], `public.${table} was not replaced`)
          .not.toBe(liveTablesBefore[table]);
        expect
          .soft(retired[table], `retired_views.${table} is the former live table`)
          .toBe(liveTablesBefore[table]);
        expect.soft(scratch[table], `rebuild.${table} is gone after the swap`).toBeNull();
      }
      expect
        .soft(await tableShapes(stack, 'public'), 'swapped-in tables: logged, every index')
        .toEqual(liveShapesBefore);

      // Every order (placed before, during and after the swap) agrees across the services.
      const orderIds = traffic.orders.map((o) => o.orderId);
      try {
        await waitUntilSettled(api, orderIds, 60_000);
      } catch (error) {
        const stuck: string[] = [];
        await mapWithLimit(orderIds, 10, (id) =>
          outcomeOf(api, id).catch((e: Error) => stuck.push(e.message)),
        );
        throw new Error(
          `${stuck.length} of ${orderIds.length} orders never settled in the read model after the rebuild: ${stuck.slice(0, 5).join('; ')} (${describeError(error)})`,
        );
      }
      await waitUntilQuiet(stack, 120_000);
      const outcomes = await mapWithLimit(orderIds, 10, (id) => outcomeOf(api, id));
      for (const { order, payment, view } of outcomes) {
        expect(view.status).toBe(order.status);
        expect(view.paymentStatus).toBe(payment.status);
        expect(view.total).toBe(order.total);
      }
      expect(new Set(outcomes.map((o) => o.order.status))).toEqual(
        new Set(['APPROVED', 'CANCELLED']),
      );

      // The rebuilt customer_summaries and customer_amounts agree with the services too.
      for (const customerId of traffic.customers) {
        const mine = outcomes.filter((o) => o.order.customerId === customerId);
        if (mine.length === 0) continue;
        const count = (p: (o: (typeof mine)[number]) => boolean): number => mine.filter(p).length;
        const authorized = mine.filter((o) => o.payment.status !== 'REJECTED');
        const refunded = mine.filter((o) => o.payment.status === 'REFUNDED');
        const sum = (list: typeof mine): number => list.reduce((s, o) => s + o.payment.amount, 0);
        const summary = await api.summary(customerId);
        expect(summary.status).toBe(200);
        expect(summary.body).toEqual({
          customerId,
          orders: {
            total: mine.length,
            pending: 0,
            approved: count((o) => o.order.status === 'APPROVED'),
            rejected: count((o) => o.order.status === 'REJECTED'),
            cancelled: count((o) => o.order.status === 'CANCELLED'),
          },
          payments: {
            authorized: authorized.length,
            rejected: count((o) => o.payment.status === 'REJECTED'),
            refunded: refunded.length,
          },
          amounts: [
            {
              currency: 'EUR',
              authorized: sum(authorized),
              refunded: sum(refunded),
              outstanding: sum(authorized) - sum(refunded),
            },
          ],
        });
      }

      // A replay re-sends nothing: the logs grew by exactly the events of these orders, and
      // the other services applied exactly those.
      const orderRecords = await readRecords(stack, ORDER_EVENTS_TOPIC, orderIds);
      const paymentRecords = await readRecords(stack, PAYMENT_EVENTS_TOPIC, orderIds);
      const eventIds = [...orderRecords, ...paymentRecords].map((r) => r.envelope.eventId);
      expect(new Set(eventIds).size, 'an event id appears twice in the log').toBe(eventIds.length);
      for (const orderId of orderIds) {
        expect(
          orderRecords.filter(
            (r) => r.orderId === orderId && r.envelope.eventType === 'OrderCreated',
          ),
        ).toHaveLength(1);
      }
      expect(
        (await recordsIn(kafkaAdmin, ORDER_EVENTS_TOPIC)) - recordsBefore.orders,
        'records added to order.events',
      ).toBe(BigInt(orderRecords.length));
      expect(
        (await recordsIn(kafkaAdmin, PAYMENT_EVENTS_TOPIC)) - recordsBefore.payments,
        'records added to payment.events',
      ).toBe(BigInt(paymentRecords.length));
      expect(
        (await recordsIn(kafkaAdmin, READ_MODEL_DLT)) - recordsBefore.deadLetters,
        'dead letters published again by the rebuild',
      ).toBe(0n);

      const orderServiceActsOn = paymentRecords.filter((r) =>
        ['PaymentAuthorized', 'PaymentRejected'].includes(r.envelope.eventType),
      ).length;
      const paymentServiceActsOn = orderRecords.filter((r) =>
        ['OrderCreated', 'OrderCancelled'].includes(r.envelope.eventType),
      ).length;
      expect(
        consumerOutcomes(await scrape(stack.url('order-service'))).applied -
          appliedBefore.orderService,
        'events order-service applied',
      ).toBe(orderServiceActsOn);
      expect(
        consumerOutcomes(await scrape(stack.url('payment-service'))).applied -
          appliedBefore.paymentService,
        'events payment-service applied',
      ).toBe(paymentServiceActsOn);
    } finally {
      await kafkaAdmin.disconnect();
    }
  }, 420_000);

  it('fails a rebuild whose unlogged tables PostgreSQL emptied (as crash recovery does), swaps nothing, and the live views go on', async () => {
    await waitUntilQuiet(stack);
    const liveTablesBefore = await tableOids(stack, 'public');
    const started = await admin<ReplayStatus>(stack, 'read-model', 'POST', '/admin/replay', {
      json: { mode: 'rebuild' },
    });
    expect(started.status, JSON.stringify(started.body)).toBe(202);

    // Crash recovery empties every unlogged table; the rebuild's inbox is one. Here a session
    // of the test's own does it while the rebuild catches up.
    const db = new pg.Client({
      connectionString: stack.databaseUrl('read-model'),
      application_name: 'test-fault',
    });
    await db.connect();
    try {
      await eventually(
        async () =>
          (await db.query<{ t: string | null }>(`SELECT to_regclass('rebuild.inbox') AS t`)).rows[0]
            ?.t != null,
        { timeoutMs: 60_000, intervalMs: 10, what: "the rebuild's scratch inbox" },
      );
      const { rows } = await db.query<{ t: string | null }>(
        `SELECT to_regclass('rebuild.unlogged_sentinel') AS t`,
      );
      expect(rows[0]?.t, 'the sentinel is made with the scratch inbox').not.toBeNull();
      await db.query('TRUNCATE rebuild.unlogged_sentinel, rebuild.inbox');
    } finally {
      await db.end();
    }

    const final = await eventually(
      async () => {
        const status = await admin<ReplayStatus>(stack, 'read-model', 'GET', '/admin/replay');
        return ['done', 'failed'].includes(status.body.phase) ? status.body : false;
      },
      { timeoutMs: 120_000, intervalMs: 100, what: 'the rebuild to end' },
    );
    expect(final).toMatchObject({ phase: 'failed', swapped: false });
    expect(final.error).toMatch(/crash/);
    expect(await tableOids(stack, 'public'), 'the live tables stay').toEqual(liveTablesBefore);

    // The live consumer was resumed: a new order reaches its final state in the views.
    const order = await placeOrder(api, newCustomerId(), 10);
    await waitUntilSettled(api, [order.orderId]);
  }, 240_000);
});
