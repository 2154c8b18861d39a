/**
 * Where B8's whole-saga time goes, hop by hop, from timestamps the system writes anyway:
 * each outbox row's created_at (its insert, just before its transaction commits) and each
 * inbox row's processed_at (its insert, first statement of the consumer's transaction), in
 * three databases on one host clock. A hop "relay + fetch" runs from one service's outbox
 * insert to the next consumer's inbox insert: the commit, the relay's wake-up, select, send
 * and the broker's append, the consumer's fetch and its transaction's start. A hop "handle"
 * is a consumer's transaction from its inbox insert to its own outbox insert.
 */
import { ORDER_EVENTS_TOPIC, PAYMENT_EVENTS_TOPIC, TOPOLOGY } from '@app/contracts';
import { eventIdFor } from '@app/messaging';
import pg from 'pg';

import { percentile } from './stats.js';
import { BENCH_QUERY_MARKER, type SystemUnderTest } from './system.js';

export interface Hop {
  name: string;
  p50: number;
  p99: number;
}

export type Times = Map<string, number>;

async function times(url: string, sql: string, ids: string[]): Promise<Times> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ id: string; t: number }>(`${BENCH_QUERY_MARKER} ${sql}`, [
      ids,
    ]);
    return new Map(rows.map((r) => [r.id, Number(r.t)]));
  } finally {
    await client.end();
  }
}

const epochMs = (column: string): string => `(extract(epoch FROM ${column}) * 1000)::float8 AS t`;
const outboxTimes = (url: string, ids: string[]): Promise<Times> =>
  times(
    url,
    `SELECT event_id::text AS id, ${epochMs('created_at')} FROM outbox WHERE event_id = ANY($1::uuid[])`,
    ids,
  );
/** processed_at (epoch ms) of `group`'s inbox rows of these events, those that are there. */
export const inboxTimes = (url: string, group: string, ids: string[]): Promise<Times> =>
  times(
    url,
    `SELECT event_id::text AS id, ${epochMs('processed_at')} FROM inbox
      WHERE consumer = '${group}' AND event_id = ANY($1::uuid[])`,
    ids,
  );

/**
 * The hops of these orders' sagas. `readModelInbox`: the read model's inbox times of their
 * events, which B8 has already waited for and read.
 */
export async function sagaHops(
  sut: SystemUnderTest,
  orderIds: string[],
  readModelInbox: Times,
): Promise<Hop[]> {
  const created = orderIds.map((id) => eventIdFor(ORDER_EVENTS_TOPIC, id, 1));
  const paid = orderIds.map((id) => eventIdFor(PAYMENT_EVENTS_TOPIC, id, 1));
  const decided = orderIds.map((id) => eventIdFor(ORDER_EVENTS_TOPIC, id, 2));
  const [orderOut, paymentOut, paymentIn, orderIn] = await Promise.all([
    outboxTimes(sut.orderDbUrl, [...created, ...decided]),
    outboxTimes(sut.paymentDbUrl, paid),
    inboxTimes(sut.paymentDbUrl, TOPOLOGY['payment-service'].group, created),
    inboxTimes(sut.orderDbUrl, TOPOLOGY['order-service'].group, paid),
  ]);
  // From event `fromIds[i]`'s time in `from` to event `toIds[i]`'s in `to` (the same event,
  // or the one its handling caused).
  const hop = (name: string, from: Times, fromIds: string[], to: Times, toIds = fromIds): Hop => {
    const d: number[] = [];
    fromIds.forEach((id, i) => {
      const a = from.get(id);
      const b = to.get(toIds[i]!);
      if (a !== undefined && b !== undefined) d.push(b - a);
    });
    return { name, p50: percentile(d, 50), p99: percentile(d, 99) };
  };
  return [
    hop('OrderCreated relay + fetch -> payment-service', orderOut, created, paymentIn),
    hop('payment-service handle', paymentIn, created, paymentOut, paid),
    hop('Payment* relay + fetch -> order-service', paymentOut, paid, orderIn),
    hop('order-service handle', orderIn, paid, orderOut, decided),
    hop('Order{Approved,Rejected} relay + fetch -> read-model', orderOut, decided, readModelInbox),
    hop('OrderCreated relay + fetch -> read-model', orderOut, created, readModelInbox),
    hop('Payment* relay + fetch -> read-model', paymentOut, paid, readModelInbox),
  ];
}
