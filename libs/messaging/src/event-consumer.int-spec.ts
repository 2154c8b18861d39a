import { randomUUID } from 'node:crypto';

import type { EventEnvelope } from '@app/contracts';
import { eventually } from '@app/devstack';
import { pino } from 'pino';
import type { EntityManager } from 'typeorm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  appliedEvents,
  createAppliedEvents,
  recordApplied,
} from '@test/support/messaging/applied-events.js';
import { envelopeFor, recordOf } from '@test/support/messaging/envelopes.js';
import {
  KafkaTestbed,
  type OutgoingRecord,
  type Produced,
} from '@test/support/messaging/kafka-testbed.js';
import {
  openMessagingDatabase,
  type MessagingDatabase,
} from '@test/support/messaging/messaging-database.js';
import { TopicReader } from '@test/support/messaging/topic-reader.js';

import { DLT_HEADERS } from './dead-letter.js';
import { PermanentError } from './errors.js';
import { EventConsumer, type EventConsumerOptions } from './event-consumer.js';
import type { EventRoute } from './event-route.js';
import { messagingMetrics } from './metrics.js';
import { routesOf, type TestHandler } from '@test/support/messaging/routes.js';

const log = pino({ level: 'silent' });

interface Setup {
  topic: string;
  deadLetterTopic: string;
  groupId: string;
}

describe('EventConsumer', () => {
  let db: MessagingDatabase;
  let kafka: KafkaTestbed;
  const running = new Set<EventConsumer>();
  const readers: TopicReader[] = [];

  /** A topic, a dead-letter topic and a consumer group of the test's own. */
  const setUp = async (name: string): Promise<Setup> => ({
    topic: await kafka.createTopic(`it-consumer-${name}`, 3),
    deadLetterTopic: await kafka.createTopic(`it-consumer-${name}-dlt`, 1),
    groupId: `it-consumer-${name}-${randomUUID()}`,
  });

  const startConsumer = async (
    setup: Setup,
    handlers: Record<string, TestHandler>,
    options: Partial<EventConsumerOptions> = {},
  ): Promise<EventConsumer> => {
    const consumer = new EventConsumer({
      kafka: kafka.kafka,
      dataSource: db.dataSource,
      groupId: setup.groupId,
      topics: [setup.topic],
      routes: routesOf(handlers),
      deadLetterTopic: setup.deadLetterTopic,
      log,
      ...options,
    });
    running.add(consumer);
    await consumer.start();
    return consumer;
  };

  const stopConsumer = async (consumer: EventConsumer): Promise<void> => {
    running.delete(consumer);
    await consumer.stop();
  };

  /** Waits until the group has committed every record of its topic: all were processed. */
  const processedAll = (setup: Setup) =>
    eventually(() => kafka.caughtUp(setup.groupId, setup.topic), {
      what: `group ${setup.groupId} to commit the end of ${setup.topic}`,
    });

  const inboxRows = async (eventId: string): Promise<number> => {
    const [row] = await db.dataSource.query<[{ n: number }]>(
      'SELECT count(*)::int AS n FROM inbox WHERE event_id = $1',
      [eventId],
    );
    return row.n;
  };

  const ids = (envelopes: EventEnvelope[]): string[] => envelopes.map((e) => e.eventId);

  beforeAll(async () => {
    db = await openMessagingDatabase('event_consumer');
    await createAppliedEvents(db.dataSource);
    kafka = await KafkaTestbed.open('it-event-consumer');
  });

  afterEach(async () => {
    await Promise.all([...running].map((consumer) => stopConsumer(consumer)));
    await Promise.all(readers.splice(0).map((reader) => reader.stop()));
  });

  afterAll(async () => {
    await kafka?.close();
    await db?.dataSource.destroy();
  });

  describe('invariant 3 (applied once): a record delivered three times', () => {
    it('is applied once and recorded once in the inbox, also across a restart of the group', async () => {
      const setup = await setUp('once');
      const event = envelopeFor('OrderCreated');
      const record = recordOf(event);
      await kafka.produce(setup.topic, record);
      await kafka.produce(setup.topic, record); // a redelivery (e.g. a relay re-send)

      const first = await startConsumer(setup, { OrderCreated: recordApplied });
      await processedAll(setup);

      expect(await appliedEvents(db.dataSource, [event.eventId])).toHaveLength(1);
      expect(await inboxRows(event.eventId)).toBe(1);

      await stopConsumer(first);
      await kafka.produce(setup.topic, record);
      await startConsumer(setup, { OrderCreated: recordApplied });
      await processedAll(setup);

      expect(await appliedEvents(db.dataSource, [event.eventId])).toHaveLength(1);
      expect(await inboxRows(event.eventId)).toBe(1);
      expect(await kafka.recordCount(setup.deadLetterTopic)).toBe(0);
    });
  });

  describe('invariant 3 (applied once): offsets', () => {
    it('commits the offset only after the transaction that applied the record', async () => {
      const setup = await setUp('offsets');
      const event = envelopeFor('OrderCreated');
      let inHandler = false;
      let release = (): void => undefined;
      const released = new Promise<void>((resolve) => (release = resolve));
      const produced = await kafka.produce(setup.topic, recordOf(event));

      await startConsumer(setup, {
        OrderCreated: async (e, manager) => {
          await recordApplied(e, manager);
          inHandler = true;
          await released;
        },
      });
      await eventually(() => inHandler, { what: 'the handler to be running' });

      // The handler has not returned: neither its effect nor the offset is committed.
      expect(await kafka.committedOffset(setup.groupId, setup.topic, produced.partition)).toBe(-1);
      expect(await appliedEvents(db.dataSource, [event.eventId])).toEqual([]);
      expect(await inboxRows(event.eventId)).toBe(0);

      release();
      await processedAll(setup);

      const end = await kafka.endOffset(setup.topic, produced.partition);
      expect(end).toBe(Number(produced.offset) + 1);
      expect(await kafka.committedOffset(setup.groupId, setup.topic, produced.partition)).toBe(end);
      expect(await appliedEvents(db.dataSource, [event.eventId])).toHaveLength(1);
    });
  });

  describe('offset commits that keep failing (a coordinator kafkajs will not look up again)', () => {
    it('make the member rejoin with a fresh consumer; the group catches up and applies each record once', async () => {
      const setup = await setUp('rejoin');
      const events = Array.from({ length: 12 }, () => envelopeFor('OrderCreated'));
      for (const event of events) await kafka.produce(setup.topic, recordOf(event));
      const rejoins = async () =>
        (await messagingMetrics.rejoins.get()).values.find(
          (v) => v.labels.consumer === setup.groupId,
        )?.value ?? 0;

      // Every commit of the first kafkajs consumer fails the way a stale coordinator does.
      await startConsumer(
        setup,
        { OrderCreated: recordApplied },
        {
          rejoinAfterFailedCommitsMs: 2_000,
          hooks: {
            beforeOffsetCommit: (membership) => {
              if (membership === 1)
                throw new Error('This is not the correct coordinator for this group');
            },
          },
        },
      );
      await processedAll(setup);

      expect(await rejoins()).toBe(1);
      expect(await appliedEvents(db.dataSource, ids(events))).toHaveLength(events.length);
      for (const event of events) expect(await inboxRows(event.eventId)).toBe(1);
    });
  });

  describe('invariant 3 (applied once): a backlog applied in shared transactions', () => {
    /** Transactions and records counted by the runtime's histogram, for one group. */
    const transactionsOf = async (groupId: string) => {
      const metric = await messagingMetrics.recordsPerTransaction.get();
      const of = (name: string) =>
        metric.values.find((v) => v.labels.consumer === groupId && v.metricName === name)?.value ??
        0;
      return {
        transactions: of('consumer_records_per_transaction_count'),
        records: of('consumer_records_per_transaction_sum'),
      };
    };

    it('applies many records per transaction; a failure rolls back only its transaction, whose records then apply one by one, each exactly once', async () => {
      const setup = await setUp('shared-tx');
      const orderOnPartition0 = () => kafka.keyOnPartition(setup.topic, 0);
      const events: EventEnvelope[] = [];
      for (let i = 0; i < 40; i += 1) {
        events.push(
          envelopeFor(i === 17 ? 'OrderCancelled' : 'OrderCreated', {
            aggregateId: await orderOnPartition0(),
          }),
        );
      }
      for (const event of events) await kafka.produce(setup.topic, recordOf(event));
      const poison = events[17]!;
      const flakyOnce = events[31]!;
      let flakyAttempts = 0;

      await startConsumer(
        setup,
        {
          OrderCreated: async (event, manager) => {
            await recordApplied(event, manager);
            if (event.eventId === flakyOnce.eventId && ++flakyAttempts === 1) {
              throw new Error('connection terminated unexpectedly');
            }
          },
          OrderCancelled: () => Promise.reject(new PermanentError('precondition', 'no order')),
        },
        { maxRecordsPerTransaction: 10 },
      );
      await processedAll(setup);

      const good = events.filter((e) => e !== poison);
      // Rows of rolled-back transactions vanished with them: each good event once, in order.
      expect((await appliedEvents(db.dataSource, ids(good))).map((a) => a.event_id)).toEqual(
        ids(good),
      );
      for (const event of good) expect(await inboxRows(event.eventId)).toBe(1);
      expect(await inboxRows(poison.eventId)).toBe(0);
      expect(await kafka.recordCount(setup.deadLetterTopic)).toBe(1);
      // 39 applied records: most of them shared a transaction (the two chunks holding the
      // failures ran again one record per transaction).
      const { transactions, records } = await transactionsOf(setup.groupId);
      expect(records).toBe(39);
      expect(transactions).toBeLessThan(30);
      expect(
        (await messagingMetrics.sharedTransactionFallbacks.get()).values.find(
          (v) => v.labels.consumer === setup.groupId,
        )?.value,
      ).toBeGreaterThanOrEqual(1);
    });
  });

  describe('invariant 3 (applied once): set-based handlers (EventContext.beforeCommit, afterCommit)', () => {
    it("writes a transaction's records in its deferred work; a failure there rolls the transaction back, its after-commit work never runs, and its records apply one by one", async () => {
      const setup = await setUp('deferred');
      const events: EventEnvelope[] = [];
      for (let i = 0; i < 30; i += 1)
        events.push(
          envelopeFor('OrderCreated', { aggregateId: await kafka.keyOnPartition(setup.topic, 0) }),
        );
      for (const event of events) await kafka.produce(setup.topic, recordOf(event));
      const poison = events[12]!;
      const noted = new WeakMap<EntityManager, EventEnvelope[]>();
      const written: number[] = [];
      const committed: number[] = [];
      const route: EventRoute = {
        handle: (event, context) => {
          let mine = noted.get(context.manager);
          if (!mine) {
            const batch: EventEnvelope[] = [];
            mine = batch;
            noted.set(context.manager, batch);
            context.beforeCommit(async () => {
              if (batch.includes(poison)) throw new PermanentError('precondition', 'poison');
              written.push(batch.length);
              for (const e of batch) await recordApplied(e, context.manager);
            });
            context.afterCommit(() => committed.push(batch.length));
          }
          // The same object the spec holds, so that includes(poison) can find it.
          mine.push(events.find((e) => e.eventId === event.eventId) ?? event);
          return Promise.resolve();
        },
      };

      await startConsumer(
        setup,
        {},
        {
          routes: new Map([['OrderCreated', route]]),
          maxRecordsPerTransaction: 10,
        },
      );
      await processedAll(setup);

      const good = events.filter((e) => e !== poison);
      expect((await appliedEvents(db.dataSource, ids(good))).map((a) => a.event_id)).toEqual(
        ids(good),
      );
      expect(await inboxRows(poison.eventId)).toBe(0);
      expect(await kafka.recordCount(setup.deadLetterTopic)).toBe(1);
      // Once per transaction, after all its records: some wrote many at once.
      expect(written.reduce((a, b) => a + b, 0)).toBe(29);
      expect(Math.max(...written)).toBeGreaterThan(1);
      // After COMMIT only: the rolled-back transaction (poison and its neighbours) left none.
      expect(committed).toEqual(written);
    });
  });

  describe('invariant 7 (bad input is contained): on one partition', () => {
    it('dead-letters each bad record with its reason and origin, and applies the good records behind them', async () => {
      const setup = await setUp('bad-input');
      const dlt = await TopicReader.start(kafka.kafka, setup.deadLetterTopic);
      readers.push(dlt);
      const orderOnPartition0 = () => kafka.keyOnPartition(setup.topic, 0);
      const eventOnPartition0 = async (type: 'OrderCreated' | 'OrderCancelled') =>
        envelopeFor(type, { aggregateId: await orderOnPartition0() });
      const broken = async (change: (e: EventEnvelope<Record<string, unknown>>) => void) => {
        const envelope = await eventOnPartition0('OrderCreated');
        change(envelope);
        return recordOf(envelope);
      };
      const original = { 'x-test-header': 'kept' };
      const bad: { reason: string; record: OutgoingRecord }[] = [
        {
          reason: 'malformed-bytes',
          record: { key: await orderOnPartition0(), value: Buffer.from([0xff, 0xfe, 0x7b]) },
        },
        {
          reason: 'not-an-envelope',
          record: { key: await orderOnPartition0(), value: JSON.stringify({ hello: 'world' }) },
        },
        {
          reason: 'unknown-event-type',
          record: await broken((e) => (e.eventType = 'OrderTeleported')),
        },
        {
          reason: 'unsupported-version',
          record: await broken((e) => (e.schemaVersion = 99)),
        },
        {
          reason: 'schema-violation',
          record: await broken((e) => (e.payload.total = 'lots')),
        },
        { reason: 'precondition', record: recordOf(await eventOnPartition0('OrderCancelled')) },
      ];
      const good = [
        await eventOnPartition0('OrderCreated'),
        await eventOnPartition0('OrderCreated'),
      ];
      const sent: (Produced & { reason: string; record: OutgoingRecord })[] = [];
      for (const { reason, record } of bad) {
        const withHeader = { ...record, headers: { ...record.headers, ...original } };
        sent.push({
          reason,
          record: withHeader,
          ...(await kafka.produce(setup.topic, withHeader)),
        });
      }
      const goodSent: Produced[] = [];
      for (const event of good) goodSent.push(await kafka.produce(setup.topic, recordOf(event)));
      // All on one partition, the good ones last: they can only be reached past the bad ones.
      expect([...sent, ...goodSent].map((p) => p.partition)).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);

      await startConsumer(setup, {
        OrderCreated: recordApplied,
        OrderCancelled: () =>
          Promise.reject(new PermanentError('precondition', 'no such order here')),
      });
      await processedAll(setup);

      expect((await appliedEvents(db.dataSource, ids(good))).map((a) => a.event_id)).toEqual(
        ids(good),
      );
      await eventually(() => dlt.records.length >= bad.length, { what: 'every dead letter read' });
      expect(dlt.records).toHaveLength(bad.length);
      for (const [i, letter] of dlt.records.entries()) {
        const source = sent[i]!;
        expect(letter.headers, `dead letter of the ${source.reason} record`).toMatchObject({
          [DLT_HEADERS.reason]: source.reason,
          [DLT_HEADERS.sourceTopic]: setup.topic,
          [DLT_HEADERS.sourcePartition]: String(source.partition),
          [DLT_HEADERS.sourceOffset]: source.offset,
          [DLT_HEADERS.consumerGroup]: setup.groupId,
          ...original,
        });
        expect(letter.headers[DLT_HEADERS.error]).toBeTruthy();
        expect(Date.parse(letter.headers[DLT_HEADERS.failedAt] ?? '')).toBeGreaterThan(
          Date.now() - 120_000,
        );
        expect(letter.key).toBe(source.record.key);
        expect(letter.value?.equals(Buffer.from(source.record.value!))).toBe(true);
      }
    });

    it('skips, without dead-lettering, an event type of the catalogue that it does not handle', async () => {
      const setup = await setUp('unhandled');
      const orderId = await kafka.keyOnPartition(setup.topic, 0);
      const approved = envelopeFor('OrderApproved', { aggregateId: orderId });
      const created = envelopeFor('OrderCreated', { aggregateId: orderId });
      await kafka.produce(setup.topic, recordOf(approved));
      await kafka.produce(setup.topic, recordOf(created));

      await startConsumer(setup, { OrderCreated: recordApplied });
      await processedAll(setup);

      expect(
        (await appliedEvents(db.dataSource, [approved.eventId, created.eventId])).map(
          (a) => a.event_id,
        ),
      ).toEqual([created.eventId]);
      expect(await kafka.recordCount(setup.deadLetterTopic)).toBe(0);
    });
  });

  describe('invariant 7 (transient faults never skip, never dead-letter)', () => {
    it('retries a failing record until it applies, holding back only its own partition', async () => {
      const setup = await setUp('transient');
      const [keyA, keyB] = [
        await kafka.keyOnPartition(setup.topic, 0),
        await kafka.keyOnPartition(setup.topic, 1),
      ];
      const failing = envelopeFor('OrderCreated', { aggregateId: keyA, sequence: 1 });
      const behind = [
        envelopeFor('OrderCancelled', { aggregateId: keyA, sequence: 2 }),
        envelopeFor('OrderCreated', { aggregateId: await kafka.keyOnPartition(setup.topic, 0) }),
      ];
      const elsewhere = envelopeFor('OrderCreated', { aggregateId: keyB });
      const onA = [];
      for (const event of [failing, ...behind])
        onA.push(await kafka.produce(setup.topic, recordOf(event)));
      const onB = await kafka.produce(setup.topic, recordOf(elsewhere));
      expect(onA.map((p) => p.partition)).toEqual([0, 0, 0]);
      expect(onB.partition).toBe(1);

      let attempts = 0;
      const flaky: TestHandler = async (event, manager) => {
        if (event.eventId === failing.eventId && ++attempts <= 3) {
          throw new Error('connection terminated unexpectedly'); // an ordinary, transient fault
        }
        await recordApplied(event, manager);
      };
      await startConsumer(setup, { OrderCreated: flaky, OrderCancelled: flaky });
      await processedAll(setup);

      expect(attempts).toBe(4);
      const applied = (
        await appliedEvents(db.dataSource, ids([failing, ...behind, elsewhere]))
      ).map((a) => a.event_id);
      // Applied once each; on its partition nothing overtook the failing record, while the
      // other partition went on without waiting for it.
      expect(applied).toHaveLength(4);
      expect(applied.filter((id) => id !== elsewhere.eventId)).toEqual(ids([failing, ...behind]));
      expect(applied.indexOf(elsewhere.eventId)).toBeLessThan(applied.indexOf(failing.eventId));
      expect(await kafka.recordCount(setup.deadLetterTopic)).toBe(0);
    });
  });
});
