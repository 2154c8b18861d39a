import type { E2eStack } from './e2e-stack.js';
import { eventually } from '@app/devstack';
import type { Admin } from 'kafkajs';

import { ORDER_EVENTS, PAYMENT_EVENTS, kafkaOf } from './kafka.js';

/** Every consumer group of the system and the topics it reads (SYSTEM.md "Services"). */
export const CONSUMER_GROUPS = {
  'order-service': [PAYMENT_EVENTS],
  'payment-service': [ORDER_EVENTS],
  'read-model': [ORDER_EVENTS, PAYMENT_EVENTS],
} as const;

export type GroupName = keyof typeof CONSUMER_GROUPS;

export type EndOffsets = Map<string, Map<number, { low: bigint; high: bigint }>>;

export async function endOffsets(admin: Admin): Promise<EndOffsets> {
  const ends: EndOffsets = new Map();
  for (const topic of [ORDER_EVENTS, PAYMENT_EVENTS]) {
    const partitions = await admin.fetchTopicOffsets(topic);
    ends.set(
      topic,
      new Map(partitions.map((p) => [p.partition, { low: BigInt(p.low), high: BigInt(p.high) }])),
    );
  }
  return ends;
}

export const highs = (ends: EndOffsets): string =>
  [...ends]
    .map(([topic, ps]) => [...ps].map(([p, o]) => `${topic}/${p}@${o.high}`).join(','))
    .join(';');

/** Records the group has not committed yet, summed over the partitions of its topics. */
export async function lagOf(admin: Admin, group: GroupName, ends: EndOffsets): Promise<bigint> {
  let lag = 0n;
  for (const { topic, partitions } of await admin.fetchOffsets({
    groupId: group,
    topics: [...CONSUMER_GROUPS[group]],
  })) {
    for (const p of partitions) {
      const end = ends.get(topic)?.get(p.partition);
      if (!end) continue;
      // -1: nothing committed yet; the group starts from the beginning of the partition.
      const committed = BigInt(p.offset) < 0n ? end.low : BigInt(p.offset);
      lag += end.high - committed;
    }
  }
  return lag;
}

/** Waits until the named groups have consumed and committed everything in their topics. */
export async function waitForZeroLag(
  stack: E2eStack,
  groups: readonly GroupName[],
  timeoutMs = 60_000,
): Promise<void> {
  const admin = kafkaOf(stack, 'e2e-lag').admin();
  await admin.connect();
  try {
    await eventually(
      async () => {
        const ends = await endOffsets(admin);
        for (const group of groups) {
          const lag = await lagOf(admin, group, ends);
          if (lag !== 0n) throw new Error(`consumer group ${group} lags by ${lag} records`);
        }
        return true;
      },
      { timeoutMs, intervalMs: 250, what: `zero lag of ${groups.join(', ')}` },
    );
  } finally {
    await admin.disconnect();
  }
}
