import { randomUUID } from 'node:crypto';

import { freshDatabase } from '@test/support/test-infra.js';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { CreateMessagingTables1732500000000 } from './messaging-tables.migration.js';
import { purgeInbox, purgePublishedOutbox } from './retention.js';

const DAY = 86_400_000;

describe('retention keeps the outbox and the inbox bounded', () => {
  let ds: DataSource;

  beforeAll(async () => {
    ds = new DataSource({
      type: 'postgres',
      url: await freshDatabase('retention'),
      migrations: [CreateMessagingTables1732500000000],
    });
    await ds.initialize();
    await ds.runMigrations();
  });

  afterAll(async () => {
    await ds.destroy();
  });

  async function outboxRow(publishedDaysAgo: number | null): Promise<void> {
    const id = randomUUID();
    await ds.query(
      `INSERT INTO outbox (event_id, topic, message_key, aggregate_id, sequence, event_type, schema_version, envelope, published_at)
       VALUES ($1::uuid, 'it-topic', $1::text, $1::text, 1, 'OrderCreated', 1, '{}'::jsonb, $2)`,
      [id, publishedDaysAgo === null ? null : new Date(Date.now() - publishedDaysAgo * DAY)],
    );
  }

  it('deletes only outbox rows published before the horizon, never unpublished ones (invariant 1)', async () => {
    for (let i = 0; i < 7; i++) await outboxRow(3); // published long ago
    await outboxRow(0); // published just now
    await outboxRow(null); // not yet published, however old
    await ds.query(
      `UPDATE outbox SET created_at = now() - interval '30 days' WHERE published_at IS NULL`,
    );

    const deleted = await purgePublishedOutbox(ds, new Date(Date.now() - DAY), 3);

    expect(deleted).toBe(7);
    const left = await ds.query<{ published: boolean }[]>(
      `SELECT published_at IS NOT NULL AS published FROM outbox ORDER BY id`,
    );
    expect(left).toEqual([{ published: true }, { published: false }]);
  });

  it('deletes inbox rows processed before the horizon and keeps the recent ones', async () => {
    const insert = (daysAgo: number) =>
      ds.query(
        `INSERT INTO inbox (consumer, event_id, event_type, topic, partition, "offset", processed_at)
         VALUES ('it', $1, 'OrderCreated', 'it-topic', 0, 0, $2)`,
        [randomUUID(), new Date(Date.now() - daysAgo * DAY)],
      );
    for (let i = 0; i < 5; i++) await insert(10);
    await insert(1);

    expect(await purgeInbox(ds, new Date(Date.now() - 8 * DAY), 2)).toBe(5);
    expect(await ds.query(`SELECT count(*)::int AS n FROM inbox`)).toEqual([{ n: 1 }]);
  });
});
