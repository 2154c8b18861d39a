import type { EntityManager } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  openMessagingDatabase,
  type MessagingDatabase,
} from '@test/support/messaging/messaging-database.js';

import { lockStatement } from './ordered-locks.js';
import { inPipelinedTransaction } from './pipelined-transaction.js';

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('ordered advisory locks (lockStatement)', () => {
  let db: MessagingDatabase;

  beforeAll(async () => {
    db = await openMessagingDatabase('ordered_locks');
    await db.dataSource.query(
      `CREATE TABLE accounts (id text PRIMARY KEY, balance int NOT NULL);
       INSERT INTO accounts VALUES ('x', 0), ('y', 0)`,
    );
  });

  afterAll(async () => {
    await db?.dataSource.destroy();
  });

  /** Touches the rows in the given order, pausing in between so the other one can interleave. */
  const touch = (manager: EntityManager, ids: string[]) =>
    ids.reduce(
      (previous, id) =>
        previous.then(async () => {
          await manager.query('UPDATE accounts SET balance = balance + 1 WHERE id = $1', [id]);
          await pause(150);
        }),
      Promise.resolve(),
    );

  // As the consumer runtime does: the locks go first, with BEGIN (ChunkApplier).
  const run = (ids: string[], ordered: boolean) =>
    inPipelinedTransaction(db.dataSource, ordered ? [lockStatement(ids)!] : [], (manager) =>
      touch(manager, ids),
    );

  it('makes two transactions that write the same rows in opposite orders queue, not deadlock', async () => {
    const results = await Promise.allSettled([run(['x', 'y'], true), run(['y', 'x'], true)]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled']);
    const rows = await db.dataSource.query<{ balance: number }[]>(
      'SELECT balance FROM accounts ORDER BY id',
    );
    expect(rows.map((r) => r.balance)).toEqual([2, 2]);
  });

  it('is what prevents it: without it the same two transactions deadlock', async () => {
    const results = await Promise.allSettled([run(['x', 'y'], false), run(['y', 'x'], false)]);
    const failures = results.filter((r) => r.status === 'rejected');
    expect(failures).toHaveLength(1);
    expect(String((failures[0] as PromiseRejectedResult).reason)).toMatch(/deadlock/);
  });
});
