import { randomUUID } from 'node:crypto';

import type { EventType } from '@app/contracts';
import { eventually } from '@app/devstack';
import { EventConsumer, type EventRoutes } from '@app/messaging';
import { envelopeFor, recordOf } from '@test/support/messaging/envelopes.js';
import { perRecordRoutes } from '@test/support/read-model/per-record-projection.js';
import { KafkaTestbed, type OutgoingRecord } from '@test/support/messaging/kafka-testbed.js';
import {
  openMessagingDatabase,
  type MessagingDatabase,
} from '@test/support/messaging/messaging-database.js';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { viewTablesDdl } from '../infrastructure/view-tables.ddl.js';
import { viewsChecksum } from '../queries/checksum.js';
import { chunkProjectionRoutes } from './chunk-projection.js';

const ORDERS = 1000;
const silent = pino({ level: 'silent' });

/**
 * A log of both streams with what a rebuild meets in the wild: streams interleaved, the
 * same record twice (once far later), a re-send under a new id (stale), a payment stream
 * whose second event comes before its first (parks, then unparks), a gap that never fills
 * (stays parked), and a record that is not an event at all.
 */
function theLog(): { orders: OutgoingRecord[]; payments: OutgoingRecord[]; duplicateId: string } {
  const orders: OutgoingRecord[] = [];
  const payments: OutgoingRecord[] = [];
  const later: OutgoingRecord[] = [];
  let duplicateId = '';
  const at = (i: number, step: number): string =>
    new Date(Date.UTC(2026, 10, 24) + i * 1000 + step * 10).toISOString();
  const event = (type: EventType, orderId: string, sequence: number, i: number, step: number) => {
    const e = envelopeFor(type, { aggregateId: orderId, sequence });
    e.occurredAt = at(i, step);
    e.payload = { ...e.payload, customerId: `customer-${i % 37}` };
    if ('paymentId' in e.payload) e.payload.paymentId = randomUUID();
    return e;
  };
  for (let i = 0; i < ORDERS; i += 1) {
    const id = randomUUID();
    const created = event('OrderCreated', id, 1, i, 0);
    if (i % 4 === 0) {
      // Cross-topic: the payment is in the log before the order it pays.
      payments.push(recordOf(event('PaymentAuthorized', id, 1, i, 2)));
      orders.push(recordOf(created), recordOf(event('OrderApproved', id, 2, i, 3)));
    } else if (i % 4 === 1) {
      orders.push(recordOf(created), recordOf(event('OrderApproved', id, 2, i, 3)));
      // Out of order within the payment stream: the refund (2) parks until 1 arrives.
      const authorized = event('PaymentAuthorized', id, 1, i, 2);
      payments.push(recordOf(event('PaymentRefunded', id, 2, i, 5)), recordOf(authorized));
      orders.push(recordOf(event('OrderCancelled', id, 3, i, 4)));
    } else if (i % 4 === 2) {
      orders.push(recordOf(created));
      payments.push(recordOf(event('PaymentRejected', id, 1, i, 2)));
      orders.push(recordOf(event('OrderRejected', id, 2, i, 3)));
      // A gap that never fills: sequence 4 waits for a 3 that is not in the log.
      orders.push(recordOf(event('OrderCancelled', id, 4, i, 6)));
    } else {
      orders.push(recordOf(created));
      later.push(recordOf(created)); // the same record again, much later
      duplicateId ||= created.eventId;
      orders.push(recordOf({ ...created, eventId: randomUUID() })); // stale re-send
    }
  }
  orders.push({ key: randomUUID(), value: Buffer.from('not an event') });
  return { orders: [...orders, ...later], payments, duplicateId };
}

describe('Set-based projection (the rebuild path)', () => {
  let db: MessagingDatabase;
  let kafka: KafkaTestbed;
  let topics: { order: string; payment: string; dlt: string };
  let duplicateId: string;

  /** Applies the whole log into `schema` through a group of its own; returns events/s. */
  const project = async (schema: string, routes: EventRoutes, perTransaction: number) => {
    await db.dataSource.query(`CREATE SCHEMA "${schema}"`);
    for (const statement of viewTablesDdl(schema)) await db.dataSource.query(statement);
    const groupId = `it-views-${schema}-${randomUUID()}`;
    // From the first batch to the last commit: joining the group is not rebuilding.
    let firstBegin = 0;
    let lastCommit = 0;
    const consumer = new EventConsumer({
      kafka: kafka.kafka,
      dataSource: db.dataSource,
      log: silent,
      groupId,
      topics: [topics.order, topics.payment],
      deadLetterTopic: topics.dlt,
      deadLettersAlreadyPublished: true,
      routes,
      maxRecordsPerTransaction: perTransaction,
      hooks: {
        // Asked once per fetched batch, before its first transaction; stops nothing.
        stopAt: () => {
          firstBegin ||= performance.now();
          return undefined;
        },
        openingStatements: [`SET LOCAL search_path TO "${schema}", public`],
        afterCommit: () => void (lastCommit = performance.now()),
      },
    });
    const records =
      (await kafka.recordCount(topics.order)) + (await kafka.recordCount(topics.payment));
    await consumer.start();
    try {
      await eventually(
        async () =>
          (await kafka.caughtUp(groupId, topics.order)) &&
          (await kafka.caughtUp(groupId, topics.payment)),
        { what: `${schema} to commit the end of both topics`, timeoutMs: 600_000 },
      );
    } finally {
      await consumer.stop();
    }
    return { records, perSecond: records / ((lastCommit - firstBegin) / 1000) };
  };

  const rows = (schema: string, table: string, order: string) =>
    db.dataSource.query(`SELECT * FROM "${schema}".${table} ORDER BY ${order}`);

  beforeAll(async () => {
    db = await openMessagingDatabase('chunk_projection');
    kafka = await KafkaTestbed.open('it-chunk-projection');
    topics = {
      order: await kafka.createTopic('it-views-order', 3),
      payment: await kafka.createTopic('it-views-payment', 3),
      dlt: await kafka.createTopic('it-views-dlt', 1),
    };
    const built = theLog();
    duplicateId = built.duplicateId;
    const producer = kafka.kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    for (const [topic, records] of [
      [topics.order, built.orders],
      [topics.payment, built.payments],
    ] as const)
      for (let i = 0; i < records.length; i += 500)
        await producer.send({ topic, acks: -1, messages: records.slice(i, i + 500) });
    await producer.disconnect();
  });

  afterAll(async () => {
    await kafka?.close();
    await db?.dataSource.destroy();
  });

  it('builds byte for byte the views that one record per transaction builds', async () => {
    const reference = await project('per_record', perRecordRoutes(), 1);
    const oldRebuild = await project('per_record_chunked', perRecordRoutes(), 100);
    const setBased = await project('set_based', chunkProjectionRoutes(), 2000);
    console.info(
      `B13-int: ${setBased.records} records; one per transaction ${reference.perSecond.toFixed(0)}/s, ` +
        `old rebuild (per-record handlers, 100 per transaction) ${oldRebuild.perSecond.toFixed(0)}/s, ` +
        `set-based ${setBased.perSecond.toFixed(0)}/s ` +
        `(x${(setBased.perSecond / oldRebuild.perSecond).toFixed(1)} the old rebuild)`,
    );

    const expected = await viewsChecksum(db.dataSource, 'per_record');
    expect(expected.orders).toBe(ORDERS);
    expect(await viewsChecksum(db.dataSource, 'set_based')).toEqual(expected);
    expect(await viewsChecksum(db.dataSource, 'per_record_chunked')).toEqual(expected);
    const parked = await rows('per_record', 'parked_events', 'order_id, stream, sequence');
    expect(parked).toHaveLength(ORDERS / 4); // only the gaps that never fill
    expect(await rows('set_based', 'parked_events', 'order_id, stream, sequence')).toEqual(parked);
  }, 900_000);

  it('folds a record whose inbox row exists once, however often the log holds it', async () => {
    const [row] = await db.dataSource.query<[{ n: number }]>(
      `SELECT count(*)::int AS n FROM inbox WHERE event_id = $1 AND consumer LIKE 'it-views-set_based-%'`,
      [duplicateId],
    );
    expect(row.n).toBe(1);
    const [summary] = await db.dataSource.query<[{ orders: number }]>(
      `SELECT sum(orders)::int AS orders FROM set_based.customer_summaries`,
    );
    expect(summary.orders).toBe(ORDERS);
  });
});
