import { EVENT_TOPICS, SERVICE_NAMES, TOPOLOGY, type ServiceName } from '@app/contracts';
import { eventually } from '@app/devstack';
import { Kafka, logLevel, type Admin } from 'kafkajs';

/** Every service whose consumer group reads something (all of them, per the topology). */
export const CONSUMING_SERVICES: readonly ServiceName[] = SERVICE_NAMES.filter(
  (s) => TOPOLOGY[s].consumes.length > 0,
);

export type EndOffsets = Map<string, Map<number, { low: bigint; high: bigint }>>;

/** Each event stream's partitions, low and high watermark. */
export async function endOffsets(admin: Admin): Promise<EndOffsets> {
  const ends: EndOffsets = new Map();
  for (const topic of EVENT_TOPICS) {
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

/** Records a service's group has not committed yet, summed over the partitions it reads. */
export async function lagOf(admin: Admin, service: ServiceName, ends: EndOffsets): Promise<bigint> {
  let lag = 0n;
  for (const { topic, partitions } of await admin.fetchOffsets({
    groupId: TOPOLOGY[service].group,
    topics: [...TOPOLOGY[service].consumes],
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

/** Waits until the named services' groups have consumed and committed everything they read. */
export async function waitForZeroLag(
  system: { readonly brokers: string[] },
  services: readonly ServiceName[],
  timeoutMs = 60_000,
): Promise<void> {
  const kafka = new Kafka({
    clientId: 'test-lag',
    brokers: system.brokers,
    logLevel: logLevel.NOTHING,
  });
  const admin = kafka.admin();
  await admin.connect();
  try {
    await eventually(
      async () => {
        const ends = await endOffsets(admin);
        for (const service of services) {
          const lag = await lagOf(admin, service, ends);
          if (lag !== 0n) throw new Error(`consumer group ${service} lags by ${lag} records`);
        }
        return true;
      },
      { timeoutMs, intervalMs: 250, what: `zero lag of ${services.join(', ')}` },
    );
  } finally {
    await admin.disconnect();
  }
}
