import { ALL_TOPICS, DEFAULT_PARTITIONS } from '@app/contracts';
import { Kafka, logLevel } from 'kafkajs';

/** Creates the project's topics (idempotently) with the partition count the design names. */
export async function ensureTopics(
  brokers: string[],
  topics: readonly string[] = ALL_TOPICS,
  numPartitions = DEFAULT_PARTITIONS,
): Promise<void> {
  const admin = new Kafka({ clientId: 'launcher-topics', brokers, logLevel: logLevel.ERROR }).admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = topics.filter((t) => !existing.has(t));
    if (missing.length > 0) {
      await admin.createTopics({
        waitForLeaders: true,
        topics: missing.map((topic) => ({ topic, numPartitions, replicationFactor: 1 })),
      });
    }
  } finally {
    await admin.disconnect();
  }
}
