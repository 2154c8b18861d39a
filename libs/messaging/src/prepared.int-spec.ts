import { randomUUID } from 'node:crypto';

import type { EntityManager } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { inboxInsert } from './inbox.js';
import { queryPrepared } from './prepared.js';
import {
  openMessagingDatabase,
  type MessagingDatabase,
} from '@test/support/messaging/messaging-database.js';

const COUNT_ROWS = { name: 'prepared-spec-count', text: 'SELECT count(*)::int AS n FROM inbox' };

const inboxRecord = () => ({
  envelope: { eventId: randomUUID(), eventType: 'OrderCreated' } as never,
  origin: { topic: 'order.events', partition: 0, offset: '0' },
});

/** The inbox's prepared insert of these records, on the manager's connection. */
const recordInInbox = (manager: EntityManager, consumer: string, n: number) => {
  const insert = inboxInsert(consumer, Array.from({ length: n }, inboxRecord))!;
  return queryPrepared(manager, insert.statement, insert.values);
};

describe('queryPrepared', () => {
  let db: MessagingDatabase;

  beforeAll(async () => {
    db = await openMessagingDatabase('prepared');
    // A second inbox, as a rebuild's scratch schema has, found first through the search_path.
    await db.dataSource.query('CREATE SCHEMA scratch');
    await db.dataSource.query('CREATE TABLE scratch.inbox (LIKE public.inbox INCLUDING ALL)');
  });

  afterAll(async () => {
    await db?.dataSource.destroy();
  });

  it("prepares a statement once on the transaction's connection and runs it by name after that", async () => {
    const names = await db.dataSource.transaction(async (manager) => {
      await queryPrepared(manager, COUNT_ROWS, []);
      await queryPrepared(manager, COUNT_ROWS, []);
      return manager.query<{ name: string }[]>(
        'SELECT name FROM pg_prepared_statements WHERE name = $1',
        [COUNT_ROWS.name],
      );
    });
    expect(names).toEqual([{ name: COUNT_ROWS.name }]);
  });

  it('follows a changed search_path: a statement prepared for public writes the scratch table once the scratch schema comes first', async () => {
    // One connection, so the second transaction reuses the statement prepared by the first.
    const runner = db.dataSource.createQueryRunner();
    await runner.connect();
    try {
      await runner.startTransaction();
      await recordInInbox(runner.manager, 'live', 1);
      await runner.commitTransaction();

      await runner.startTransaction();
      await runner.query('SET LOCAL search_path TO scratch, public');
      await recordInInbox(runner.manager, 'rebuild', 2);
      await runner.commitTransaction();
    } finally {
      await runner.release();
    }
    const [live] = await db.dataSource.query<[{ n: number }]>(
      `SELECT count(*)::int AS n FROM public.inbox WHERE consumer = 'rebuild'`,
    );
    const [scratch] = await db.dataSource.query<[{ n: number }]>(
      `SELECT count(*)::int AS n FROM scratch.inbox WHERE consumer = 'rebuild'`,
    );
    expect({ live: live.n, scratch: scratch.n }).toEqual({ live: 0, scratch: 2 });
  });

  it('runs the statement unnamed where there is no transaction to prepare it on', async () => {
    const [row] = await queryPrepared<{ n: number }>(db.dataSource.manager, COUNT_ROWS, []);
    expect(typeof row?.n).toBe('number');
  });
});
