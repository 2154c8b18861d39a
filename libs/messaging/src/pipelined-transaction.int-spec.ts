import { randomUUID } from 'node:crypto';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Writable } from 'node:stream';

import { freshIds, inboxInsert } from './inbox.js';
import { inPipelinedTransaction } from './pipelined-transaction.js';
import { connectionStream, queryPrepared, sentTogether } from './prepared.js';
import {
  openMessagingDatabase,
  type MessagingDatabase,
} from '@test/support/messaging/messaging-database.js';

const inboxRecord = (eventId: string = randomUUID()) => ({
  envelope: { eventId, eventType: 'OrderCreated' } as never,
  origin: { topic: 'order.events', partition: 0, offset: '0' },
});

describe('inPipelinedTransaction', () => {
  let db: MessagingDatabase;
  const inboxRows = async (consumer: string) =>
    Number(
      (
        await db.dataSource.query<{ n: number }[]>(
          'SELECT count(*)::int AS n FROM inbox WHERE consumer = $1',
          [consumer],
        )
      )[0]!.n,
    );
  /** Connections of this database left inside a transaction (a leak would show here). */
  const idleInTransaction = async () =>
    Number(
      (
        await db.dataSource.query<{ n: number }[]>(
          `SELECT count(*)::int AS n FROM pg_stat_activity
            WHERE datname = current_database() AND state LIKE 'idle in transaction%'`,
        )
      )[0]!.n,
    );

  beforeAll(async () => {
    db = await openMessagingDatabase('pipelined');
    await db.dataSource.query('CREATE TABLE effects (id uuid PRIMARY KEY)');
  });

  afterAll(async () => {
    await db?.dataSource.destroy();
  });

  it("commits the opening's writes and the body's together, and hands the body the opening's rows", async () => {
    const consumer = `c-${randomUUID()}`;
    const seen = randomUUID();
    await inPipelinedTransaction(db.dataSource, [inboxInsert(consumer, [inboxRecord(seen)])!], () =>
      Promise.resolve(),
    );
    const effect = randomUUID();
    const fresh = await inPipelinedTransaction(
      db.dataSource,
      [
        "SET LOCAL application_name TO 'pipelined-spec'",
        inboxInsert(consumer, [inboxRecord(seen), inboxRecord()])!,
      ],
      async (manager, rows) => {
        const [{ name }] = await manager.query<[{ name: string }]>(
          "SELECT current_setting('application_name') AS name",
        );
        expect(name).toBe('pipelined-spec'); // the opening ran inside this transaction
        await manager.query('INSERT INTO effects (id) VALUES ($1)', [effect]);
        expect(rows[0]).toEqual([]); // a SET returns no row
        return freshIds(rows[1]!);
      },
    );
    expect(fresh.size).toBe(1); // the id seen before is not new
    expect(fresh.has(seen)).toBe(false);
    expect(await inboxRows(consumer)).toBe(2);
    expect(
      await db.dataSource.query('SELECT id FROM effects WHERE id = $1', [effect]),
    ).toHaveLength(1);
  });

  it('reports the failing statement of the opening, not the ones it aborted, and keeps nothing of it', async () => {
    const consumer = `c-${randomUUID()}`;
    const attempt = inPipelinedTransaction(
      db.dataSource,
      [
        inboxInsert(consumer, [inboxRecord()])!,
        'SELECT 1 / 0',
        inboxInsert(`${consumer}-2`, [inboxRecord()])!,
      ],
      () => Promise.reject(new Error('the body must not run')),
    );
    await expect(attempt).rejects.toMatchObject({ code: '22012' }); // division_by_zero, not 25P02
    expect(await inboxRows(consumer)).toBe(0);
    expect(await inboxRows(`${consumer}-2`)).toBe(0);
    expect(await idleInTransaction()).toBe(0);
  });

  it('rolls the opening back with the body when the body fails, and the connection goes back clean', async () => {
    const consumer = `c-${randomUUID()}`;
    const effect = randomUUID();
    const attempt = inPipelinedTransaction(
      db.dataSource,
      [inboxInsert(consumer, [inboxRecord()])!],
      async (manager) => {
        await manager.query('INSERT INTO effects (id) VALUES ($1)', [effect]);
        throw new Error('handler failed');
      },
    );
    await expect(attempt).rejects.toThrow('handler failed');
    expect(await inboxRows(consumer)).toBe(0);
    expect(
      await db.dataSource.query('SELECT id FROM effects WHERE id = $1', [effect]),
    ).toHaveLength(0);
    expect(await idleInTransaction()).toBe(0);
    // Every pooled connection still works outside a transaction (none was left aborted).
    const ok = await Promise.all(
      Array.from({ length: 20 }, () => db.dataSource.query('SELECT 1 AS one')),
    );
    expect(ok).toHaveLength(20);
  });

  it('keeps the locks of the opening until the commit: a second transaction on the same key waits', async () => {
    const key = 424_242;
    const order: string[] = [];
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const first = inPipelinedTransaction(
      db.dataSource,
      [`SELECT pg_advisory_xact_lock(${key})`],
      async () => {
        order.push('first holds');
        await held;
        order.push('first commits');
      },
    );
    await new Promise((resolve) => setTimeout(resolve, 100));
    const second = inPipelinedTransaction(
      db.dataSource,
      [`SELECT pg_advisory_xact_lock(${key})`],
      () => {
        order.push('second holds');
        return Promise.resolve();
      },
    );
    await new Promise((resolve) => setTimeout(resolve, 200));
    release();
    await Promise.all([first, second]);
    expect(order).toEqual(['first holds', 'first commits', 'second holds']);
  });

  it('sends statements started together in one socket write, and answers each in turn', async () => {
    const writesOf = async (together: boolean) =>
      inPipelinedTransaction(db.dataSource, [], async (manager) => {
        const client = (manager.queryRunner as { databaseConnection?: never }).databaseConnection;
        const stream = connectionStream(client) as Writable & {
          _writev?: (...args: unknown[]) => void;
          _write: (...args: unknown[]) => void;
        };
        let writes = 0;
        const writev = stream._writev?.bind(stream);
        const write = stream._write.bind(stream);
        stream._writev = (...args) => ((writes += 1), writev?.(...args));
        stream._write = (...args) => ((writes += 1), write(...args));
        try {
          // queryPrepared starts its statement at once (TypeORM's query() only after a tick).
          const start = () =>
            [1, 2, 3].map((n) =>
              queryPrepared<{ n: number }>(
                manager,
                { name: `together-${n}`, text: `SELECT ${n} AS n` },
                [],
              ),
            );
          const answers = await Promise.all(together ? sentTogether(manager, start) : start());
          expect(answers.map(([row]) => row!.n)).toEqual([1, 2, 3]);
        } finally {
          delete (stream as { _writev?: unknown })._writev;
          delete (stream as { _write?: unknown })._write;
        }
        return writes;
      });
    expect(await writesOf(true)).toBe(1);
    expect(await writesOf(false)).toBe(3);
  });
});
