import { ORDER_EVENTS_TOPIC, PAYMENT_EVENTS_TOPIC } from '@app/contracts';
import { eventually } from '@app/devstack';
import { Kafka, logLevel, type Admin } from 'kafkajs';

import { GROUPS, GROUP_NAMES } from './census.js';
import type { ChaosStack } from './chaos-stack.js';
import { unpublishedRows } from './db.js';

async function ends(admin: Admin): Promise<string> {
  const parts: string[] = [];
  for (const topic of [ORDER_EVENTS_TOPIC, PAYMENT_EVENTS_TOPIC]) {
    for (const p of await admin.fetchTopicOffsets(topic))
      parts.push(`${topic}/${p.partition}@${p.high}`);
  }
  return parts.join(',');
}

async function lag(admin: Admin, groupId: string, topics: string[]): Promise<number> {
  let behind = 0;
  for (const { topic, partitions } of await admin.fetchOffsets({ groupId, topics })) {
    const high = new Map(
      (await admin.fetchTopicOffsets(topic)).map((p) => [p.partition, Number(p.high)]),
    );
    for (const p of partitions)
      behind += (high.get(p.partition) ?? 0) - Math.max(0, Number(p.offset));
  }
  return behind;
}

/**
 * Waits until nothing moves: both outboxes are published, every group has committed both
 * topics to their ends, and the ends did not move meanwhile (so no record published during
 * the check, nor any outbox row it caused, slipped through).
 */
export async function waitUntilQuiet(chaos: ChaosStack, timeoutMs = 120_000): Promise<void> {
  const kafka = new Kafka({
    clientId: 'chaos-quiet',
    brokers: chaos.brokers,
    logLevel: logLevel.NOTHING,
  });
  let admin: Admin | undefined;
  try {
    await eventually(
      async () => {
        admin ??= kafka.admin();
        await admin.connect();
        const before = await ends(admin);
        for (const service of ['order-service', 'payment-service'] as const) {
          const backlog = await unpublishedRows(chaos.databaseUrl(service));
          if (backlog > 0) throw new Error(`${service} has ${backlog} unpublished outbox rows`);
        }
        for (const group of GROUP_NAMES) {
          const behind = await lag(admin, group, GROUPS[group].topics);
          if (behind !== 0) throw new Error(`consumer group ${group} lags by ${behind} records`);
        }
        if ((await ends(admin)) !== before)
          throw new Error('records were published during the check');
        return true;
      },
      { timeoutMs, intervalMs: 500, what: 'the system to be quiet (empty outboxes, zero lag)' },
    );
  } finally {
    await admin?.disconnect().catch(() => undefined);
  }
}
