import type pg from 'pg';
import type { EntityManager } from 'typeorm';

/** A hot-path statement with a name unique to its text (pg refuses one name for two texts). */
export interface PreparedStatement {
  readonly name: string;
  readonly text: string;
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
  const client = (manager.queryRunner as { databaseConnection?: pg.PoolClient } | undefined)
    ?.databaseConnection;
  // Outside a transaction's runner there is no connection to prepare on: send it unnamed.
  if (!client) return manager.query<R[]>(statement.text, [...values]);
  const result = await client.query<R>({ ...statement, values: [...values] });
  return result.rows;
}
