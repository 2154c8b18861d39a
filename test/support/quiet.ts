import { SERVICE_NAMES, TOPOLOGY, type ServiceName } from '@app/contracts';
import { eventually } from '@app/devstack';
import { Kafka, logLevel, type Admin } from 'kafkajs';

import { unpublishedRows } from './db.js';
import { CONSUMING_SERVICES, endOffsets, highs, lagOf } from './lag.js';

/** What the check needs of a running system: its broker and each service's database. */
export interface RunningSystem {
  readonly brokers: string[];
  databaseUrl(service: ServiceName): string;
}

/** Services with an outbox: the ones that publish. */
const PUBLISHING_SERVICES = SERVICE_NAMES.filter((s) => TOPOLOGY[s].publishes.length > 0);

/**
 * Waits until nothing moves: every outbox is published, every group has committed the topics
 * it reads to their end, and the topics' ends did not move meanwhile (so no record published
 * during the check, nor any outbox row it caused, slipped through).
 */
export async function waitUntilQuiet(
  system: RunningSystem,
  timeoutMs = 60_000,
  intervalMs = 250,
): Promise<void> {
  const kafka = new Kafka({
    clientId: 'test-quiet',
    brokers: system.brokers,
    logLevel: logLevel.NOTHING,
  });
  let admin: Admin | undefined;
  try {
    await eventually(
      async () => {
        // Connected inside the probe: a chaos test may have the broker down when this starts.
        admin ??= kafka.admin();
        await admin.connect();
        const before = await endOffsets(admin);
        for (const service of PUBLISHING_SERVICES) {
          const backlog = await unpublishedRows(system.databaseUrl(service));
          if (backlog > 0) throw new Error(`${service} has ${backlog} unpublished outbox rows`);
        }
        for (const service of CONSUMING_SERVICES) {
          const lag = await lagOf(admin, service, before);
          if (lag !== 0n) throw new Error(`consumer group ${service} lags by ${lag} records`);
        }
        if (highs(await endOffsets(admin)) !== highs(before))
          throw new Error('records were published during the check');
        return true;
      },
      { timeoutMs, intervalMs, what: 'the system to be quiet (empty outboxes, zero lag)' },
    );
  } finally {
    await admin?.disconnect().catch(() => undefined);
  }
}
