import type { Writable } from 'node:stream';
import type pg from 'pg';
import type { EntityManager } from 'typeorm';

/** A hot-path statement with a name unique to its text (pg refuses one name for two texts). */
export interface PreparedStatement {
  readonly name: string;
  readonly text: string;
}

/** A prepared statement with its parameters, for a caller that sends it with others. */
export interface BoundStatement {
  readonly statement: PreparedStatement;
  readonly values: readonly unknown[];
}

/**
 * Runs a statement of the hot path as a named prepared statement on the connection of the
 * caller's transaction: PostgreSQL parses and plans it once per connection instead of once
 * per call (an unnamed statement, which is what TypeORM's `query()` sends, is parsed and
 * planned every time; ADR 0009 measures the difference). A later search_path (a rebuild's
 * scratch schema) or DDL on its tables makes PostgreSQL parse it again by itself, so a
 * prepared statement never reads a table its text would not name now.
 */
export async function queryPrepared<R extends object>(
  manager: EntityManager,
  statement: PreparedStatement,
  values: readonly unknown[],
): Promise<R[]> {
  const client = connectionOf(manager);
  // Outside a transaction's runner there is no connection to prepare on: send it unnamed.
  if (!client) return manager.query<R[]>(statement.text, [...values]);
  const result = await client.query<R>({ ...statement, values: [...values] });
  return result.rows;
}

/**
 * Calls `start`, which starts statements on the transaction's connection without awaiting
 * them, and sends them all in ONE write. On this VM each socket write is the dearest part of
 * a statement (ADR 0009: `writev` is a fifth to a quarter of a service's CPU profile);
 * pg writes each query with its own. The connection is in pipeline mode (PlatformModule), so
 * the statements run in the order started, each answered in turn; a failing one aborts the
 * transaction and those behind it fail too. Await what `start` returns.
 */
export function sentTogether<T>(manager: EntityManager, start: () => T): T {
  const stream = connectionStream(connectionOf(manager));
  stream?.cork?.();
  try {
    return start();
  } finally {
    stream?.uncork?.();
  }
}

/** The pg connection of the manager's transaction (none outside a transaction's runner). */
function connectionOf(manager: EntityManager): pg.PoolClient | undefined {
  return (manager.queryRunner as { databaseConnection?: pg.PoolClient } | undefined)
    ?.databaseConnection;
}

/** The socket under a pg client (pg corks the same stream around each query's messages). */
export function connectionStream(client: pg.ClientBase | undefined): Partial<Writable> | undefined {
  return (client as unknown as { connection?: { stream?: Partial<Writable> } } | undefined)
    ?.connection?.stream;
}
