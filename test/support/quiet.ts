import { eventually } from '@app/devstack';
import type { E2eStack } from './e2e-stack.js';

import { queryReadOnly } from './db.js';
import { kafkaOf } from './kafka.js';
import { CONSUMER_GROUPS, endOffsets, highs, lagOf, type GroupName } from './lag.js';

const unpublished = async (
  stack: E2eStack,
  service: 'order-service' | 'payment-service',
): Promise<number> => {
  const [row] = await queryReadOnly<{ n: number }>(
    stack,
    service,
    'SELECT count(*)::int AS n FROM outbox WHERE published_at IS NULL',
  );
  return row!.n;
};

/**
 * Waits until nothing moves: every group has consumed both topics to their end, both outboxes
 * are published, and the topics' ends did not move meanwhile (so no record published during
 * the check, and no outbox row it caused, can have slipped through).
 */
export async function waitUntilQuiet(stack: E2eStack, timeoutMs = 60_000): Promise<void> {
  const admin = kafkaOf(stack, 'e2e-quiet').admin();
  await admin.connect();
  try {
    await eventually(
      async () => {
        const before = await endOffsets(admin);
        for (const group of Object.keys(CONSUMER_GROUPS) as GroupName[]) {
          const lag = await lagOf(admin, group, before);
          if (lag !== 0n) throw new Error(`consumer group ${group} lags by ${lag} records`);
        }
        for (const service of ['order-service', 'payment-service'] as const) {
          const backlog = await unpublished(stack, service);
          if (backlog !== 0) throw new Error(`${service} has ${backlog} unpublished outbox rows`);
        }
        if (highs(await endOffsets(admin)) !== highs(before)) {
          throw new Error('records were published during the check');
        }
        return true;
      },
      { timeoutMs, intervalMs: 250, what: 'the system to be quiet (zero lag, empty outboxes)' },
    );
  } finally {
    await admin.disconnect();
  }
}
