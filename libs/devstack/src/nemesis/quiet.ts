import { Kafka, logLevel, type Admin } from 'kafkajs';
import pg from 'pg';

import { eventually } from '../eventually.js';
import { GROUP_IDS, GROUP_TOPICS } from './groups.js';

async function countRows(url: string, sql: string, params: unknown[] = []): Promise<number> {
  const client = new pg.Client({ connectionString: url, application_name: 'nemesis-check' });
  await client.connect();
  try {
    return (await client.query<{ n: number }>(sql, params)).rows[0]?.n ?? 0;
  } finally {
    await client.end();
  }
}

export const unpublished = (url: string): Promise<number> =>
  countRows(url, 'SELECT count(*)::int AS n FROM outbox WHERE published_at IS NULL');
export const inboxRows = (url: string, consumer: string): Promise<number> =>
  countRows(url, 'SELECT count(*)::int AS n FROM inbox WHERE consumer = $1', [consumer]);

async function lagOf(admin: Admin, groupId: string): Promise<number> {
  let behind = 0;
  for (const topic of GROUP_TOPICS[groupId as keyof typeof GROUP_TOPICS].topics) {
    const ends = new Map(
      (await admin.fetchTopicOffsets(topic)).map((p) => [p.partition, Number(p.high)]),
    );
    const [offsets] = await admin.fetchOffsets({ groupId, topics: [topic] });
    for (const p of offsets?.partitions ?? [])
      behind += (ends.get(p.partition) ?? 0) - Math.max(0, Number(p.offset));
  }
  return behind;
}

/** Waits until both outboxes are published and every group has committed to the log's end. */
export async function waitForQuiet(
  brokers: string[],
  databases: { orders: string; payments: string },
  timeoutMs: number,
): Promise<void> {
  const kafka = new Kafka({ clientId: 'nemesis-quiet', brokers, logLevel: logLevel.NOTHING });
  let admin: Admin | undefined;
  try {
    await eventually(
      async () => {
        admin ??= kafka.admin();
        await admin.connect();
        for (const [name, url] of Object.entries(databases)) {
          const rows = await unpublished(url);
          if (rows > 0) throw new Error(`${name}: ${rows} unpublished outbox rows`);
        }
        for (const group of GROUP_IDS) {
          const behind = await lagOf(admin, group);
          if (behind !== 0) throw new Error(`consumer group ${group} lags by ${behind}`);
        }
        return true;
      },
      { timeoutMs, intervalMs: 1_000, what: 'quiet: empty outboxes and zero consumer lag' },
    );
  } finally {
    await admin?.disconnect().catch(() => undefined);
  }
}
