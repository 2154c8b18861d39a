import { randomUUID } from 'node:crypto';

import { ORDER_EVENTS_TOPIC } from '@app/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { eventIdFor } from './event-ids.js';
import { insertWithFirstEvent, type NamedInsert } from './insert-with-first-event.js';
import type { NewEvent } from './outbox-writer.js';
import { payloadFor } from '@test/support/messaging/envelopes.js';
import {
  openMessagingDatabase,
  type MessagingDatabase,
} from '@test/support/messaging/messaging-database.js';

const orderCreated = (aggregateId: string): NewEvent<'OrderCreated'> => ({
  eventType: 'OrderCreated',
  aggregateId,
  payload: payloadFor('OrderCreated', aggregateId),
  occurredAt: new Date('2026-11-24T10:00:00.000Z'),
  correlationId: randomUUID(),
  causationId: null,
});

const insertOrder = (orderId: string): NamedInsert => ({
  name: 'it-insert-order',
  text: `INSERT INTO orders (order_id, status) VALUES ($1, $2) ON CONFLICT DO NOTHING`,
  values: [orderId, 'PENDING'],
});

describe('insertWithFirstEvent', () => {
  let db: MessagingDatabase;

  const count = async (sql: string, orderId: string): Promise<number> => {
    const [row] = await db.dataSource.query<[{ n: number }]>(sql, [orderId]);
    return row.n;
  };
  const orders = (id: string) =>
    count('SELECT count(*)::int AS n FROM orders WHERE order_id = $1', id);
  const outboxRows = (id: string) =>
    count('SELECT count(*)::int AS n FROM outbox WHERE aggregate_id = $1', id);

  beforeAll(async () => {
    db = await openMessagingDatabase('insert_with_first_event');
    await db.dataSource.query(
      `CREATE TABLE orders (order_id text PRIMARY KEY, status text NOT NULL)`,
    );
  });

  afterAll(async () => {
    await db?.dataSource.destroy();
  });

  describe('invariant 1 (no lost event): the row and its first event in one statement', () => {
    it('inserts the row and its event as sequence 1 of a new stream, with the id it names', async () => {
      const orderId = randomUUID();

      const inserted = await insertWithFirstEvent(
        db.dataSource,
        insertOrder(orderId),
        orderCreated(orderId),
      );

      expect(inserted).toBe(true);
      expect(await orders(orderId)).toBe(1);
      const rows = await db.dataSource.query<
        { event_id: string; sequence: number; topic: string; envelope: { sequence: number } }[]
      >(`SELECT event_id, sequence, topic, envelope FROM outbox WHERE aggregate_id = $1`, [
        orderId,
      ]);
      expect(rows).toEqual([
        expect.objectContaining({
          event_id: eventIdFor(ORDER_EVENTS_TOPIC, orderId, 1),
          sequence: 1,
          topic: ORDER_EVENTS_TOPIC,
          envelope: expect.objectContaining({ sequence: 1 }) as unknown,
        }),
      ]);
    });

    it('writes neither row nor event when the row exists (a retried request)', async () => {
      const orderId = randomUUID();
      await insertWithFirstEvent(db.dataSource, insertOrder(orderId), orderCreated(orderId));

      const again = await insertWithFirstEvent(
        db.dataSource,
        insertOrder(orderId),
        orderCreated(orderId),
      );

      expect(again).toBe(false);
      expect(await orders(orderId)).toBe(1);
      expect(await outboxRows(orderId)).toBe(1);
    });

    it('fails whole, row included, when the stream already has events (never a second sequence 1)', async () => {
      const orderId = randomUUID();
      await db.dataSource.query(
        `INSERT INTO outbox_streams (topic, aggregate_id, last_sequence) VALUES ($1, $2, 1)`,
        [ORDER_EVENTS_TOPIC, orderId],
      );

      await expect(
        insertWithFirstEvent(db.dataSource, insertOrder(orderId), orderCreated(orderId)),
      ).rejects.toThrow(/duplicate key/);

      expect(await orders(orderId)).toBe(0);
      expect(await outboxRows(orderId)).toBe(0);
    });
  });
});
