import { ALL_TOPICS, DEFAULT_PARTITIONS } from '@app/contracts';
import { Kafka, logLevel } from 'kafkajs';

export interface TopicReplication {
  replicationFactor: number;
  /** With acks=all, a write needs this many replicas in sync (the leader included). */
  minInsyncReplicas: number;
}

/**
 * Creates the project's topics (idempotently) with the partition count the design names and
 * the cluster's replication (three replicas and two in sync on the three-node cluster).
 */
export async function ensureTopics(
  brokers: string[],
  topics: readonly string[] = ALL_TOPICS,
  numPartitions = DEFAULT_PARTITIONS,
  replication: TopicReplication = { replicationFactor: 1, minInsyncReplicas: 1 },
): Promise<void> {
  const admin = new Kafka({
    clientId: 'launcher-topics',
    brokers,
    logLevel: logLevel.NOTHING,
  }).admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = topics.filter((t) => !existing.has(t));
    if (missing.length > 0) {
      await admin.createTopics({
        waitForLeaders: true,
        topics: missing.map((topic) => ({
          topic,
          numPartitions,
          replicationFactor: replication.replicationFactor,
          configEntries: [
            { name: 'min.insync.replicas', value: String(replication.minInsyncReplicas) },
            { name: 'unclean.leader.election.enable', value: 'false' },
          ],
        })),
      });
    }
    // Finding a group coordinator creates __consumer_offsets (see below).
    await admin.describeGroups(['launcher-warmup']);
  } finally {
    await admin.disconnect();
  }
  // Warm up the coordinators (the first InitProducerId and the first group join create
  // Kafka's internal topics), so the services' first record is not the slow one.
  const kafka = new Kafka({ clientId: 'launcher-warmup', brokers, logLevel: logLevel.NOTHING });
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  await producer.disconnect();
}
