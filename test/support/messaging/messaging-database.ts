import { DataSource } from 'typeorm';
import { CreateMessagingTables1732500000000 } from '@app/messaging';

import { freshDatabase } from '../test-infra.js';

export interface MessagingDatabase {
  url: string;
  dataSource: DataSource;
}

/**
 * A database of the spec's own on the run's PostgreSQL, with the messaging tables (outbox,
 * outbox_streams, inbox) created by the same migration the services run.
 */
export async function openMessagingDatabase(prefix: string): Promise<MessagingDatabase> {
  const url = await freshDatabase(prefix);
  const dataSource = new DataSource({
    type: 'postgres',
    url,
    migrations: [CreateMessagingTables1732500000000],
    // Room for ten concurrent writers plus the test's own probes.
    // pipeline: as the services' pools (PlatformModule), so specs run the same wire protocol.
    extra: { max: 20, pipeline: true },
  });
  await dataSource.initialize();
  await dataSource.runMigrations();
  return { url, dataSource };
}
