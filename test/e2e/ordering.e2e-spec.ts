import { HEADERS, ORDER_EVENTS_TOPIC, PAYMENT_EVENTS_TOPIC } from '@app/contracts';
import { eventually } from '@app/devstack';
import { e2eStack } from '../support/e2e-stack.js';
import { beforeAll, describe, expect, it } from 'vitest';

import { systemApi } from '../support/api.js';
import { type LoggedRecord } from '../support/kafka.js';
import { newCustomerId, placeOrder } from '../support/orders.js';
import { mapWithLimit } from '../support/pool.js';
import { readRecords } from '../support/read-records.js';
import { settle } from '../support/snapshot.js';

/** Which event caused which (SYSTEM.md "Correlation"): effect type -> cause type. */
const CAUSED_BY: Record<string, string> = {
  PaymentAuthorized: 'OrderCreated',
  PaymentRejected: 'OrderCreated',
  OrderApproved: 'PaymentAuthorized',
  OrderRejected: 'PaymentRejected',
  PaymentRefunded: 'OrderCancelled',
};

const header = (r: LoggedRecord, name: string): string | undefined => r.headers[name]?.toString();

/**
 * Invariant 2, "per-order order": every record is keyed by its orderId, so one order's
 * events of one stream sit in one partition, and their sequences read 1, 2, 3... in offset
 * order, gap-free and without repeats. Correlation and causation tie the two streams together.
 */
describe('Invariant 2 "per-order order": one order, one partition, gap-free sequences', () => {
  const stack = e2eStack();
  const api = systemApi(stack);
  const customers = [newCustomerId(), newCustomerId(), newCustomerId(), newCustomerId()];
  const orderIds: string[] = [];
  let byOrder: Map<string, { order: LoggedRecord[]; payment: LoggedRecord[] }>;

  beforeAll(async () => {
    // 30 orders over 4 customers, placed 8 at a time so partitions and customers interleave;
    // every 7th is over the credit; every 5th (from 1) is cancelled at once (unless its
    // rejection came first), every 5th (from 3) once approved.
    const histories: string[] = [];
    await mapWithLimit([...Array(30).keys()], 8, async (i) => {
      const total = i % 7 === 6 ? 120_000 : 2_000 + ((i * 1_337) % 9_000);
      const { orderId } = await placeOrder(api, customers[i % 4]!, total);
      orderIds.push(orderId);
      if (i % 5 === 1) {
        const cancel = await api.cancel(orderId, 'at once');
        // Order 6 is also over the credit: the payment's rejection may win the race, and
        // then the state machine refuses the cancel of a rejected order.
        if (cancel.status === 409) expect((await api.order(orderId)).body.status).toBe('REJECTED');
        else expect(cancel.status).toBe(200);
        if (cancel.status === 200) histories.push('cancelled at once');
      }
      if (i % 5 === 3) {
        const status = await eventually(
          async () => {
            const s = (await api.order(orderId)).body.status;
            return s === 'PENDING' ? false : s;
          },
          { what: `the payment decision of ${orderId}` },
        );
        const cancel = await api.cancel(orderId, 'after approval');
        expect(cancel.status).toBe(status === 'APPROVED' ? 200 : 409);
        if (cancel.status === 200) histories.push('cancelled after approval');
      }
    });
    const snapshot = await settle(stack, api, orderIds, customers);
    for (const { order } of Object.values(snapshot.outcomes)) histories.push(order.status);
    // The scenario must hold the histories worth checking, or the checks below prove little.
    expect(new Set(histories)).toEqual(
      new Set([
        'cancelled at once',
        'cancelled after approval',
        'APPROVED',
        'REJECTED',
        'CANCELLED',
      ]),
    );

    const records = [
      ...(await readRecords(stack, ORDER_EVENTS_TOPIC, orderIds)),
      ...(await readRecords(stack, PAYMENT_EVENTS_TOPIC, orderIds)),
    ];
    byOrder = new Map(orderIds.map((id) => [id, { order: [], payment: [] }]));
    for (const r of records) {
      byOrder.get(r.orderId)![r.topic === ORDER_EVENTS_TOPIC ? 'order' : 'payment'].push(r);
    }
  });

  it('keys every record by its orderId, which is also its aggregateId, and repeats the envelope in headers', () => {
    const violations: string[] = [];
    for (const [orderId, streams] of byOrder) {
      for (const r of [...streams.order, ...streams.payment]) {
        const e = r.envelope;
        const where = `${r.topic}/${r.partition}@${r.offset} (${e.eventType})`;
        const key = r.key.toString();
        if (key !== orderId || e.aggregateId !== orderId || e.payload.orderId !== orderId) {
          violations.push(
            `${where} of ${orderId}: key ${key}, aggregateId ${e.aggregateId}, payload.orderId ${e.payload.orderId}`,
          );
        }
        if (
          header(r, HEADERS.eventType) !== e.eventType ||
          header(r, HEADERS.eventId) !== e.eventId ||
          header(r, HEADERS.schemaVersion) !== String(e.schemaVersion) ||
          header(r, HEADERS.correlationId) !== e.correlationId
        ) {
          violations.push(
            `${where}: headers ${JSON.stringify(r.headers)} do not repeat the envelope`,
          );
        }
      }
    }
    expect(violations).toEqual([]);
  });

  it('puts all events of one order and stream in one partition, with sequences 1, 2, 3... in offset order', () => {
    const violations: string[] = [];
    for (const [orderId, streams] of byOrder) {
      for (const [name, records] of Object.entries(streams)) {
        const partitions = new Set(records.map((r) => r.partition));
        const sequences = records.map((r) => r.envelope.sequence);
        const expected = records.map((_, i) => i + 1);
        if (records.length === 0) violations.push(`${orderId} has no ${name} events`);
        if (partitions.size > 1)
          violations.push(
            `${orderId} ${name} events span partitions ${[...partitions].join(', ')}`,
          );
        if (JSON.stringify(sequences) !== JSON.stringify(expected)) {
          violations.push(
            `${orderId} ${name} sequences in offset order: ${sequences.join(',')} (types ${records.map((r) => r.envelope.eventType).join(',')})`,
          );
        }
      }
    }
    expect(violations).toEqual([]);
  });

  it('gives every event of one order the same correlationId, and each reaction the eventId of its cause as causationId', () => {
    const violations: string[] = [];
    for (const [orderId, streams] of byOrder) {
      const all = [...streams.order, ...streams.payment];
      const correlationIds = new Set(all.map((r) => r.envelope.correlationId));
      if (correlationIds.size !== 1)
        violations.push(`${orderId}: correlationIds ${[...correlationIds].join(', ')}`);
      for (const r of all) {
        const causeType = CAUSED_BY[r.envelope.eventType];
        if (!causeType) continue;
        const causes = all.filter((c) => c.envelope.eventType === causeType);
        if (causes.length !== 1 || r.envelope.causationId !== causes[0]!.envelope.eventId) {
          violations.push(
            `${orderId}: ${r.envelope.eventType}.causationId ${r.envelope.causationId} is not the eventId of its ${causeType}`,
          );
        }
      }
    }
    expect(violations).toEqual([]);
  });
});
