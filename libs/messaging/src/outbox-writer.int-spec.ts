import { randomUUID } from 'node:crypto';

import { ContractViolationError, ORDER_EVENTS_TOPIC, currentVersionOf } from '@app/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { eventIdFor } from './event-ids.js';
import { appendAllToOutbox, appendToOutbox, type NewEvent } from './outbox-writer.js';
import { payloadFor } from '@test/support/messaging/envelopes.js';
import {
  openMessagingDatabase,
  type MessagingDatabase,
} from '@test/support/messaging/messaging-database.js';

// appendToOutbox always writes to the real topics: these tests look at the database only and
// never run a relay over the rows they write.

class Rollback extends Error {
  override readonly name = 'Rollback';
}

const orderCreated = (
  aggregateId: string,
  customerId = 'customer-42',
): NewEvent<'OrderCreated'> => ({
  eventType: 'OrderCreated',
  aggregateId,
  payload: { ...payloadFor('OrderCreated', aggregateId), customerId },
  occurredAt: new Date('2026-11-24T10:00:00.000Z'),
  correlationId: randomUUID(),
  causationId: null,
});

interface OutboxRow {
  id: string;
  event_id: string;
  sequence: number;
  envelope: { payload: { customerId: string } };
}

describe('appendToOutbox', () => {
  let db: MessagingDatabase;

  const rowsOf = async (aggregateId: string): Promise<OutboxRow[]> =>
    await db.dataSource.query<OutboxRow[]>(
      `SELECT id, event_id, sequence, envelope FROM outbox WHERE aggregate_id = $1 ORDER BY id`,
      [aggregateId],
    );

  const ordersNamed = async (orderId: string): Promise<number> => {
    const [row] = await db.dataSource.query<[{ n: number }]>(
      'SELECT count(*)::int AS n FROM orders WHERE order_id = $1',
      [orderId],
    );
    return row.n;
  };

  beforeAll(async () => {
    db = await openMessagingDatabase('outbox_writer');
    // Stand-ins for a service's state and for the moment each writer committed.
    await db.dataSource.query(
      `CREATE TABLE orders (order_id text PRIMARY KEY, status text NOT NULL)`,
    );
    await db.dataSource.query(`
      CREATE TABLE commit_log (
        aggregate_id text NOT NULL,
        sequence     integer NOT NULL,
        writer       text NOT NULL,
        committed_at timestamptz NOT NULL DEFAULT clock_timestamp()
      )`);
  });

  afterAll(async () => {
    await db?.dataSource.destroy();
  });

  describe('invariant 1 (no lost event): the event commits and rolls back with the state change', () => {
    it('commits the outbox row in the same transaction as the state change', async () => {
      const orderId = randomUUID();

      const envelope = await db.dataSource.transaction(async (manager) => {
        await manager.query(`INSERT INTO orders VALUES ($1, 'PENDING')`, [orderId]);
        return appendToOutbox(manager, orderCreated(orderId));
      });

      expect(await ordersNamed(orderId)).toBe(1);
      const rows = await rowsOf(orderId);
      expect(rows.map((r) => r.event_id)).toEqual([envelope.eventId]);
      expect(envelope.schemaVersion).toBe(currentVersionOf('OrderCreated'));
      const [stored] = await db.dataSource.query<[Record<string, unknown>]>(
        `SELECT topic, message_key, event_type, schema_version, headers, published_at
           FROM outbox WHERE event_id = $1`,
        [envelope.eventId],
      );
      expect(stored).toEqual({
        topic: ORDER_EVENTS_TOPIC,
        message_key: orderId,
        event_type: 'OrderCreated',
        schema_version: envelope.schemaVersion,
        headers: {
          'event-type': 'OrderCreated',
          'schema-version': String(envelope.schemaVersion),
          'event-id': envelope.eventId,
          'correlation-id': envelope.correlationId,
        },
        published_at: null,
      });
    });

    it('leaves neither the state change nor the event behind when the transaction rolls back', async () => {
      const orderId = randomUUID();

      await expect(
        db.dataSource.transaction(async (manager) => {
          await manager.query(`INSERT INTO orders VALUES ($1, 'PENDING')`, [orderId]);
          await appendToOutbox(manager, orderCreated(orderId));
          throw new Rollback('the business transaction failed after writing its event');
        }),
      ).rejects.toThrow(Rollback);

      expect(await ordersNamed(orderId)).toBe(0);
      expect(await rowsOf(orderId)).toEqual([]);
    });

    it('refuses to run outside a transaction, where the event could outlive a failed change', async () => {
      const orderId = randomUUID();

      await expect(appendToOutbox(db.dataSource.manager, orderCreated(orderId))).rejects.toThrow(
        /inside the transaction/,
      );
      expect(await rowsOf(orderId)).toEqual([]);
    });
  });

  describe('invariant 2 (per-order order): with ten concurrent writers to one aggregate', () => {
    it('numbers the committed events 1..n with no gap and gives them ids in commit order', async () => {
      const orderId = randomUUID();
      const rollsBack = (writer: number): boolean => writer % 3 === 0;
      const jitter = (): number => Math.random() * 0.03;

      const outcomes = await Promise.allSettled(
        Array.from({ length: 10 }, (_, writer) =>
          db.dataSource.transaction(async (manager) => {
            // Start the writers in a shuffled order, then hold the stream lock for a while,
            // so that who inserts first and who commits first are not the same question.
            await manager.query('SELECT pg_sleep($1)', [jitter()]);
            const envelope = await appendToOutbox(
              manager,
              orderCreated(orderId, `writer-${writer}`),
            );
            await manager.query('SELECT pg_sleep($1)', [jitter()]);
            if (rollsBack(writer)) throw new Rollback(`writer ${writer} rolls back`);
            // The last statement before COMMIT: its clock_timestamp() orders the commits.
            await manager.query(
              'INSERT INTO commit_log (aggregate_id, sequence, writer) VALUES ($1, $2, $3)',
              [orderId, envelope.sequence, `writer-${writer}`],
            );
          }),
        ),
      );

      // Only the writers told to roll back failed (no lock timeout, no duplicate sequence).
      const failed = outcomes.flatMap((o, writer) => (o.status === 'rejected' ? [writer] : []));
      expect(failed).toEqual([0, 3, 6, 9]);
      for (const o of outcomes)
        if (o.status === 'rejected') expect(o.reason).toBeInstanceOf(Rollback);

      const rows = await rowsOf(orderId); // in id order
      expect(rows.map((r) => r.sequence)).toEqual([1, 2, 3, 4, 5, 6]);
      const commits = await db.dataSource.query<{ sequence: number; writer: string }[]>(
        'SELECT sequence, writer FROM commit_log WHERE aggregate_id = $1 ORDER BY committed_at',
        [orderId],
      );
      // The n-th commit wrote sequence n, and its row has the n-th smallest id.
      expect(commits.map((c) => c.sequence)).toEqual([1, 2, 3, 4, 5, 6]);
      expect(rows.map((r) => r.envelope.payload.customerId)).toEqual(commits.map((c) => c.writer));
      const [stream] = await db.dataSource.query<[{ last_sequence: number }]>(
        'SELECT last_sequence FROM outbox_streams WHERE topic = $1 AND aggregate_id = $2',
        [ORDER_EVENTS_TOPIC, orderId],
      );
      expect(stream.last_sequence).toBe(6);
    });

    it('appends several events in one call with the sequences and id order of one call each', async () => {
      const [a, b] = [randomUUID(), randomUUID()];
      await db.dataSource.transaction((manager) => appendToOutbox(manager, orderCreated(a)));

      const envelopes = await db.dataSource.transaction((manager) =>
        appendAllToOutbox(manager, [
          orderCreated(b, 'first'),
          orderCreated(a, 'second'),
          orderCreated(b, 'third'),
          orderCreated(a, 'fourth'),
        ]),
      );

      expect(envelopes.map((e) => [e.aggregateId, e.sequence])).toEqual([
        [b, 1],
        [a, 2],
        [b, 2],
        [a, 3],
      ]);
      // Within each stream, ids grow with the sequence; the rows are the envelopes returned.
      expect((await rowsOf(a)).map((r) => [r.sequence, r.envelope.payload.customerId])).toEqual([
        [1, 'customer-42'],
        [2, 'second'],
        [3, 'fourth'],
      ]);
      const ofB = await rowsOf(b);
      expect(ofB.map((r) => r.sequence)).toEqual([1, 2]);
      expect(ofB.map((r) => r.event_id)).toEqual([envelopes[0]!.eventId, envelopes[2]!.eventId]);
      const [stream] = await db.dataSource.query<[{ last_sequence: number }]>(
        'SELECT last_sequence FROM outbox_streams WHERE topic = $1 AND aggregate_id = $2',
        [ORDER_EVENTS_TOPIC, a],
      );
      expect(stream.last_sequence).toBe(3);
    });

    it('counts each aggregate stream on its own, from 1', async () => {
      const [a, b] = [randomUUID(), randomUUID()];
      const append = (orderId: string) =>
        db.dataSource.transaction((manager) => appendToOutbox(manager, orderCreated(orderId)));

      const sequences = [];
      for (const orderId of [a, b, a, a, b]) sequences.push((await append(orderId)).sequence);

      expect(sequences).toEqual([1, 1, 2, 3, 2]);
    });
  });

  describe('deterministic event ids (invariant 3: a retried writer names the same fact the same way)', () => {
    it('gives the same topic, aggregate and sequence the same eventId, and anything else another', async () => {
      const orderId = randomUUID();
      let rolledBackId = '';

      await expect(
        db.dataSource.transaction(async (manager) => {
          rolledBackId = (await appendToOutbox(manager, orderCreated(orderId))).eventId;
          throw new Rollback('first attempt fails');
        }),
      ).rejects.toThrow(Rollback);
      const retried = await db.dataSource.transaction((m) =>
        appendToOutbox(m, orderCreated(orderId)),
      );
      const next = await db.dataSource.transaction((m) => appendToOutbox(m, orderCreated(orderId)));
      const otherOrder = await db.dataSource.transaction((m) =>
        appendToOutbox(m, orderCreated(randomUUID())),
      );

      expect(retried.sequence).toBe(1);
      expect(retried.eventId).toBe(rolledBackId);
      expect(retried.eventId).toBe(eventIdFor(ORDER_EVENTS_TOPIC, orderId, 1));
      expect(next.eventId).toBe(eventIdFor(ORDER_EVENTS_TOPIC, orderId, 2));
      expect(new Set([retried.eventId, next.eventId, otherOrder.eventId]).size).toBe(3);
      expect((await rowsOf(orderId)).map((r) => r.event_id)).toEqual([
        retried.eventId,
        next.eventId,
      ]);
    });
  });

  describe('when the payload breaks its contract (invariant 7 at the source)', () => {
    const badEvent = (orderId: string): NewEvent<'OrderCreated'> => {
      const event = orderCreated(orderId);
      return { ...event, payload: { ...event.payload, currency: 'euro', total: -1 } };
    };

    it('throws ContractViolationError, so the transaction fails and nothing is written', async () => {
      const orderId = randomUUID();

      const attempt = db.dataSource.transaction(async (manager) => {
        await manager.query(`INSERT INTO orders VALUES ($1, 'PENDING')`, [orderId]);
        await appendToOutbox(manager, badEvent(orderId));
      });

      await expect(attempt).rejects.toBeInstanceOf(ContractViolationError);
      await expect(attempt).rejects.toMatchObject({ reason: 'schema-violation' });
      expect(await ordersNamed(orderId)).toBe(0);
      expect(await rowsOf(orderId)).toEqual([]);
      const streams = await db.dataSource.query<unknown[]>(
        'SELECT 1 FROM outbox_streams WHERE aggregate_id = $1',
        [orderId],
      );
      expect(streams).toEqual([]);
    });

    // A caller that catches the violation and commits must not leave a gap in the
    // aggregate's sequence (the read model would park every later event of that order).
    it('leaves no gap in the sequence even when the caller catches the violation and commits', async () => {
      const orderId = randomUUID();

      await db.dataSource.transaction(async (manager) => {
        await manager.query(`INSERT INTO orders VALUES ($1, 'PENDING')`, [orderId]);
        await expect(appendToOutbox(manager, badEvent(orderId))).rejects.toBeInstanceOf(
          ContractViolationError,
        );
      });
      const next = await db.dataSource.transaction((m) => appendToOutbox(m, orderCreated(orderId)));

      expect(await ordersNamed(orderId)).toBe(1);
      expect(next.sequence).toBe(1);
    });
  });
});
