import { ORDER_EVENTS_TOPIC, PAYMENT_EVENTS_TOPIC } from '@app/contracts';
import { KAFKA_TOOLS, eventually, runKafkaTool, type KafkaBroker } from '@app/devstack';
import { Kafka, logLevel } from 'kafkajs';

const admin = async <T>(brokers: string[], use: (a: ReturnType<Kafka['admin']>) => Promise<T>) => {
  const a = new Kafka({ clientId: 'chaos-cluster', brokers, logLevel: logLevel.NOTHING }).admin();
  await a.connect();
  try {
    return await use(a);
  } finally {
    await a.disconnect().catch(() => undefined);
  }
};

/** Partition leaders of our two topics per node id. */
export async function leadersByNode(brokers: string[]): Promise<Map<number, number>> {
  return admin(brokers, async (a) => {
    const { topics } = await a.fetchTopicMetadata({
      topics: [ORDER_EVENTS_TOPIC, PAYMENT_EVENTS_TOPIC],
    });
    const count = new Map<number, number>();
    for (const t of topics)
      for (const p of t.partitions) count.set(p.leader, (count.get(p.leader) ?? 0) + 1);
    return count;
  });
}

/** Partitions of our topics whose in-sync replicas are fewer than all three. */
export async function underReplicated(brokers: string[]): Promise<number> {
  return admin(brokers, async (a) => {
    const { topics } = await a.fetchTopicMetadata({
      topics: [ORDER_EVENTS_TOPIC, PAYMENT_EVENTS_TOPIC, '__consumer_offsets'],
    });
    return topics.flatMap((t) => t.partitions).filter((p) => p.isr.length < 3).length;
  });
}

/** Waits until every partition has all three replicas in sync again. */
export const fullyReplicated = (brokers: string[], timeoutMs = 120_000): Promise<boolean> =>
  eventually(async () => (await underReplicated(brokers)) === 0, {
    timeoutMs,
    intervalMs: 1_000,
    what: 'every partition to have three in-sync replicas',
  });

/**
 * The KRaft quorum's active controller, asked through Kafka's own MetadataQuorumCommand (a
 * metadata response names any broker as "controller" under KRaft, not the quorum leader).
 */
export function activeController(kafka: KafkaBroker): number {
  const { status, output } = runKafkaTool(KAFKA_TOOLS.metadataQuorum, [
    '--bootstrap-server',
    kafka.brokers.join(','),
    'describe',
    '--status',
  ]);
  const match = /LeaderId:\s+(\d+)/.exec(output);
  if (status !== 0 || !match) throw new Error(`MetadataQuorumCommand failed: ${output}`);
  return Number(match[1]);
}
