import pg from 'pg';

/**
 * Read-only SQL against one service's own database, for what the API cannot show (inbox,
 * outbox backlog). The session is read-only, so a test can never change a service's state.
 */
export async function queryReadOnly<Row extends pg.QueryResultRow>(
  databaseUrl: string,
  sql: string,
  params: unknown[] = [],
): Promise<Row[]> {
  const client = new pg.Client({
    connectionString: databaseUrl,
    application_name: 'test-inspection',
    options: '-c default_transaction_read_only=on',
  });
  await client.connect();
  try {
    return (await client.query<Row>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

/** The `n` column of a `SELECT count(*)::int AS n …`. */
export async function count(databaseUrl: string, sql: string, params: unknown[] = []) {
  const [row] = await queryReadOnly<{ n: number }>(databaseUrl, sql, params);
  return row?.n ?? 0;
}

/** Events `consumer` has recorded as processed (one row per event id, by primary key). */
export const inboxRows = (databaseUrl: string, consumer: string): Promise<number> =>
  count(databaseUrl, 'SELECT count(*)::int AS n FROM inbox WHERE consumer = $1', [consumer]);

export const unpublishedRows = (databaseUrl: string): Promise<number> =>
  count(databaseUrl, 'SELECT count(*)::int AS n FROM outbox WHERE published_at IS NULL');
