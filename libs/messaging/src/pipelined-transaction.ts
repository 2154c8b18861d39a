import type pg from 'pg';
import type { DataSource, EntityManager, QueryRunner } from 'typeorm';

import { connectionStream, type BoundStatement } from './prepared.js';

/** A statement of a transaction's opening: a plain text (no parameters) or a prepared one. */
export type OpeningStatement = string | BoundStatement;

/**
 * Runs `body` in a transaction whose opening (BEGIN and `opening`, e.g. a SET LOCAL, the
 * ordered locks, the inbox insert) goes to PostgreSQL in ONE write, on a connection in pg's
 * pipeline mode: one round trip instead of one per statement. On this VM a round trip costs
 * several times the statement (ADR 0009, session 5), and every consumer transaction opens
 * the same way. The statements still run one after another, in this order: a failing one
 * aborts the transaction and those behind it fail with "current transaction is aborted", so
 * the first failure is the one reported. Then `body` runs with the opening's rows, COMMIT on
 * success, ROLLBACK on failure; a connection whose rollback fails is closed, never pooled.
 */
export async function inPipelinedTransaction<T>(
  dataSource: DataSource,
  opening: readonly OpeningStatement[],
  body: (manager: EntityManager, openingRows: unknown[][]) => Promise<T>,
): Promise<T> {
  const runner = dataSource.createQueryRunner();
  const client = (await runner.connect()) as pg.PoolClient;
  // The pool's connections are made with `pipeline: true` (PlatformModule); one that is not
  // would still be correct here, one round trip per statement.
  let result: T;
  try {
    const rows = await openTransaction(client, runner, opening);
    result = await body(runner.manager, rows);
    await client.query('COMMIT');
  } catch (error) {
    await rollBack(client, runner);
    throw error;
  } finally {
    markTransaction(runner, false);
  }
  await runner.release();
  return result;
}

async function openTransaction(
  client: pg.PoolClient,
  runner: QueryRunner,
  opening: readonly OpeningStatement[],
): Promise<unknown[][]> {
  // TypeORM's own calls on this runner (a save()) must see the transaction and not open one.
  markTransaction(runner, true);
  // pg writes each query with its own write; corked, the whole opening leaves in one (pg's
  // own query submission corks the same stream around a query's messages).
  const stream = connectionStream(client);
  stream?.cork?.();
  let sent: Promise<pg.QueryResult<Record<string, unknown>>>[];
  try {
    sent = [
      client.query<Record<string, unknown>>('BEGIN'),
      ...opening.map((s) =>
        typeof s === 'string'
          ? client.query<Record<string, unknown>>(s)
          : client.query<Record<string, unknown>>({ ...s.statement, values: [...s.values] }),
      ),
    ];
  } finally {
    stream?.uncork?.();
  }
  const settled = await Promise.allSettled(sent);
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) throw failed.reason;
  return settled
    .slice(1)
    .map((s) => (s as PromiseFulfilledResult<pg.QueryResult<Record<string, unknown>>>).value.rows);
}

async function rollBack(client: pg.PoolClient, runner: QueryRunner): Promise<void> {
  try {
    await client.query('ROLLBACK');
  } catch (rollbackError) {
    // The connection is in an unknown state (broken, or still inside the transaction).
    await (
      runner as QueryRunner & { releasePostgresConnection(err?: unknown): Promise<void> }
    ).releasePostgresConnection(rollbackError);
    return;
  }
  await runner.release();
}

/** TypeORM's view of the runner's transaction, kept true while ours is open. */
function markTransaction(runner: QueryRunner, active: boolean): void {
  (runner as { isTransactionActive: boolean }).isTransactionActive = active;
}
