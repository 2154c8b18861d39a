import type { E2eStack } from './e2e-stack.js';
import pg from 'pg';

type ServiceName = Parameters<E2eStack['databaseUrl']>[0];

/**
 * Read-only SQL against one service's own database, for what the API cannot show (inbox,
 * outbox backlog). The session is read-only, so a test can never change a service's state.
 */
export async function queryReadOnly<Row extends pg.QueryResultRow>(
  stack: E2eStack,
  service: ServiceName,
  sql: string,
  params: unknown[] = [],
): Promise<Row[]> {
  const client = new pg.Client({
    connectionString: stack.databaseUrl(service),
    application_name: 'e2e-inspection',
    options: '-c default_transaction_read_only=on',
  });
  await client.connect();
  try {
    return (await client.query<Row>(sql, params)).rows;
  } finally {
    await client.end();
  }
}
