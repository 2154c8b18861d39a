import { DEAD_LETTER_TOPICS, ORDER_EVENTS_TOPIC } from '@app/contracts';
import { eventually } from '@app/devstack';
import { e2eStack } from '../support/e2e-stack.js';
import pg from 'pg';
import { describe, expect, it } from 'vitest';

import { systemApi } from '../support/api.js';
import { queryReadOnly } from '../support/db.js';
import { type LoggedRecord } from '../support/kafka.js';
import { waitForZeroLag } from '../support/lag.js';
import { newCustomerId, placeOrder } from '../support/orders.js';
import { outcomeOf, waitUntilSettled } from '../support/outcome.js';
import { waitUntilQuiet } from '../support/quiet.js';
import { readRecords } from '../support/read-records.js';
import { scrapeSamples, total } from '../support/metrics.js';
import { admin } from '../support/ops.js';

/** An item of GET /admin/dead-letters (dead-letters.controller.ts). */
interface DeadLetter {
  id: string;
  reason: string;
  error: string;
  source: { topic: string; partition: number; offset: string };
  consumerGroup: string;
  failedAt: string;
  key: string | null;
  eventId: string | null;
  eventType: string | null;
  value?: string | null;
  encoding: 'utf8' | 'base64';
  applied: boolean;
}

interface RedriveResponse {
  results: { id: string; outcome: string; reason?: string; detail?: string }[];
}

const CONSTRAINT = 'it_block_big';
const BIG = 777_777;

/** Runs `sql` against the read model's own database (the fault this test injects and removes). */
async function alterReadModel(stack: ReturnType<typeof e2eStack>, sql: string): Promise<void> {
  const client = new pg.Client({
    connectionString: stack.databaseUrl('read-model'),
    application_name: 'e2e-ops-fault',
  });
  await client.connect();
  try {
    await client.query(`SET lock_timeout = '10s'`);
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/**
 * Invariant 7, "bad input is contained", for a permanent fault whose cause can be fixed: the
 * read model's database refuses three OrderCreated events (a CHECK constraint, SQLSTATE
 * 23514, an integrity violation no retry can fix). They go to read-model.dlt with the reason
 * and their source topic/partition/offset and group, and the consumer goes on. Once the cause
 * is removed, a redrive applies them through the normal consumer path and inbox (the events
 * parked behind them fold in), and a second redrive changes nothing.
 */
describe('Invariant 7 "bad input is contained": dead letters, and their redrive once the cause is fixed', () => {
  const stack = e2eStack();
  const api = systemApi(stack);

  it('dead-letters the records a permanent fault refuses, goes on, and after the fix redrives them once (a second redrive is a duplicate)', async () => {
    const badCustomer = newCustomerId();
    const goodCustomer = newCustomerId();
    const metricsBefore = (await scrapeSamples(stack.url('read-model'))).samples;
    const deadLettered = (samples: typeof metricsBefore): number =>
      total(samples, 'consumer_dead_letters_total', {
        consumer: 'read-model',
        reason: 'handler-error',
      });
    const permanentFailures = (samples: typeof metricsBefore): number =>
      total(samples, 'consumer_handler_failures_total', {
        consumer: 'read-model',
        class: 'permanent',
      });
    const redriven = (samples: typeof metricsBefore, outcome: string): number =>
      total(samples, 'consumer_dead_letters_redriven_total', { consumer: 'read-model', outcome });

    await alterReadModel(
      stack,
      `ALTER TABLE order_views ADD CONSTRAINT ${CONSTRAINT} CHECK (total IS NULL OR total < ${BIG}) NOT VALID`,
    );
    const bad: string[] = [];
    const good: string[] = [];
    let letters: DeadLetter[];
    try {
      // Over the default credit too: payment-service rejects them, which is fine here.
      for (const amount of [BIG, 800_000, 900_002])
        bad.push((await placeOrder(api, badCustomer, amount)).orderId);
      for (const amount of [3_000, 4_000])
        good.push((await placeOrder(api, goodCustomer, amount)).orderId);

      letters = await eventually(
        async () => {
          const list = await admin<{ topic: string; items: DeadLetter[] }>(
            stack,
            'read-model',
            'GET',
            '/admin/dead-letters',
          );
          expect(list.status).toBe(200);
          expect(list.body.topic).toBe(DEAD_LETTER_TOPICS['read-model']);
          const mine = list.body.items.filter((item) => bad.includes(item.key ?? ''));
          if (mine.length < 3) throw new Error(`${mine.length} of 3 dead letters so far`);
          return mine;
        },
        {
          timeoutMs: 60_000,
          intervalMs: 1_000,
          what: `three dead letters in ${DEAD_LETTER_TOPICS['read-model']}`,
        },
      );

      // The consumer went on: later orders settle, and the group is past the bad records.
      await waitUntilSettled(api, good);
      await waitForZeroLag(stack, ['read-model']);
      // Bad orders: final elsewhere, absent from the read model (their OrderCreated is missing).
      for (const orderId of bad) {
        await eventually(
          async () => {
            expect((await api.order(orderId)).body.status).toBe('REJECTED');
            expect((await api.payment(orderId)).body.status).toBe('REJECTED');
            return true;
          },
          { what: `rejection of ${orderId}` },
        );
      }
      await waitUntilQuiet(stack);
      for (const orderId of bad) expect((await api.view(orderId)).status).toBe(404);
    } finally {
      await alterReadModel(
        stack,
        `ALTER TABLE order_views DROP CONSTRAINT IF EXISTS ${CONSTRAINT}`,
      );
    }

    // Exactly the three OrderCreated records, with reason, source position and group.
    const logged = await readRecords(stack, ORDER_EVENTS_TOPIC, bad);
    const created = (orderId: string): LoggedRecord =>
      logged.find((r) => r.orderId === orderId && r.envelope.eventType === 'OrderCreated')!;
    expect(letters.map((l) => l.key).sort()).toEqual([...bad].sort());
    for (const letter of letters) {
      const source = created(letter.key!);
      expect(letter).toMatchObject({
        id: expect.stringMatching(/^\d+:\d+$/),
        reason: 'handler-error',
        error: expect.stringContaining(CONSTRAINT),
        source: {
          topic: ORDER_EVENTS_TOPIC,
          partition: source.partition,
          offset: source.offset.toString(),
        },
        consumerGroup: 'read-model',
        eventId: source.envelope.eventId,
        eventType: 'OrderCreated',
        applied: false,
      });
      expect(Date.parse(letter.failedAt)).not.toBeNaN();
    }
    const inspected = await admin<DeadLetter>(
      stack,
      'read-model',
      'GET',
      `/admin/dead-letters/${letters[0]!.id}`,
    );
    expect(inspected.status).toBe(200);
    expect(inspected.body).toMatchObject({ ...letters[0], encoding: 'utf8' });
    expect(inspected.body.value).toBe(created(letters[0]!.key!).value.toString('utf8'));
    const unknown = await admin(stack, 'read-model', 'GET', '/admin/dead-letters/5:999999999');
    expect(unknown.status).toBe(404);
    expect(unknown.isJson).toBe(true);

    const metricsDuring = (await scrapeSamples(stack.url('read-model'))).samples;
    expect(deadLettered(metricsDuring) - deadLettered(metricsBefore)).toBe(3);
    expect(permanentFailures(metricsDuring) - permanentFailures(metricsBefore)).toBe(3);

    // Their later events waited: OrderRejected (order stream, sequence 2) is parked.
    const parked = (): Promise<{ order_id: string; stream: string; sequence: number }[]> =>
      queryReadOnly(
        stack.databaseUrl('read-model'),
        'SELECT order_id::text, stream, sequence FROM parked_events WHERE order_id = ANY($1::uuid[]) ORDER BY order_id',
        [bad],
      );
    expect((await parked()).map((p) => [p.stream, p.sequence])).toEqual([
      ['order', 2],
      ['order', 2],
      ['order', 2],
    ]);

    // Cause fixed: redrive the three by id; each is applied through the inbox.
    const ids = letters.map((l) => l.id);
    const first = await admin<RedriveResponse>(
      stack,
      'read-model',
      'POST',
      '/admin/dead-letters/redrive',
      { json: { ids } },
    );
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(first.body.results.map((r) => [r.id, r.outcome]).sort()).toEqual(
      ids.map((id) => [id, 'applied']).sort(),
    );
    for (const orderId of bad) {
      const { order, payment, view } = await outcomeOf(api, orderId);
      expect(view).toMatchObject({
        status: order.status,
        paymentStatus: payment.status,
        total: order.total,
        rejectionReason: order.rejectionReason,
      });
    }
    expect(await parked()).toEqual([]);
    const summary = await api.summary(badCustomer);
    expect(summary.body).toMatchObject({
      orders: { total: 3, pending: 0, approved: 0, rejected: 3, cancelled: 0 },
      payments: { authorized: 0, rejected: 3, refunded: 0 },
    });
    await waitUntilQuiet(stack);
    const checksum = await admin<{ checksum: string }>(
      stack,
      'read-model',
      'GET',
      '/admin/checksum',
    );
    expect(checksum.status).toBe(200);

    // A second redrive of the same records finds them in the inbox: nothing changes.
    const second = await admin<RedriveResponse>(
      stack,
      'read-model',
      'POST',
      '/admin/dead-letters/redrive',
      { json: { ids } },
    );
    expect(second.status).toBe(200);
    expect(second.body.results.map((r) => [r.id, r.outcome]).sort()).toEqual(
      ids.map((id) => [id, 'duplicate']).sort(),
    );
    expect(
      (await admin<{ checksum: string }>(stack, 'read-model', 'GET', '/admin/checksum')).body,
    ).toEqual(checksum.body);
    const after = await admin<{ items: DeadLetter[] }>(
      stack,
      'read-model',
      'GET',
      '/admin/dead-letters',
    );
    expect(
      after.body.items.filter((l) => ids.includes(l.id)).map((l) => l.applied),
      'dead letters now in the inbox',
    ).toEqual([true, true, true]);
    const metricsAfter = (await scrapeSamples(stack.url('read-model'))).samples;
    expect(redriven(metricsAfter, 'applied') - redriven(metricsBefore, 'applied')).toBe(3);
    expect(redriven(metricsAfter, 'duplicate') - redriven(metricsBefore, 'duplicate')).toBe(3);
  });

  it('redrive without a selector is a 400 naming the field', async () => {
    const response = await admin<{ statusCode: number; fields: { field: string }[] }>(
      stack,
      'read-model',
      'POST',
      '/admin/dead-letters/redrive',
      { json: {} },
    );
    expect(response.status).toBe(400);
    expect(response.isJson).toBe(true);
    expect(response.body.statusCode).toBe(400);
    expect(response.body.fields.map((f) => f.field)).toContain('ids');
  });

  it('admin endpoints answer 401 (JSON) without the bearer token or with a wrong one', async () => {
    const calls: [Parameters<typeof stack.url>[0], string, string, unknown?][] = [
      ['read-model', 'GET', '/admin/dead-letters'],
      ['read-model', 'GET', '/admin/dead-letters/0:0'],
      ['read-model', 'POST', '/admin/dead-letters/redrive', { all: true }],
      ['read-model', 'GET', '/admin/checksum'],
      ['read-model', 'GET', '/admin/replay'],
      ['read-model', 'POST', '/admin/replay', { mode: 'rebuild' }],
      ['order-service', 'GET', '/admin/dead-letters'],
      ['payment-service', 'POST', '/admin/dead-letters/redrive', { all: true }],
    ];
    for (const [service, method, path, json] of calls) {
      for (const token of [null, 'wrong-token', '']) {
        const response = await admin<{ statusCode: number }>(stack, service, method, path, {
          json,
          token,
        });
        const what = `${service} ${method} ${path} with token ${JSON.stringify(token)}`;
        expect(response.status, what).toBe(401);
        expect(response.isJson, what).toBe(true);
        expect(response.body.statusCode, what).toBe(401);
      }
    }
    // The replay really did not start.
    expect(
      (await admin<{ phase: string }>(stack, 'read-model', 'GET', '/admin/replay')).body.phase,
    ).not.toMatch(/preparing|catching-up|aligning|comparing|swapping|resetting/);
  });
});
